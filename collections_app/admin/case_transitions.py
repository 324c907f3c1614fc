"""The transition page of a case (`<case>/transition/<name>/`) and the transition buttons.

Whatever name, state or role reaches them gets an answer a person can act on, never a 500 or a
bare 400: a role that may not make the move gets 403; a name that is no transition, or a move
the case's stage does not allow, gets a message on the case page it came from. A transition
that needs no input (refer to legal, escalate) gets a page that asks to confirm it.
"""

from __future__ import annotations

import typing

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from collections_app.models import CollectionCase
from collections_app.states import TRANSITIONS, CaseTransition


class ConfirmForm(forms.Form):
    """A transition without input is confirmed with the page's Apply button alone."""


class CaseTransitionsMixin:
    def _back_to_case(self, request: HttpRequest, case: CollectionCase, text: str) -> HttpResponse:
        self.message_user(request, text, messages.ERROR)
        return HttpResponseRedirect(self._case_url(case))

    def _transition_refusal(
        self, request: HttpRequest, case: CollectionCase, name: str
    ) -> HttpResponse | None:
        """Why `name` cannot be applied to `case` by this user now, as an answer; None if it can.

        The name is never echoed back: it comes from the URL and may be anything."""
        spec: CaseTransition | None = TRANSITIONS.get(name)
        if spec is None:
            return self._back_to_case(
                request, case, _("There is no such action for a case. Use the buttons below.")
            )
        if not request.user.has_perm(spec.permission):
            raise PermissionDenied
        # The table's sources plus django-fsm's conditions, exactly what the buttons offer.
        if name not in {t.name for t in case.get_available_state_transitions()}:
            return self._back_to_case(
                request,
                case,
                _("%(action)s is not possible while the case is in %(state)s.")
                % {"action": spec.label, "state": case.get_state_display()},
            )
        return None

    def response_change(self, request: HttpRequest, obj: CollectionCase) -> HttpResponse:
        name = request.POST.get(self.fsm_post_param)
        if name and name not in TRANSITIONS:
            return self._back_to_case(
                request, obj, _("There is no such action for a case. Use the buttons below.")
            )
        return super().response_change(request, obj)

    def fsm_transition_view(
        self, request: HttpRequest, object_id: str, transition_name: str, **kwargs: typing.Any
    ) -> HttpResponse:
        case = self.get_object(request, unquote(object_id))
        if case is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if request.method == "POST" and (stale := self._stale_redirect(request, case)):
            return stale
        if refused := self._transition_refusal(request, case, transition_name):
            return refused
        spec = TRANSITIONS[transition_name]
        form_class = self.fsm_forms.get(transition_name) or ConfirmForm
        form = form_class(request.POST if request.method == "POST" else None)
        if (
            request.method == "POST"
            and form.is_valid()
            and self._apply_fsm_transition(
                obj=case,
                transition_name=transition_name,
                request=request,
                kwargs=form.cleaned_data,
            )
        ):
            return HttpResponseRedirect(self._case_url(case))
        return self._case_form_page(
            request,
            case,
            form,
            name=transition_name,
            label=spec.label,
            help_text=spec.help_text,
        )
