"""The case list's queues and filters. Each one is a saved filter served by an index; none of
them reads the case table to build its own choices (no SELECT DISTINCT over a million rows)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest

from collections_app.models import Jurisdiction, JurisdictionProfile
from collections_app.selectors.queues import DPD_BUCKETS, QUEUES, dpd_bucket_cases, queue_cases
from collections_app.services.assignment import AGENT_ROLE


class QueueFilter(admin.SimpleListFilter):
    title = "queue"
    parameter_name = "queue"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return list(QUEUES.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in QUEUES:
            return queue_cases(queryset, self.value(), user=request.user)
        return queryset


class DaysPastDueFilter(admin.SimpleListFilter):
    title = "days past due"
    parameter_name = "dpd"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [(key, key) for key in DPD_BUCKETS]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in DPD_BUCKETS:
            return dpd_bucket_cases(queryset, self.value())
        return queryset


class JurisdictionFilter(admin.SimpleListFilter):
    """Choices from the shipped jurisdictions and compliance's profiles, not from the data."""

    title = "jurisdiction"
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
    title = "assigned agent"
    parameter_name = "agent"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        agents = get_user_model().objects.filter(groups__name=AGENT_ROLE, is_active=True)
        return [(str(u.pk), u.get_username()) for u in agents.order_by("username")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() and self.value().isdigit():
            return queryset.filter(assigned_agent_id=int(self.value()))
        return queryset
