"""Putting a case in front of an agent: what a borrower's reply, keypad input or call-back request
asks a person to do."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from collections_app.models import CaseEvent, CollectionCase
from collections_app.services.events import case_event_record


def agent_task_create(
    *, case: CollectionCase, reason: str, data: dict, now: dt.datetime | None = None
) -> CaseEvent:
    """Put the case in front of an agent: a REPLY event flagged for them, and the case due now
    (the agents' "due today" queue is ordered by next_action_at)."""
    now = now or timezone.now()
    event = case_event_record(
        case=case, kind=CaseEvent.Kind.REPLY, reason=reason, data={"needs_agent": True, **data}
    )
    # A plain UPDATE of one field: the case's state (and its concurrency check) is not touched.
    CollectionCase.objects.filter(pk=case.pk).update(next_action_at=now, updated_at=now)
    case.next_action_at = now  # a later save() of this object must not put the old value back
    return event
