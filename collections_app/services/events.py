"""Small writers for the audit trail (Saleor's order/events.py style)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from collections_app.models import CaseEvent, CollectionCase
from collections_app.phrases import with_stored


def _actor_id(actor: AbstractBaseUser | None) -> int | None:
    return actor.pk if actor is not None else None


def case_event_transition(
    *,
    case: CollectionCase,
    from_state: str,
    to_state: str,
    actor: AbstractBaseUser | None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.TRANSITION,
        from_state=from_state,
        to_state=to_state,
        actor_id=_actor_id(actor),
        reason=str(reason),
        # A phrase keeps its message id and values beside the English text: each reader sees
        # it in their own language (phrases.py).
        data=with_stored(data, reason),
    )


def case_event_record(
    *,
    case: CollectionCase,
    kind: str,
    actor: AbstractBaseUser | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Any non-transition event: note, payment, promise, plan, contact, assignment..."""
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        from_state=case.state,
        to_state=case.state,
        actor_id=_actor_id(actor),
        reason=str(reason),
        data=with_stored(data, reason),
    )
