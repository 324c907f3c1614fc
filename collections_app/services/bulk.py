"""Transitions over many cases at once, run by a worker so the admin page answers at once."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from collections_app import claims
from collections_app.models import BulkAction, CollectionCase
from collections_app.phrases import phrase
from collections_app.selectors.debt_status import SuitForbidden
from collections_app.services.cases import case_transition
from collections_app.states import TRANSITIONS

# A running bulk action whose worker has not reported for this long has lost it; a queued one
# nobody took for a minute had its task lost.
STALE_AFTER = dt.timedelta(minutes=15)
BULK_ACTIONS = claims.WorkKind(
    name="bulk action",
    model=BulkAction,
    waiting=Q(status=BulkAction.Status.QUEUED),
    running=Q(status=BulkAction.Status.RUNNING),
    claims={"status": BulkAction.Status.RUNNING},
    releases={"status": BulkAction.Status.QUEUED},
    claimed_at="started_at",
    stale_after=lambda: STALE_AFTER,
    lost_after=lambda: dt.timedelta(minutes=1),
    waiting_since=("heartbeat_at", "created_at"),
)


def bulk_transition_request(
    *,
    case_ids: list[int],
    name: str,
    actor: AbstractBaseUser | None,
    reason: str = "",
    kwargs: dict[str, Any] | None = None,
) -> BulkAction:
    if name not in TRANSITIONS:
        raise ValueError(f"Unknown transition {name!r}")
    if actor is not None and not actor.has_perm(TRANSITIONS[name].permission):
        raise PermissionDenied(
            _("%(user)s may not %(action)s cases")
            % {"user": actor, "action": TRANSITIONS[name].label.lower()}
        )
    from collections_app.tasks import run_bulk_action

    with transaction.atomic():
        action = BulkAction.objects.create(
            transition=name,
            case_ids=sorted(set(case_ids)),
            reason=reason,
            kwargs=kwargs or {},
            requested_by=actor,
        )
        transaction.on_commit(lambda: run_bulk_action.delay(action.pk))
    return action


def bulk_action_run(*, action_id: int) -> BulkAction | None:
    """Claim the action (only one worker gets it) and apply it case by case."""
    held = claims.claim(BULK_ACTIONS, action_id)
    if held is None:
        return None  # already taken, done, or gone: a redelivered task does nothing
    action = BulkAction.objects.get(pk=action_id)
    actor = (
        get_user_model().objects.filter(pk=action.requested_by_id).first()
        if action.requested_by_id
        else None
    )
    counts: Counter[str] = Counter()
    found = {c.pk: c for c in CollectionCase.objects.filter(pk__in=action.case_ids)}
    counts["missing"] = len(set(action.case_ids) - set(found))
    try:
        for case_id in action.case_ids:
            case = found.get(case_id)
            if case is None:
                continue
            claims.heartbeat(held, every=STALE_AFTER / 10)
            counts[_apply(action, case, actor)] += 1
    except claims.ClaimLost:
        return None  # swept as stale; whoever has it now applies it
    action.result = dict(counts)
    action.status = BulkAction.Status.DONE
    action.finished_at = timezone.now()
    if not claims.finish(
        held, result=action.result, status=action.status, finished_at=action.finished_at
    ):
        return None
    return action


def _apply(action: BulkAction, case: CollectionCase, actor: AbstractBaseUser | None) -> str:
    try:
        case_transition(
            case=case,
            name=action.transition,
            actor=actor,
            reason=action.reason or phrase("Bulk action"),
            data={"bulk_action": action.pk},
            **action.kwargs,
        )
    except SuitForbidden:
        return "time_barred"
    except TransitionNotAllowed:
        return "not_allowed"
    except ConcurrentTransition:
        return "changed_meanwhile"
    except PermissionDenied:
        return "denied"
    return "moved"


def bulk_actions_requeue_stale(*, now: dt.datetime | None = None) -> list[int]:
    """Sweeper: running rows whose worker stopped reporting go back to the queue; returns the
    queued rows whose task was lost, to enqueue again."""
    return claims.sweep(BULK_ACTIONS, now=now).lost
