"""What the borrower, loan, payment and signal operations answer. The views render through
these, so the schema is what is sent. Phone numbers and emails are always masked."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from collections_app.api.serializers_cases import MONEY
from collections_app.api.serializers_common import ProblemDetailSerializer
from collections_app.masking import mask_address
from collections_app.models import AbilitySignal, ContactPoint, LoanStatus, PaymentReversal
from collections_app.states import CaseState

RESULT_STATUSES = [("created", "created"), ("updated", "updated"), ("unchanged", "unchanged")]
ROW_STATUSES = [*RESULT_STATUSES, ("rejected", "rejected")]
BULK_COUNTS = tuple(value for value, _label in ROW_STATUSES)


class MaskedAddressField(serializers.CharField):
    """A phone number or email, masked for every key: the lender holds the address, and an
    unmasked view must be logged against a person (services/pii.py), which a key is not."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(allow_blank=True, **kwargs)

    def to_representation(self, value: str) -> str:
        return mask_address(value or "")


class ContactPointOutSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ContactPoint.Kind.choices)
    address = MaskedAddressField(help_text=_("Masked (+1•••••••123, j•••@example.com)."))
    type = serializers.ChoiceField(choices=ContactPoint.Type.choices)
    source = serializers.CharField(allow_blank=True)
    consent = serializers.ChoiceField(choices=ContactPoint.Consent.choices)
    consent_at = serializers.DateTimeField(allow_null=True)
    primary = serializers.BooleanField(source="is_primary")


class VerificationHeldSerializer(serializers.Serializer):
    """Whether we hold each right-party verification value (stored as digests, never shown)."""

    date_of_birth = serializers.BooleanField()
    id_last_digits = serializers.BooleanField()


class BorrowerOutSerializer(serializers.Serializer):
    external_id = serializers.CharField()
    name = serializers.CharField()
    time_zone = serializers.CharField(allow_blank=True)
    language = serializers.CharField(source="preferred_language")
    jurisdiction = serializers.CharField()
    region = serializers.CharField(allow_blank=True)
    contact_points = ContactPointOutSerializer(many=True)
    phone = MaskedAddressField(help_text=_("The number the engine contacts, masked."))
    email = MaskedAddressField(help_text=_("The email the engine contacts, masked."))
    verification = VerificationHeldSerializer()
    updated_at = serializers.DateTimeField()


class CaseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=CaseState.choices)
    amount_overdue = serializers.DecimalField(**MONEY)


class BalanceSerializer(serializers.Serializer):
    principal = serializers.DecimalField(**MONEY, source="balance_principal")
    interest = serializers.DecimalField(**MONEY, source="balance_interest")
    fees = serializers.DecimalField(**MONEY, source="balance_fees")
    total = serializers.DecimalField(**MONEY, source="outstanding_balance")
    as_of = serializers.DateField(source="balance_as_of", allow_null=True)


class LoanOutSerializer(serializers.Serializer):
    external_id = serializers.CharField()
    borrower_external_id = serializers.CharField()
    product = serializers.CharField(allow_blank=True)
    currency = serializers.CharField()
    principal = serializers.DecimalField(**MONEY)
    balance = BalanceSerializer(source="*")
    status = serializers.ChoiceField(choices=LoanStatus.choices)
    amount_past_due = serializers.DecimalField(**MONEY)
    due_date = serializers.DateField(allow_null=True)
    days_past_due = serializers.IntegerField(source="days_past_due_reported", allow_null=True)
    charge_off_date = serializers.DateField(allow_null=True)
    last_payment_date = serializers.DateField(allow_null=True)
    origination_date = serializers.DateField(allow_null=True)
    origination_state = serializers.CharField(allow_blank=True)
    open_case = CaseRefSerializer(allow_null=True, help_text=_("The loan's open case, if any."))
    updated_at = serializers.DateTimeField()


class ReversalOutSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=PaymentReversal.Reason.choices)
    reversed_at = serializers.DateTimeField()
    note = serializers.CharField(allow_blank=True)


class PaymentOutSerializer(serializers.Serializer):
    external_id = serializers.CharField()
    loan_external_id = serializers.CharField(source="loan.external_id")
    amount = serializers.DecimalField(**MONEY)
    currency = serializers.CharField()
    received_at = serializers.DateTimeField()
    case_id = serializers.IntegerField(allow_null=True)
    reversal = ReversalOutSerializer(allow_null=True, help_text=_("Set once it was reversed."))


class SignalOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    borrower_external_id = serializers.CharField(source="borrower.external_id")
    loan_external_id = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=AbilitySignal.Kind.choices)
    value = serializers.JSONField()
    observed_at = serializers.DateTimeField()


class DetailField(serializers.DictField):
    """The service's account of a write, as JSON: amounts as strings ("12.50", never a float),
    times in ISO 8601, the same in the first answer and in a replay of it."""

    def to_representation(self, value: dict) -> dict:
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _result(name: str, out: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """{"status": ..., "detail": {...}, <name>: <out>}: what one write answers."""
    fields = {
        "status": serializers.ChoiceField(choices=RESULT_STATUSES),
        "detail": DetailField(help_text=_("What the write changed (amounts as strings).")),
        name: out(),
    }
    return type(f"{name.title()}Result", (serializers.Serializer,), fields)


BorrowerResultSerializer = _result("borrower", BorrowerOutSerializer)
LoanResultSerializer = _result("loan", LoanOutSerializer)
PaymentResultSerializer = _result("payment", PaymentOutSerializer)
SignalResultSerializer = _result("signal", SignalOutSerializer)


class BulkRowSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text=_("The row's position in the call, from 0."))
    external_id = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=ROW_STATUSES)
    errors = ProblemDetailSerializer(many=True, help_text=_("Paths within the row."))


class BulkCountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected = serializers.IntegerField()


class BulkResultSerializer(serializers.Serializer):
    counts = BulkCountsSerializer()
    results = BulkRowSerializer(many=True)
