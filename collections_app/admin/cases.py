from __future__ import annotations

import typing

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from django_fsm.admin import FSMAdminMixin

from collections_app.admin.base import ReadOnlyAdmin
from collections_app.admin.calls import CallsMixin
from collections_app.admin.case_actions import CaseActionsMixin
from collections_app.admin.case_money import CaseMoneyMixin
from collections_app.admin.case_page import CasePageMixin
from collections_app.admin.case_transitions import CaseTransitionsMixin
from collections_app.admin.filters import (
    AgentFilter,
    ClosedCasesFilter,
    DaysPastDueFilter,
    JurisdictionFilter,
    QueueFilter,
)
from collections_app.admin.forms import PauseForm, ResolveForm, WriteOffForm
from collections_app.admin.outreach import SendNowMixin
from collections_app.admin.paginator import EstimatedCountPaginator
from collections_app.admin.pii import PiiFieldsMixin
from collections_app.admin.restrictions import RestrictionsCaseMixin
from collections_app.admin.search import search_cases
from collections_app.masking import mask_text
from collections_app.models import (
    Borrower,
    BulkAction,
    CaseEvent,
    CollectionCase,
    Payment,
    PaymentPlan,
    PlanInstallment,
    PromiseToPay,
)
from collections_app.money import format_money
from collections_app.phrases import shown, stored_of
from collections_app.policies.reason_sentences import reason_sentence
from collections_app.selectors.debt_status import SuitForbidden
from collections_app.selectors.queues import PRIORITY_LABELS, with_expected_recovery
from collections_app.selectors.timeline import event_reason
from collections_app.services.cases import case_transition


class PromiseInline(admin.TabularInline):
    model = PromiseToPay
    extra = 0
    fields = ("amount_shown", "due_date", "status", "paid_shown", "created_by", "created_at")
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[PromiseToPay]:
        return super().get_queryset(request).select_related("case__loan", "created_by")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("Amount"))
    def amount_shown(self, obj: PromiseToPay) -> str:
        return format_money(obj.amount, obj.case.loan.currency)

    @admin.display(description=_("Amount paid"))
    def paid_shown(self, obj: PromiseToPay) -> str:
        return format_money(obj.amount_paid, obj.case.loan.currency)


@admin.register(CollectionCase)
class CollectionCaseAdmin(
    RestrictionsCaseMixin,
    CallsMixin,
    SendNowMixin,
    CaseMoneyMixin,
    CasePageMixin,
    CaseTransitionsMixin,
    CaseActionsMixin,
    FSMAdminMixin,
    admin.ModelAdmin,
):
    fsm_fields = ["state"]
    fsm_forms = {"pause": PauseForm, "resolve": ResolveForm, "write_off": WriteOffForm}
    list_display = (
        "id",
        "borrower_name",
        "loan",
        "state",
        "amount_overdue_shown",
        "overdue_since",
        "segment",
        "expected_recovery_shown",
        "priority_shown",
        "assigned_agent",
        "next_action_at",
    )
    list_filter = (
        QueueFilter,
        ClosedCasesFilter,
        "state",
        "segment",
        DaysPastDueFilter,
        JurisdictionFilter,
        AgentFilter,
    )
    list_select_related = ("loan__borrower", "assigned_agent")
    # Shown so the search box appears; get_search_results does exact / prefix matches instead.
    search_fields = ("loan__external_id",)
    search_help_text = _(
        "Case number, loan id, phone (any format, or its last 4+ digits), exact email, or any "
        "part of the name. Exact matches first."
    )
    paginator = EstimatedCountPaginator
    list_per_page = 50
    # Facet counts would COUNT every filter choice over a million cases on each page.
    show_facets = admin.ShowFacets.NEVER
    readonly_fields = (
        "loan",
        "assigned_agent",  # changed through assignment (bulk reassign, automatic), audited
        "state",
        "paused_from",
        "pause_reason",
        "close_reason",
        "opened_at",
        "closed_at",
        "segment",
        "amount_overdue_shown",
        "overdue_since",
        "segment_reasons_shown",
        "policy_key",
        "policy_variant",
    )
    fields = (
        "loan",
        "state",
        "amount_overdue_shown",
        "overdue_since",
        "assigned_agent",
        "segment",
        "segment_reasons_shown",
        "policy_key",
        "policy_variant",
        "next_action_at",
        "paused_from",
        "pause_reason",
        "close_reason",
        "opened_at",
        "closed_at",
    )
    # The timeline (case_page.py) replaces an inline of every event: it is bounded.
    inlines = [PromiseInline]
    show_full_result_count = False  # no COUNT(*) over every case on each page

    def get_queryset(self, request: HttpRequest) -> QuerySet[CollectionCase]:
        cases = super().get_queryset(request).select_related("loan__borrower", "assigned_agent")
        return with_expected_recovery(cases)

    # Shown in My queue only, whose order they explain (each column costs every row drawn).
    QUEUE_COLUMNS = ("expected_recovery_shown", "priority_shown")

    def get_list_display(self, request: HttpRequest) -> tuple[str, ...]:
        columns = super().get_list_display(request)
        if request.GET.get("queue") == "mine":
            return columns
        return tuple(c for c in columns if c not in self.QUEUE_COLUMNS)

    @admin.display(description=_("Amount overdue"), ordering="amount_overdue")
    def amount_overdue_shown(self, obj: CollectionCase) -> str:
        return format_money(obj.amount_overdue, obj.loan.currency)

    @admin.display(description=_("Expected recovery"), ordering="expected_recovery")
    def expected_recovery_shown(self, obj: CollectionCase) -> str:
        expected = getattr(obj, "expected_recovery", None)
        return format_money(round(expected, 2), obj.loan.currency) if expected is not None else ""

    @admin.display(description=_("Priority"))
    def priority_shown(self, obj: CollectionCase) -> str:
        # Only "My queue" ranks its cases (selectors/queues.prioritised).
        return str(PRIORITY_LABELS.get(getattr(obj, "priority", None), ""))

    @admin.display(description=_("Why this segment"))
    def segment_reasons_shown(self, obj: CollectionCase) -> SafeString | str:
        reasons = [reason_sentence(r) for r in obj.segment_reasons or ()]
        if not reasons:
            return "—"
        items = format_html_join("", "<li>{}</li>", ((r,) for r in reasons))
        return format_html('<ul class="segment-reasons">{}</ul>', items)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        return search_cases(queryset, search_term), False

    @admin.display(description=_("Borrower"), ordering="loan__borrower__name")
    def borrower_name(self, obj: CollectionCase) -> str:
        return obj.loan.borrower.name

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # cases are closed (resolved / written off), never deleted

    def _apply_fsm_transition(
        self,
        *,
        obj: CollectionCase,
        transition_name: str,
        request: HttpRequest,
        kwargs: typing.Mapping[str, typing.Any] | None = None,
    ) -> bool:
        """Go through the service (permission, audit row, side effects), not obj.save()."""
        try:
            case_transition(
                case=obj, name=transition_name, actor=request.user, **dict(kwargs or {})
            )
        except PermissionDenied:
            self.message_user(request, gettext("You are not allowed to do that."), messages.ERROR)
            return False
        except SuitForbidden as refused:
            self.message_user(
                request, shown(str(refused.reason), stored_of(refused.reason)), messages.ERROR
            )
            return False
        except TransitionNotAllowed:
            self.message_user(
                request,
                gettext("Not allowed from %(stage)s: the case may have changed. Reload the page.")
                % {"stage": obj.get_state_display()},
                messages.ERROR,
            )
            return False
        except ConcurrentTransition:
            self.message_user(
                request,
                gettext("This case changed while you were looking at it: reload."),
                messages.ERROR,
            )
            return False
        self.message_user(
            request,
            gettext("Case is now %(stage)s.") % {"stage": obj.get_state_display()},
            messages.SUCCESS,
        )
        return True


