"""The forms of the case page's money screens: a plan, a settlement offer, a payment link. They
check the shape of what was typed; whether the policy allows it is the services' to say."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from collections_app.models.settlements import Settlement
from collections_app.policies.payment_terms import FREQUENCIES
from collections_app.policies.plans import PlanOffer, frequency_label

_OFFER = re.compile(r"^(\d{1,3})-(" + "|".join(FREQUENCIES) + r")$")
DATE = forms.DateInput(attrs={"type": "date"})


def _parse_offer(value: str) -> tuple[int, str]:
    match = _OFFER.match(value or "")
    if match is None:
        raise forms.ValidationError(_("Choose one of the plans offered."))
    return int(match.group(1)), match.group(2)


class PlanForm(forms.Form):
    # A text field shown as the policy's offers: a value posted outside them is parsed all the
    # same, so the service says why it is not allowed (clearer than "Select a valid choice").
    offer = forms.CharField(label=_("Plan"), widget=forms.RadioSelect)
    first_due = forms.DateField(label=_("First instalment due"), widget=DATE)

    def __init__(
        self, *args: object, offers: list[PlanOffer], currency: str, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offer"].widget.choices = [(o.key, o.label(currency)) for o in offers]

    def clean_offer(self) -> tuple[int, str]:
        return _parse_offer(self.cleaned_data.get("offer", ""))


class SettlementForm(forms.Form):
    discount_percent = forms.DecimalField(
        label=_("Discount (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("99.99"),
    )
    method = forms.ChoiceField(
        label=_("Paid"), choices=Settlement.Method.choices, widget=forms.RadioSelect
    )
    first_due = forms.DateField(
        label=_("Pay by (one payment) or first instalment due"), widget=DATE
    )
    installment_count = forms.TypedChoiceField(
        label=_("Instalments"), coerce=int, required=False, empty_value=None
    )
    frequency = forms.ChoiceField(
        label=_("Frequency"),
        required=False,
        choices=[("", "—"), *((f, frequency_label(f)) for f in FREQUENCIES)],
    )

    def __init__(self, *args: object, counts: tuple[int, ...], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["installment_count"].choices = [("", "—"), *((c, str(c)) for c in counts)]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("method") == Settlement.Method.PLAN:
            if not data.get("installment_count"):
                self.add_error("installment_count", _("How many instalments?"))
            if not data.get("frequency"):
                self.add_error("frequency", _("How often?"))
        return data


class PaymentLinkForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    channel = forms.ChoiceField(
        label=_("Send by"),
        choices=[("sms", _("SMS")), ("email", _("Email"))],
        widget=forms.RadioSelect,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=300)
