"""The case page: borrower panel (masked PII), one timeline, notes, "Record promise", and the
stale-page check. Thin: every change goes through a service."""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Iterator
from dataclasses import replace

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm.admin import FSMObjectTransition, FSMTransitionContext

from collections_app.admin.borrower_page import borrower_links_context
from collections_app.admin.forms import NoteForm, PromiseForm
from collections_app.models import CollectionCase
from collections_app.money import format_money
from collections_app.policies.engagement import STAGES_A_PROMISE_MOVES
from collections_app.selectors.timeline import case_timeline
from collections_app.services.cases import case_add_note
from collections_app.services.payments import promise_create
from collections_app.services.pii import borrower_contact_for, can_view_pii, mask_text
from collections_app.states import OPEN_STATES, TRANSITIONS, CaseState

# The state the page was drawn with; a POST carrying another state than the database's is from
# a stale page, and nothing of it is applied.
RENDERED_STATE = "_rendered_state"
NOTE_PERMISSION = "collections_app.note_case"
PROMISE_PERMISSION = "collections_app.add_promisetopay"
PROMISE_STATES = tuple(s for s in OPEN_STATES if s != CaseState.PAUSED)
STALE_MESSAGE = gettext_lazy(
    "This case changed while you were looking at it: it is now %(state)s. Nothing was saved. "
    "Reload the page and try again."
)


