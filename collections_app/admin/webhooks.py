"""Stored webhooks, read-only: what a provider sent, when, and what processing made of it."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from collections_app.admin.base import ReadOnlyAdmin
from collections_app.admin.pii import PiiFieldsMixin
from collections_app.models import WebhookEvent


@admin.register(WebhookEvent)
class WebhookEventAdmin(PiiFieldsMixin, ReadOnlyAdmin):
    # Stored as the provider sent it: From / To numbers, recipients, the reply's text.
    pii_text_fields = ("dedupe_key", "error")
    pii_data_fields = ("payload",)
    list_display = ("id", "kind", "dedupe_key", "received_at", "processed_at", "attempts", "error")
    list_filter = ("kind", "provider")
    search_fields = ("=dedupe_key",)
    date_hierarchy = "received_at"
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [f.name for f in WebhookEvent._meta.fields]
