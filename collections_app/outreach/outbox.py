"""Putting messages into the outbox and taking them out again (cancellations)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from collections_app.models import Borrower, CollectionCase, OutboundMessage
from collections_app.services.messages import messages_cancel


def idempotency_key(case: CollectionCase, step: str, day: dt.date) -> str:
    """case + step + day: the same step on the same day is one message, however often asked."""
    return f"{case.pk}:{step}:{day.isoformat()}"


# A policy's outreach per borrower (policies/outreach.py): one message for all the borrower's
# cases due the same step on the same day, whichever nightly batch each case is in.
BORROWER_KEY_PREFIX = "borrower:"


def borrower_idempotency_key(borrower_id: int, step: str, channel: str, day: dt.date) -> str:
    """borrower + step + channel + day: the one message for all their loans due that step."""
    return f"{BORROWER_KEY_PREFIX}{borrower_id}:{step}:{channel}:{day.isoformat()}"


def is_borrower_message(key: str) -> bool:
    return key.startswith(BORROWER_KEY_PREFIX)


def outbox_enqueue(
    *,
    case: CollectionCase,
    channel: str,
    template_key: str,
    step: str,
    scheduled_at: dt.datetime,
    actor: AbstractBaseUser | None = None,
    key: str | None = None,
    legally_required: bool = False,
) -> tuple[OutboundMessage, bool]:
    """Queue one message (idempotent on its key). Returns (message, created)."""
    key = key or idempotency_key(case, step, timezone.localdate(scheduled_at))
    existing = OutboundMessage.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            message = OutboundMessage.objects.create(
                case=case,
                borrower_id=case.loan.borrower_id,
                channel=channel,
                template_key=template_key,
                step=step,
                scheduled_at=scheduled_at,
                idempotency_key=key,
                created_by=actor,
                legally_required=legally_required,
            )
    except IntegrityError:
        return OutboundMessage.objects.get(idempotency_key=key), False
    return message, True


def manual_key(case: CollectionCase) -> str:
    """Manual sends are each their own message (an agent may send twice on purpose)."""
    return f"{case.pk}:manual:{uuid.uuid4().hex}"


def outbox_cancel_for_case(*, case: CollectionCase, reason: str) -> int:
    """Cancel every queued message of the case at once (payment, pause, close)."""
    return messages_cancel(case_id=case.pk, reason=reason)


def outbox_cancel_for_borrower(
    *, borrower: Borrower, reason: str, channel: str | None = None
) -> int:
    """Cancel the borrower's queued messages (on one channel, or all). Returns how many."""
    return messages_cancel(borrower_id=borrower.pk, channel=channel, reason=reason)
