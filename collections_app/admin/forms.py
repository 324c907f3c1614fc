"""Forms for transitions that need input (django-fsm-2 admin asks for them before applying)."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from collections_app.services.assignment import AGENT_ROLE
from collections_app.states import CloseReason, PauseReason


class PauseForm(forms.Form):
    pause_reason = forms.ChoiceField(label=_("Pause reason"), choices=PauseReason.choices)


class ResolveForm(forms.Form):
    close_reason = forms.ChoiceField(
        label=_("Close reason"),
        choices=[(CloseReason.PAID, CloseReason.PAID.label), (CloseReason.SETTLED, _("Settled"))],
    )


class WriteOffForm(forms.Form):
    close_reason = forms.ChoiceField(label=_("Close reason"), choices=CloseReason.choices)


class PromiseForm(forms.Form):
    """Record a promise to pay (services.payments.promise_create checks it against the case)."""

    amount = forms.DecimalField(
        label=_("Amount"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


class ReassignForm(forms.Form):
    agent = forms.ModelChoiceField(
        label=_("Agent"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Nobody (unassign)"),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = (
            get_user_model()
            .objects.filter(groups__name=AGENT_ROLE, is_active=True)
            .order_by("username")
        )


class BulkTransitionForm(forms.Form):
    reason = forms.CharField(
        max_length=300, required=False, label=_("Reason"), help_text=_("Goes on every case.")
    )
