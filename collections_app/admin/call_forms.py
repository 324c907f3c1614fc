"""The call screen's forms. They only read input: services/calls.py decides."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from collections_app.models import CallLog
from collections_app.validators import validate_e164


class CallStartForm(forms.Form):
    """Which number, which way. Numbers are offered by position, so the page never carries a
    number the viewer may not see."""

    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=CallLog.Direction.choices,
        initial=CallLog.Direction.OUTBOUND,
        widget=forms.RadioSelect,
    )
    number = forms.TypedChoiceField(label=_("Number"), coerce=int, required=False)
    inbound_number = forms.CharField(
        label=_("Calling number (inbound)"),
        required=False,
        max_length=20,
        validators=[validate_e164],
        help_text=_("E.164 from your caller id, e.g. +14155550100. Empty: the chosen number."),
    )

    def __init__(self, *args: object, numbers: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["number"].choices = numbers
        if numbers:
            self.fields["number"].initial = numbers[0][0]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("number") is None and not data.get("inbound_number"):
            raise forms.ValidationError(_("Choose the number."))
        if data.get("direction") == CallLog.Direction.OUTBOUND and data.get("number") is None:
            self.add_error("number", _("Choose the number to call."))
        return data


class VerifyForm(forms.Form):
    """What the caller says; checked server-side and never shown again (not even re-filled)."""

    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "off"}),
    )
    id_last_digits = forms.CharField(
        label=_("ID digits"),
        required=False,
        max_length=12,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("The last digits of the ID number, as the caller says them."),
    )


class WrapUpForm(forms.Form):
    wrap_up = forms.ChoiceField(
        label=_("Wrap-up"), choices=[("", "---------"), *CallLog.WrapUp.choices]
    )
    note = forms.CharField(
        label=_("Result note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    callback_at = forms.DateTimeField(
        label=_("Call back at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    attorney_contact = forms.CharField(
        label=_("Attorney's firm and contact"),
        required=False,
        max_length=300,
        help_text=_("Reports an attorney: firm, name, phone or email."),
    )
    bankruptcy_case_number = forms.CharField(
        label=_("Bankruptcy case number"),
        required=False,
        max_length=60,
        help_text=_("Reports bankruptcy: the court's case number."),
    )

    def __init__(self, *args: object, zone: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # "Call me back at six" means six where the borrower is.
        self.zone = zone
        self.fields["callback_at"].help_text = _(
            "Callback requested: when, in the borrower's time (%(zone)s)."
        ) % {"zone": escape(zone)}  # help text is not escaped when drawn

    def full_clean(self) -> None:
        # The typed time is read in the borrower's zone (Django reads it in the current one).
        with timezone.override(self.zone):
            super().full_clean()
