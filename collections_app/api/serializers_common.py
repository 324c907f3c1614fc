"""Shapes every operation shares: the problem document."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class ProblemDetailSerializer(serializers.Serializer):
    path = serializers.CharField(
        allow_blank=True,
        help_text=_(
            'A JSON path into the body ("contact_points[1].address"), a query '
            'parameter\'s name, or "" for the whole request.'
        ),
    )
    message = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField(help_text=_("/api/problems/<kind>, see the README."))
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = ProblemDetailSerializer(many=True, required=False)
