"""Transitions over many cases at once, run by a worker so the admin page answers at once."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from collections_app.models import BulkAction, CollectionCase
from collections_app.services.cases import case_transition
from collections_app.states import TRANSITIONS

# A bulk action left "running" this long is taken to have lost its worker.
STALE_AFTER = dt.timedelta(minutes=15)


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
        raise PermissionDenied(f"{actor} may not {TRANSITIONS[name].label.lower()} cases")
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
    now = timezone.now()
    claimed = BulkAction.objects.filter(pk=action_id, status=BulkAction.Status.QUEUED).update(
        status=BulkAction.Status.RUNNING, started_at=now
    )
    if not claimed:
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
    for case_id in action.case_ids:
        case = found.get(case_id)
        if case is None:
            continue
        try:
            case_transition(
                case=case,
                name=action.transition,
                actor=actor,
                reason=action.reason or "Bulk action",
                data={"bulk_action": action.pk},
                **action.kwargs,
            )
            counts["moved"] += 1
        except TransitionNotAllowed:
            counts["not_allowed"] += 1
        except ConcurrentTransition:
            counts["changed_meanwhile"] += 1
        except PermissionDenied:
            counts["denied"] += 1
    action.result = dict(counts)
    action.status = BulkAction.Status.DONE
    action.finished_at = timezone.now()
    action.save(update_fields=["result", "status", "finished_at"])
    return action


def bulk_actions_requeue_stale(*, now: dt.datetime | None = None) -> list[int]:
    """Sweeper: queued rows whose task was lost, and running rows whose worker died."""
    now = now or timezone.now()
    stale_running = BulkAction.objects.filter(
        status=BulkAction.Status.RUNNING, started_at__lt=now - STALE_AFTER
    )
    stale_running.update(status=BulkAction.Status.QUEUED)
    return list(
        BulkAction.objects.filter(
            status=BulkAction.Status.QUEUED, created_at__lt=now - dt.timedelta(minutes=1)
        ).values_list("pk", flat=True)
    )
