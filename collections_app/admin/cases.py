from __future__ import annotations

import typing

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from django_fsm.admin import FSMAdminMixin

from collections_app.admin.forms import PauseForm, ResolveForm, WriteOffForm
from collections_app.models import (
    BulkAction,
    CaseEvent,
    CollectionCase,
    Payment,
    PaymentPlan,
    PlanInstallment,
    PromiseToPay,
)
from collections_app.services.cases import case_transition


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "from_state", "to_state", "actor", "reason")
    readonly_fields = fields
    ordering = ("-created_at", "-id")
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class PromiseInline(admin.TabularInline):
    model = PromiseToPay
    extra = 0
    fields = ("amount", "due_date", "status", "amount_paid", "created_by", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CollectionCase)
class CollectionCaseAdmin(FSMAdminMixin, admin.ModelAdmin):
    fsm_fields = ["state"]
    fsm_forms = {"pause": PauseForm, "resolve": ResolveForm, "write_off": WriteOffForm}
    list_display = (
        "id",
        "borrower_name",
        "loan",
        "state",
        "amount_overdue",
        "overdue_since",
        "segment",
        "assigned_agent",
        "next_action_at",
    )
    list_filter = ("state", "segment", "loan__borrower__jurisdiction")
    list_select_related = ("loan__borrower", "assigned_agent")
    search_fields = (
        "loan__external_id",
        "loan__borrower__name",
        "loan__borrower__phone",
        "loan__borrower__email",
    )
    raw_id_fields = ("loan",)
    readonly_fields = (
        "state",
        "paused_from",
        "pause_reason",
        "close_reason",
        "opened_at",
        "closed_at",
        "segment",
        "amount_overdue",
        "overdue_since",
        "segment_reasons",
        "policy_key",
        "policy_variant",
    )
    fields = (
        "loan",
        "state",
        "amount_overdue",
        "overdue_since",
        "assigned_agent",
        "segment",
        "segment_reasons",
        "policy_key",
        "policy_variant",
        "next_action_at",
        "paused_from",
        "pause_reason",
        "close_reason",
        "opened_at",
        "closed_at",
    )
    inlines = [PromiseInline, CaseEventInline]
    show_full_result_count = False  # no COUNT(*) over every case on each page

    @admin.display(description="Borrower", ordering="loan__borrower__name")
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
            self.message_user(request, "You are not allowed to do that.", messages.ERROR)
            return False
        except TransitionNotAllowed:
            self.message_user(
                request,
                f"Not allowed from {obj.get_state_display()}: the case may have changed. "
                "Reload the page.",
                messages.ERROR,
            )
            return False
        except ConcurrentTransition:
            self.message_user(
                request, "This case changed while you were looking at it: reload.", messages.ERROR
            )
            return False
        self.message_user(request, f"Case is now {obj.get_state_display()}.", messages.SUCCESS)
        return True


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "case", "kind", "from_state", "to_state", "actor", "reason")
    list_filter = ("kind",)
    list_select_related = ("case", "actor")
    raw_id_fields = ("case",)
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


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
    list_display = ("case", "amount", "due_date", "status", "amount_paid", "created_by")
    list_filter = ("status",)
    raw_id_fields = ("case",)
    readonly_fields = ("case", "amount", "due_date", "status", "amount_paid", "created_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # recorded through the case (promise_create)


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
