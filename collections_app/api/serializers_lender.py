"""What a lender sends, as the OpenAPI schema describes it. Only the schema reads these: the
views parse bodies with lender/records.py (the import's parsers too), so what is accepted is
decided in one place. Amounts are strings ("120.50", numbers are accepted too) and dates
ISO 8601; unknown fields are refused."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from collections_app.lender import records

MONEY = {"max_digits": 14, "decimal_places": 2, "coerce_to_string": True}
EXTERNAL_ID = {"max_length": 64, "help_text": _("The lender's id.")}


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


# Named for the schema (settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
REPORTED_LOAN_STATUSES = _choices(records.LOAN_STATUSES)


class ContactPointInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=_choices(records.CONTACT_KINDS))
    address = serializers.CharField(
        max_length=254,
        help_text=_(
            "E.164 (+14155550100; a number without + is read in the "
            "borrower's jurisdiction's country) or an email address."
        ),
    )
    type = serializers.ChoiceField(choices=_choices(records.CONTACT_TYPES), required=False)
    source = serializers.CharField(max_length=64, required=False, allow_blank=True)
    consent = serializers.ChoiceField(
        choices=_choices(records.CONSENTS),
        required=False,
        help_text=_("Phones only: the consent the lender holds for automated calls and texts."),
    )
    consent_at = serializers.DateTimeField(required=False, allow_null=True)
    primary = serializers.BooleanField(required=False)


class BorrowerInSerializer(serializers.Serializer):
    external_id = serializers.CharField(
        required=False, max_length=64, help_text=_("Optional: the path's id; if given, the same.")
    )
    name = serializers.CharField(max_length=200)
    time_zone = serializers.CharField(required=False, allow_blank=True, help_text=_("IANA."))
    language = serializers.ChoiceField(choices=_choices(records.LANGUAGES), required=False)
    jurisdiction = serializers.CharField(
        max_length=16, help_text=_("The code of a contact-rules profile: US, CN, ...")
    )
    region = serializers.CharField(
        required=False, allow_blank=True, max_length=6, help_text=_("State or province: CA, GD.")
    )
    contact_points = ContactPointInSerializer(many=True, required=False)
    date_of_birth = serializers.DateField(
        required=False, allow_null=True, help_text=_("For right-party verification only.")
    )
    id_last_digits = serializers.CharField(
        required=False, allow_blank=True, max_length=6, help_text=_("For verification only.")
    )


class LoanInSerializer(serializers.Serializer):
    external_id = serializers.CharField(**EXTERNAL_ID)
    borrower_external_id = serializers.CharField(**EXTERNAL_ID)
    product = serializers.CharField(required=False, allow_blank=True, max_length=64)
    currency = serializers.CharField(min_length=3, max_length=3, help_text=_("ISO 4217."))
    principal = serializers.DecimalField(**MONEY)
    balance_principal = serializers.DecimalField(**MONEY)
    balance_interest = serializers.DecimalField(**MONEY, required=False)
    balance_fees = serializers.DecimalField(**MONEY, required=False)
    balance_as_of = serializers.DateField()
    status = serializers.ChoiceField(
        choices=REPORTED_LOAN_STATUSES,
        help_text=_(
            "past_due / charged_off open (or update) the loan's case; current / paid close it."
        ),
    )
    amount_past_due = serializers.DecimalField(**MONEY, required=False)
    due_date = serializers.DateField(
        required=False, allow_null=True, help_text=_("The oldest unpaid due date.")
    )
    days_past_due = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    charge_off_date = serializers.DateField(required=False, allow_null=True)
    last_payment_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("The borrower's last payment on the loan (the statute of limitations)."),
    )
    origination_date = serializers.DateField(required=False, allow_null=True)
    origination_state = serializers.CharField(required=False, allow_blank=True, max_length=3)


class LoanPutSerializer(LoanInSerializer):
    external_id = serializers.CharField(
        required=False, max_length=64, help_text=_("Optional: the path's id; if given, the same.")
    )


class PaymentInSerializer(serializers.Serializer):
    external_id = serializers.CharField(**EXTERNAL_ID)
    loan_external_id = serializers.CharField(**EXTERNAL_ID)
    amount = serializers.DecimalField(**MONEY)
    currency = serializers.CharField(min_length=3, max_length=3, help_text=_("The loan's."))
    received_at = serializers.DateTimeField(help_text=_("With its UTC offset."))


class ReversalInSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=_choices(records.REVERSAL_REASONS))
    reversed_at = serializers.DateTimeField(help_text=_("With its UTC offset."))
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class SignalInSerializer(serializers.Serializer):
    borrower_external_id = serializers.CharField(**EXTERNAL_ID)
    loan_external_id = serializers.CharField(required=False, allow_blank=True, max_length=64)
    kind = serializers.ChoiceField(choices=_choices(records.SIGNAL_KINDS))
    value = serializers.JSONField(help_text=_("A number, true or false, text or an object."))
    observed_at = serializers.DateTimeField(help_text=_("With its UTC offset."))
    source = serializers.CharField(required=False, allow_blank=True, max_length=64)


class LoansBulkInSerializer(serializers.Serializer):
    loans = LoanInSerializer(many=True, max_length=1000, min_length=1)


class PaymentsBulkInSerializer(serializers.Serializer):
    payments = PaymentInSerializer(many=True, max_length=1000, min_length=1)
