"""Forms for transitions that need input (django-fsm-2 admin asks for them before applying)."""

from django import forms

from collections_app.states import CloseReason, PauseReason


class PauseForm(forms.Form):
    pause_reason = forms.ChoiceField(choices=PauseReason.choices)


class ResolveForm(forms.Form):
    close_reason = forms.ChoiceField(
        choices=[(CloseReason.PAID, CloseReason.PAID.label), (CloseReason.SETTLED, "Settled")]
    )


class WriteOffForm(forms.Form):
    close_reason = forms.ChoiceField(choices=CloseReason.choices)