@admin.register(CaseEvent)
class CaseEventAdmin(PiiFieldsMixin, ReadOnlyAdmin):
    # A borrower's reply is quoted in the reason and the data.
    pii_text_fields = ("reason",)
    pii_data_fields = ("data",)
    list_display = ("created_at", "case", "kind", "from_state", "to_state", "actor", "reason")
    list_filter = ("kind",)
    list_select_related = ("case__loan__borrower", "actor")
    raw_id_fields = ("case",)
    show_full_result_count = False
    # Newest first by the primary key: served by its index at millions of rows (the model's
    # created_at ordering would sort the whole table for the unfiltered list).
    ordering = ("-id",)
    paginator = EstimatedCountPaginator
    list_per_page = 50
    show_facets = admin.ShowFacets.NEVER

    def pii_borrower(self, obj: CaseEvent) -> Borrower:
        return obj.case.loan.borrower

    def pii_masked(self, obj: CaseEvent, name: str) -> object:
        if name == "reason":
            # In the reader's language (the row keeps the English and its phrase), masked.
            return mask_text(event_reason(obj), self.pii_known(obj))
        return super().pii_masked(obj, name)


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("external_id", "loan", "amount", "currency", "received_at")
    search_fields = ("external_id", "loan__external_id")
    list_select_related = ("loan",)
    readonly_fields = ("external_id", "loan", "case", "amount", "currency", "received_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # payments come from the lender (webhook / import) through payment_record


@admin.register(PromiseToPay)
class PromiseToPayAdmin(admin.ModelAdmin):
    list_display = ("case", "amount_shown", "due_date", "status", "paid_shown", "created_by")
    list_select_related = ("case__loan", "created_by")
    list_filter = ("status",)
    raw_id_fields = ("case",)
    readonly_fields = ("case", "amount", "due_date", "status", "amount_paid", "created_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # recorded through the case (promise_create)

    amount_shown = PromiseInline.amount_shown
    paid_shown = PromiseInline.paid_shown


class InstallmentInline(admin.TabularInline):
    model = PlanInstallment
    extra = 0
    readonly_fields = ("sequence", "due_date", "amount", "paid_amount", "status")
    can_delete = False


@admin.register(PaymentPlan)
class PaymentPlanAdmin(admin.ModelAdmin):
    list_display = ("id", "case", "status", "created_by", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("case",)
    readonly_fields = ("case", "status", "created_by", "created_at")
    inlines = [InstallmentInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(BulkAction)
class BulkActionAdmin(admin.ModelAdmin):
    list_display = ("id", "transition", "status", "requested_by", "created_at", "result")
    list_filter = ("status", "transition")
    readonly_fields = [f.name for f in BulkAction._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
