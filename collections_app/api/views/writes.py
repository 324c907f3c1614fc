"""Shared by the write views: reads need a key, writes a write key; every answer to a write
says what happened (created / updated / unchanged)."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.views import APIView

from collections_app.api.auth import CanRead, CanWrite

CREATED = "created"


class ReadWriteView(APIView):
    def get_permissions(self) -> list[BasePermission]:
        return [CanRead()] if self.request.method in SAFE_METHODS else [CanWrite()]


def status_for(result_status: str) -> int:
    """201 when the call created the record, 200 when it was already there (updated or not)."""
    return 201 if result_status == CREATED else 200
