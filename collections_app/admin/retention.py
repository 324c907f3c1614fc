"""Retention: legal holds on records (compliance places and releases them) and the purge runs
(read-only: when, dry or real, under which profile versions, how many rows per table)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy

from collections_app.models import PurgeRun, RetentionHold
from collections_app.services.retention import step_label


@admin.register(RetentionHold)
class RetentionHoldAdmin(admin.ModelAdmin):
    list_display = ("case", "reason", "placed_by", "placed_at", "released_at")
    list_filter = ("released_at",)
    raw_id_fields = ("case",)
    readonly_fields = ("placed_by", "placed_at")
    search_fields = ("case__id", "reason")

    def save_model(self, request: HttpRequest, obj: RetentionHold, form: object, change: bool):  # noqa: ANN201
        if not change:
            obj.placed_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # released, never removed: the hold is part of the record


@admin.register(PurgeRun)
class PurgeRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "dry_run", "trigger", "status", "cases", "rows", "finished_at")
    list_filter = ("dry_run", "trigger", "status")
    readonly_fields = [f.name for f in PurgeRun._meta.fields if f.name != "counts"] + ["per_table"]
    exclude = ("counts",)

    @admin.display(description=gettext_lazy("rows"))
    def rows(self, run: PurgeRun) -> int:
        return sum(run.counts.values())

    @admin.display(description=gettext_lazy("rows per table"))
    def per_table(self, run: PurgeRun) -> str:
        rows = sorted((step_label(key), n) for key, n in run.counts.items())
        return format_html_join("", "<div>{}: {}</div>", rows) or "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
