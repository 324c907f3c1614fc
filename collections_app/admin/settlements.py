"""Settlements (the supervisors' approval queue: offers above the offering person's limit wait
here for a second person) and the payment links sent. Read-only pages; the decision goes
through services/settlements.py."""

from __future__ import annotations

import typing

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collections_app.admin.base import ReadOnlyAdmin
from collections_app.models.settlements import PaymentLink, Settlement
from collections_app.services.settlements import (
    APPROVE_PERMISSION,
    settlement_approve,
    settlement_reject,
)

WAITING, EVERY = "waiting", "all"


class ApprovalQueueFilter(admin.SimpleListFilter):
    """The list opens on the offers waiting for a decision: the approval queue."""

    title = gettext_lazy("queue")
    parameter_name = "queue"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [(WAITING, _("Waiting for approval")), (EVERY, _("All settlements"))]

    def choices(self, changelist: typing.Any) -> typing.Iterator[dict[str, typing.Any]]:
        current = self.value() or WAITING
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if (self.value() or WAITING) == WAITING:
            return queryset.filter(status=Settlement.Status.PROPOSED)
        return queryset


@admin.register(Settlement)
class SettlementAdmin(ReadOnlyAdmin):
    change_form_template = "admin/collections_app/settlement/change_form.html"
    list_display = (
        "id",
        "case",
        "status",
        "discount_percent",
        "amount",
        "balance",
        "currency",
        "method",
        "proposed_by",
        "proposed_at",
        "decided_by",
        "decided_at",
    )
    list_filter = (ApprovalQueueFilter, "status", "method")
    list_select_related = ("case", "proposed_by", "decided_by")
    raw_id_fields = ("case", "plan")
    ordering = ("proposed_at",)  # oldest waiting first

    def get_urls(self) -> list[URLPattern]:
        decide = path(
            "<path:object_id>/decide/",
            self.admin_site.admin_view(self.decide_view),
            name="collections_app_settlement_decide",
        )
        return [decide, *super().get_urls()]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, typing.Any] | None = None,
    ) -> HttpResponse:
        settlement = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if settlement is not None:
            context["can_decide"] = (
                request.user.has_perm(APPROVE_PERMISSION)
                and settlement.status == Settlement.Status.PROPOSED
            )
            context["own_offer"] = settlement.proposed_by_id == request.user.pk
            context["decide_url"] = reverse(
                "admin:collections_app_settlement_decide", args=[settlement.pk]
            )
            context["case_url"] = reverse(
                "admin:collections_app_collectioncase_change", args=[settlement.case_id]
            )
        return super().change_view(request, object_id, form_url, context)

    def decide_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm(APPROVE_PERMISSION):
            raise PermissionDenied
        settlement = self.get_object(request, unquote(object_id))
        if settlement is None:
            raise PermissionDenied
        note = request.POST.get("note", "").strip()
        here = reverse("admin:collections_app_settlement_change", args=[settlement.pk])
        try:
            if "_approve" in request.POST:
                settlement_approve(settlement=settlement, actor=request.user, note=note)
                text = _("Settlement #%(id)s approved.")
            elif "_reject" in request.POST:
                settlement_reject(settlement=settlement, actor=request.user, note=note)
                text = _("Settlement #%(id)s rejected.")
            else:
                return HttpResponseRedirect(here)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(here)
        self.message_user(request, text % {"id": settlement.pk}, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:collections_app_settlement_changelist"))


@admin.register(PaymentLink)
class PaymentLinkAdmin(ReadOnlyAdmin):
    list_display = (
        "reference",
        "case",
        "amount",
        "currency",
        "channel",
        "expires_at",
        "created_by",
    )
    list_select_related = ("case", "created_by")
    raw_id_fields = ("case", "message", "settlement")
    # The signed URL is a bearer link to pay: shown to no one here (the lender has it).
    exclude = ("url",)
