"""Cursor pagination for lists: stable under inserts (no page skips or repeats a row when new
cases open while a client pages), and every page costs one indexed range read."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor, CursorPagination

from collections_app.api.problems import ApiProblem


class IdCursorPagination(CursorPagination):
    # The primary key: unique and indexed, so the cursor is a plain "id > n".
    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500

    def decode_cursor(self, request: object) -> Cursor | None:
        try:
            return super().decode_cursor(request)
        except NotFound as exc:
            raise ApiProblem(
                _("The cursor is not one this API gave out: start again without it."),
                status_code=400,
                problem_type="invalid-cursor",
            ) from exc

    def get_page_size(self, request: object) -> int:
        raw = request.query_params.get(self.page_size_query_param)  # type: ignore[attr-defined]
        if raw is not None and not (
            re.fullmatch(r"[0-9]{1,4}", raw) and 1 <= int(raw) <= self.max_page_size
        ):
            raise ApiProblem(
                _("page_size must be a whole number from 1 to %(max)d.")
                % {"max": self.max_page_size},
                status_code=400,
                problem_type="invalid-request",
            )
        return super().get_page_size(request)
