"""Bulk actions on the case list: reassign (supervisors) and transitions, which run in a worker
(services.bulk) and report their result on the list when done."""

from __future__ import annotations

import typing
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from collections_app.admin.forms import BulkTransitionForm, ReassignForm
from collections_app.models import BulkAction
from collections_app.services.assignment import (
    ASSIGN_PERMISSION,
    borrower_open_case_ids,
    cases_reassign,
)
from collections_app.services.bulk import bulk_transition_request
from collections_app.states import TRANSITIONS

# A selection larger than this is refused: narrow the queue first. (A bulk action row carries
# its case ids; 50,000 of them are a few hundred kilobytes of JSON.)
BULK_MAX = 50_000
REASSIGN_MAX = 10_000
PENDING_SESSION_KEY = "collections_pending_bulk_actions"
CONFIRM_TEMPLATE = "admin/collections_app/collectioncase/bulk_confirm.html"


def _bulk_transition_action(name: str) -> Callable:
    def action(model_admin: CaseActionsMixin, request: HttpRequest, queryset: QuerySet) -> object:
        return model_admin.bulk_transition(request, queryset, name)

    action.__name__ = f"bulk_{name}"
    return action


def describe_result(action: BulkAction) -> str:
    parts = {
        "moved": _("%(count)s moved"),
        "not_allowed": _("%(count)s not allowed from their stage"),
        "changed_meanwhile": _("%(count)s changed meanwhile"),
        "denied": _("%(count)s denied"),
        "time_barred": _("%(count)s refused: time-barred debt"),
        "missing": _("%(count)s missing"),
    }
    counts = [
        text % {"count": action.result[k]} for k, text in parts.items() if action.result.get(k)
    ]
    label = TRANSITIONS[action.transition].label if action.transition in TRANSITIONS else "?"
    return _("Bulk action #%(id)s (%(action)s, %(count)s cases) %(status)s: %(result)s.") % {
        "id": action.pk,
        "action": label,
        "count": len(action.case_ids),
        "status": action.get_status_display().lower(),
        "result": ", ".join(counts) or _("nothing to do"),
    }


