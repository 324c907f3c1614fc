"""The case list's queues and filters. Each one is a saved filter served by an index; none of
them reads the case table to build its own choices (no SELECT DISTINCT over a million rows)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from collections_app.models import Jurisdiction, JurisdictionProfile
from collections_app.selectors.queues import (
    DPD_BUCKETS,
    QUEUES,
    SUPERVISOR_QUEUES,
    dpd_bucket_cases,
    queue_cases,
)
from collections_app.selectors.team import SUPERVISOR_VIEW_PERMISSION
from collections_app.services.assignment import AGENT_ROLE
from collections_app.states import CLOSED_STATES, OPEN_STATES


class QueueFilter(admin.SimpleListFilter):
    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        # The supervisor's queues for those who see the supervisor view.
        supervisor = request.user.has_perm(SUPERVISOR_VIEW_PERMISSION)
        return [(k, v) for k, v in QUEUES.items() if supervisor or k not in SUPERVISOR_QUEUES]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in QUEUES:
            return queue_cases(queryset, self.value(), user=request.user)
        return queryset


class ClosedCasesFilter(admin.SimpleListFilter):
    """Resolved and written-off cases are out of the list unless asked for: by this filter, by
    choosing their stage, or by a search (looking for a person finds their closed cases too)."""

    title = _("closed cases")
    parameter_name = "closed"
    STAGE_PARAMETER = "state__exact"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [
            ("include", _("Show them too")),
            ("only", _("Only resolved and written off")),
        ]

    def choices(self, changelist: object) -> list[dict]:
        return [
            {
                "selected": self.value() is None,
                "query_string": changelist.get_query_string(remove=[self.parameter_name]),
                "display": _("Hidden"),
            },
            *[
                {
                    "selected": self.value() == key,
                    "query_string": changelist.get_query_string({self.parameter_name: key}),
                    "display": title,
                }
                for key, title in self.lookup_choices
            ],
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "include":
            return queryset
        if self.value() == "only":
            return queryset.filter(state__in=CLOSED_STATES)
        if request.GET.get(self.STAGE_PARAMETER) or request.GET.get("q", "").strip():
            return queryset
        return queryset.filter(state__in=OPEN_STATES)


class DaysPastDueFilter(admin.SimpleListFilter):
    title = _("days past due")
    parameter_name = "dpd"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [(key, key) for key in DPD_BUCKETS]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in DPD_BUCKETS:
            return dpd_bucket_cases(queryset, self.value())
        return queryset


class JurisdictionFilter(admin.SimpleListFilter):
    """Choices from the shipped jurisdictions and compliance's profiles, not from the data."""

    title = _("jurisdiction")
    parameter_name = "jurisdiction"
    field_path = "loan__borrower__jurisdiction"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        codes = dict(Jurisdiction.choices)
        for code, name in JurisdictionProfile.objects.filter(is_current=True).values_list(
            "code", "name"
        ):
            codes.setdefault(code, name)
        return sorted(codes.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value():
            return queryset.filter(**{self.field_path: self.value()})
        return queryset


class BorrowerJurisdictionFilter(JurisdictionFilter):
    field_path = "jurisdiction"


class AgentFilter(admin.SimpleListFilter):
    title = _("assigned agent")
    parameter_name = "agent"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        agents = get_user_model().objects.filter(groups__name=AGENT_ROLE, is_active=True)
        return [(str(u.pk), u.get_username()) for u in agents.order_by("username")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() and self.value().isdigit():
            return queryset.filter(assigned_agent_id=int(self.value()))
        return queryset