class CasePageMixin:
    change_form_template = "admin/collections_app/collectioncase/case_change_form.html"
    fsm_transition_form_template = "admin/collections_app/collectioncase/case_action_form.html"

    def get_urls(self) -> list[URLPattern]:
        meta = self.model._meta
        prefix = f"{meta.app_label}_{meta.model_name}"
        return [
            path(
                "<path:object_id>/promise/",
                self.admin_site.admin_view(self.record_promise_view),
                name=f"{prefix}_promise",
            ),
            path(
                "<path:object_id>/note/",
                self.admin_site.admin_view(self.add_note_view),
                name=f"{prefix}_note",
            ),
            *super().get_urls(),
        ]

    # --- helpers

    def _case_url(self, case: CollectionCase, view: str = "change") -> str:
        return reverse(f"admin:collections_app_collectioncase_{view}", args=[case.pk])

    def _case_form_page(
        self,
        request: HttpRequest,
        case: CollectionCase,
        form: object,
        *,
        name: str,
        label: str,
        help_text: str,
    ) -> HttpResponse:
        """The page that asks for what an action on the case needs (a transition, a promise)."""
        return render(
            request,
            self.fsm_transition_form_template,
            self.admin_site.each_context(request)
            | {
                "opts": self.model._meta,
                "original": case,
                "transition": FSMTransitionContext(name=name, label=label, help_text=help_text),
                "transition_form": form,
            },
        )

    def _stale_redirect(self, request: HttpRequest, case: CollectionCase) -> HttpResponse | None:
        seen = request.POST.get(RENDERED_STATE)
        if seen is None or seen == case.state:
            return None
        self.message_user(
            request, STALE_MESSAGE % {"state": case.get_state_display()}, messages.WARNING
        )
        return HttpResponseRedirect(self._case_url(case))

    def _can_record_promise(self, request: HttpRequest, case: CollectionCase) -> bool:
        return request.user.has_perm(PROMISE_PERMISSION) and case.state in PROMISE_STATES

    def _workspace_context(self, request: HttpRequest, case: CollectionCase) -> dict:
        borrower = case.loan.borrower
        timeline, more = case_timeline(case)
        masked = [
            replace(e, text=mask_text(e.text, (borrower.phone, borrower.email))) for e in timeline
        ]
        quotes_pii = masked != timeline
        if not can_view_pii(request.user):
            timeline = masked
        return {
            "case_borrower": borrower,
            "case_days_past_due": case.days_past_due(),
            # Lazy: evaluated (and, when unmasked, logged once for the page, the timeline's
            # quoted addresses included) only if the page is drawn.
            "borrower_contact": SimpleLazyObject(
                lambda: borrower_contact_for(
                    user=request.user,
                    borrower=borrower,
                    case=case,
                    path=request.path,
                    also_shown=["timeline"] if quotes_pii else [],
                )
            ),
            "timeline": timeline,
            "timeline_more": more,
            "timeline_full_url": reverse("admin:collections_app_caseevent_changelist")
            + f"?case__id__exact={case.pk}",
            "can_note": request.user.has_perm(NOTE_PERMISSION),
            "note_form": NoteForm(),
            "note_url": self._case_url(case, "note"),
            "can_record_promise": self._can_record_promise(request, case),
            "promise_url": self._case_url(case, "promise"),
            **borrower_links_context(case),
        }

    def _get_fsm_extra_context(
        self, *, request: HttpRequest, obj: CollectionCase | None
    ) -> Iterator[FSMObjectTransition]:
        """The buttons in the order of the transition table, not django-fsm's (unordered)."""
        order = list(TRANSITIONS)
        for block in super()._get_fsm_extra_context(request=request, obj=obj):
            block.available_transitions.sort(
                key=lambda t: order.index(t.name) if t.name in order else len(order)
            )
            yield block

    # --- views

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, typing.Any] | None = None,
    ) -> HttpResponse:
        case = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if case is not None:
            if request.method == "POST" and (stale := self._stale_redirect(request, case)):
                return stale
            context.update(self._workspace_context(request, case))
        return super().change_view(request, object_id, form_url, context)

    def record_promise_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        case = self.get_object(request, unquote(object_id))
        if (
            case is None
            or not self.has_change_permission(request, case)
            or not request.user.has_perm(PROMISE_PERMISSION)
        ):
            raise PermissionDenied  # the role may not; a stage that may not gets a message
        if not self._can_record_promise(request, case):
            self.message_user(
                request,
                _("A promise cannot be recorded on this case (%(stage)s).")
                % {"stage": case.get_state_display()},
                messages.ERROR,
            )
            return HttpResponseRedirect(self._case_url(case))
        if request.method == "POST" and (stale := self._stale_redirect(request, case)):
            return stale
        today = timezone.localdate()
        form = PromiseForm(
            request.POST if request.method == "POST" else None,
            initial={"amount": case.amount_overdue, "due_date": today + dt.timedelta(days=7)},
        )
        if request.method == "POST" and form.is_valid():
            try:
                promise = promise_create(case=case, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    _("Promise of %(amount)s by %(due_date)s recorded.")
                    % {
                        "amount": format_money(promise.amount, case.loan.currency),
                        "due_date": promise.due_date,
                    },
                    messages.SUCCESS,
                )
                if case.state in STAGES_A_PROMISE_MOVES:  # a person set the stage: it stays
                    self.message_user(
                        request,
                        _(
                            "The case stays in %(stage)s: a person moved it there, so a "
                            "supervisor decides its stage."
                        )
                        % {"stage": case.get_state_display()},
                        messages.WARNING,
                    )
                return HttpResponseRedirect(self._case_url(case))
        return self._case_form_page(
            request,
            case,
            form,
            name="record_promise",
            label=_("Record promise"),
            help_text=_(
                "The borrower promised to pay this amount by this date. A case in reminder or "
                "escalation moves to negotiation, unless a person moved it to its stage: then "
                "the stage waits for a supervisor."
            ),
        )

    def add_note_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        case = self.get_object(request, unquote(object_id))
        if case is None or not request.user.has_perm(NOTE_PERMISSION):
            raise PermissionDenied
        form = NoteForm(request.POST)
        if form.is_valid() and form.cleaned_data["text"].strip():
            case_add_note(case=case, text=form.cleaned_data["text"].strip(), actor=request.user)
            self.message_user(request, _("Note added."), messages.SUCCESS)
        else:
            self.message_user(request, _("A note needs some text."), messages.ERROR)
        return HttpResponseRedirect(self._case_url(case) + "#case-timeline")