class CaseActionsMixin:
    def get_actions(self, request: HttpRequest) -> dict[str, tuple]:
        actions = super().get_actions(request)
        user = request.user
        if user.has_perm(ASSIGN_PERMISSION):
            actions["reassign_cases"] = (
                type(self).reassign_cases,
                "reassign_cases",
                _("Reassign selected cases…"),
            )
        for name, spec in TRANSITIONS.items():
            if user.has_perm(spec.permission):
                actions[f"bulk_{name}"] = (
                    _bulk_transition_action(name),
                    f"bulk_{name}",
                    _("%(action)s selected cases (in the background)…") % {"action": spec.label},
                )
        return actions

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, typing.Any] | None = None
    ) -> HttpResponse:
        self._report_finished_bulk_actions(request)
        return super().changelist_view(request, extra_context)

    # --- bulk reassign

    def reassign_cases(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        if not request.user.has_perm(ASSIGN_PERMISSION):
            raise PermissionDenied
        form = ReassignForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            ids = self._selected_ids(request, queryset, REASSIGN_MAX)
            if ids is None:
                return None
            agent = form.cleaned_data["agent"]
            changed = cases_reassign(case_ids=ids, agent=agent, actor=request.user)
            whom = agent.get_username() if agent else _("nobody")
            self.message_user(
                request,
                _(
                    "Reassigned %(changed)s cases to %(whom)s (%(selected)s selected, with "
                    "every other open case of their borrowers: one agent per borrower)."
                )
                % {"changed": changed, "selected": len(ids), "whom": whom},
                messages.SUCCESS,
            )
            return None
        return self._confirm(
            request,
            queryset,
            "reassign_cases",
            _("Reassign cases"),
            form,
            note=self._reassign_note(request),
        )

    def _reassign_note(self, request: HttpRequest) -> str:
        """What the confirmation says will move: the borrowers' other open cases too."""
        selected = [
            int(pk) for pk in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME) if pk.isdigit()
        ]
        rule = _(
            "One agent per borrower: every other open case of the selected cases' borrowers "
            "goes to the same agent."
        )
        if request.POST.get("select_across") == "1" or not selected:
            return rule
        if len(selected) > REASSIGN_MAX:
            return rule
        extra = len(set(borrower_open_case_ids(selected)) - set(selected))
        if not extra:
            return rule
        return f"{rule} " + ngettext(
            "That is %(count)s more case than selected.",
            "That is %(count)s more cases than selected.",
            extra,
        ) % {"count": extra}

    # --- bulk transitions

    def bulk_transition(
        self, request: HttpRequest, queryset: QuerySet, name: str
    ) -> HttpResponse | None:
        spec = TRANSITIONS[name]
        if not request.user.has_perm(spec.permission):
            raise PermissionDenied
        form = self._bulk_transition_form(name)(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            ids = self._selected_ids(request, queryset, BULK_MAX)
            if ids is None:
                return None
            kwargs = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
            action = bulk_transition_request(
                case_ids=ids,
                name=name,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                kwargs=kwargs,
            )
            pending = request.session.get(PENDING_SESSION_KEY, [])
            request.session[PENDING_SESSION_KEY] = [*pending, action.pk]
            self.message_user(
                request,
                _(
                    "Bulk action #%(id)s (%(action)s, %(count)s cases) is running in the "
                    "background; its result will show here when it is done."
                )
                % {"id": action.pk, "action": spec.label, "count": len(ids)},
                messages.INFO,
            )
            return None
        return self._confirm(
            request, queryset, f"bulk_{name}", _("%(action)s cases") % {"action": spec.label}, form
        )

    def _bulk_transition_form(self, name: str) -> type[forms.Form]:
        """The transition's own input (pause reason, close reason) plus a free-text reason."""
        extra = self.fsm_forms.get(name)
        if extra is None:
            return BulkTransitionForm
        return type(f"Bulk{extra.__name__}", (BulkTransitionForm, extra), {})

    # --- helpers

    def _selected_ids(self, request: HttpRequest, queryset: QuerySet, cap: int) -> list | None:
        ids = list(queryset.order_by().values_list("pk", flat=True)[: cap + 1])
        if len(ids) > cap:
            self.message_user(
                request,
                _("More than %(cap)s cases selected: narrow the list with a queue or filter first.")
                % {"cap": f"{cap:,}"},
                messages.ERROR,
            )
            return None
        return ids

    def _confirm(
        self,
        request: HttpRequest,
        queryset: QuerySet,
        action: str,
        title: str,
        form: forms.Form,
        *,
        note: str = "",
    ) -> HttpResponse:
        select_across = request.POST.get("select_across") == "1"
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        # Count at most one past the cap: the page must not COUNT(*) a million rows.
        count = queryset.order_by()[: BULK_MAX + 1].count() if select_across else len(selected)
        context = self.admin_site.each_context(request) | {
            "title": title,
            "opts": self.model._meta,
            "form": form,
            "action": action,
            "selected": selected,
            "select_across": select_across,
            "count": count,
            "too_many": count > BULK_MAX,
            "note": note,
        }
        return TemplateResponse(request, CONFIRM_TEMPLATE, context)

    def _report_finished_bulk_actions(self, request: HttpRequest) -> None:
        pending = request.session.get(PENDING_SESSION_KEY)
        if not pending:
            return
        finished = BulkAction.objects.filter(
            pk__in=pending, status__in=[BulkAction.Status.DONE, BulkAction.Status.FAILED]
        )
        done = []
        for action in finished:
            level = messages.SUCCESS if action.status == BulkAction.Status.DONE else messages.ERROR
            self.message_user(request, describe_result(action), level)
            done.append(action.pk)
        if done:
            request.session[PENDING_SESSION_KEY] = [pk for pk in pending if pk not in done]
