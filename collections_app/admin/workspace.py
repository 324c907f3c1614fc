"""Agents' profiles (for automatic assignment) and the log of unmasked personal data."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from collections_app.admin.base import ReadOnlyAdmin
from collections_app.admin.team import TeamViewMixin
from collections_app.models import AgentProfile, PiiAccessLog
from collections_app.states import OPEN_STATES


@admin.register(AgentProfile)
class AgentProfileAdmin(TeamViewMixin, admin.ModelAdmin):
    list_display = ("user", "jurisdictions", "languages", "accepts_cases", "open_cases")
    list_filter = ("accepts_cases",)
    raw_id_fields = ("user",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[AgentProfile]:
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            .annotate(
                n_open=Count(
                    "user__assigned_cases",
                    filter=Q(user__assigned_cases__state__in=OPEN_STATES),
                )
            )
        )

    @admin.display(description=_("Open cases"), ordering="n_open")
    def open_cases(self, obj: AgentProfile) -> int:
        return obj.n_open


@admin.register(PiiAccessLog)
class PiiAccessLogAdmin(ReadOnlyAdmin):
    list_display = ("viewed_at", "user", "borrower", "case", "fields", "path")
    list_select_related = ("user", "borrower")
    raw_id_fields = ("user", "borrower", "case")
    show_full_result_count = False
    date_hierarchy = "viewed_at"
