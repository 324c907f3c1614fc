"""Forms for transitions that need input (django-fsm-2 admin asks for them before applying)."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model

from collections_app.services.assignment import AGENT_ROLE
from collections_app.states import CloseReason, PauseReason


class PauseForm(forms.Form):
    pause_reason = forms.ChoiceField(choices=PauseReason.choices)


class ResolveForm(forms.Form):
    close_reason = forms.ChoiceField(
        choices=[(CloseReason.PAID, CloseReason.PAID.label), (CloseReason.SETTLED, "Settled")]
    )


class WriteOffForm(forms.Form):
    close_reason = forms.ChoiceField(choices=CloseReason.choices)


class PromiseForm(forms.Form):
    """Record a promise to pay (services.payments.promise_create checks it against the case)."""

    amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    due_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


class NoteForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class ReassignForm(forms.Form):
    agent = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="Nobody (unassign)",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = (
            get_user_model()
            .objects.filter(groups__name=AGENT_ROLE, is_active=True)
            .order_by("username")
        )


class BulkTransitionForm(forms.Form):
    reason = forms.CharField(max_length=300, required=False, help_text="Goes on every case.")
