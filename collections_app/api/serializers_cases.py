"""The shapes of what the case reads answer, as serializers: the views render through them, so
the OpenAPI schema is what is really sent."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from collections_app.models import PaymentPlan, PlanInstallment, PromiseToPay
from collections_app.models.choices import Segment
from collections_app.states import CaseState, CloseReason, PauseReason

MONEY = {"max_digits": 14, "decimal_places": 2}


class CaseSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    loan_external_id = serializers.CharField(source="loan.external_id")
    borrower_external_id = serializers.CharField(source="loan.borrower.external_id")
    jurisdiction = serializers.CharField(source="loan.borrower.jurisdiction")
    state = serializers.ChoiceField(choices=CaseState.choices)
    segment = serializers.ChoiceField(
        choices=Segment.choices, help_text=_('"" until the nightly run has scored the case.')
    )
    currency = serializers.CharField(source="loan.currency")
    amount_overdue = serializers.DecimalField(**MONEY)
    overdue_since = serializers.DateField()
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    close_reason = serializers.ChoiceField(choices=[("", ""), *CloseReason.choices])
    updated_at = serializers.DateTimeField()


class PromiseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY)
    amount_paid = serializers.DecimalField(**MONEY)
    due_date = serializers.DateField()
    status = serializers.ChoiceField(choices=PromiseToPay.Status.choices)
    created_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)


class InstallmentSerializer(serializers.Serializer):
    sequence = serializers.IntegerField()
    due_date = serializers.DateField()
    amount = serializers.DecimalField(**MONEY)
    paid_amount = serializers.DecimalField(**MONEY)
    status = serializers.ChoiceField(choices=PlanInstallment.Status.choices)


class PlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=PaymentPlan.Status.choices)
    created_at = serializers.DateTimeField()
    installments = InstallmentSerializer(many=True, source="installments.all")


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField(help_text=_("transition, message, reply, payment, denied, ..."))
    label = serializers.CharField()
    who = serializers.CharField(help_text=_('A person\'s username, or "system".'))
    text = serializers.CharField(allow_blank=True, help_text=_("Phone numbers and emails masked."))
    status = serializers.CharField(allow_blank=True)


class CaseAmountsSerializer(serializers.Serializer):
    currency = serializers.CharField()
    amount_overdue = serializers.DecimalField(
        **MONEY, help_text=_("What the messages quote as overdue.")
    )
    outstanding_balance = serializers.DecimalField(
        **MONEY, help_text=_("The loan's balance: principal + interest + fees.")
    )
    balance_principal = serializers.DecimalField(**MONEY)
    balance_interest = serializers.DecimalField(**MONEY)
    balance_fees = serializers.DecimalField(**MONEY)
    balance_as_of = serializers.DateField(allow_null=True)
    principal = serializers.DecimalField(**MONEY, help_text=_("The amount lent."))


class CaseDetailSerializer(CaseSummarySerializer):
    pause_reason = serializers.ChoiceField(choices=[("", ""), *PauseReason.choices])
    segment_reasons = serializers.ListField(
        child=serializers.CharField(), help_text=_("The segmentation rules that counted.")
    )
    policy_key = serializers.CharField(allow_blank=True)
    policy_variant = serializers.CharField(allow_blank=True)
    next_action_at = serializers.DateTimeField(allow_null=True)
    amounts = CaseAmountsSerializer()
    promises = PromiseSerializer(many=True)
    plans = PlanSerializer(many=True)
    timeline = TimelineEntrySerializer(many=True, help_text=_("Newest first."))
    timeline_truncated = serializers.BooleanField(
        help_text=_("True when older entries exist beyond those shown.")
    )
