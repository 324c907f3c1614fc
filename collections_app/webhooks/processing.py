"""Processing stored webhooks: claim the row, run the handler for its kind, record the result.

A row is taken with SELECT ... FOR UPDATE SKIP LOCKED and only while unprocessed
(`claims.take`), so a task delivered twice, or a task and the sweeper at once, process it once.
The handler's changes and the row's `processed_at` commit together: a worker killed mid-way
leaves the row unprocessed and the sweeper drives it again.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from collections_app import claims
from collections_app.models import WebhookEvent
from collections_app.webhooks.handlers import HANDLERS, Ignored

logger = logging.getLogger(__name__)

# Held only for the transaction that processes it (a row lock): nothing goes stale, and an
# unprocessed row older than WEBHOOK_SWEEP_AFTER had its task lost.
WEBHOOK_EVENTS = claims.WorkKind(
    name="webhook event",
    model=WebhookEvent,
    waiting=Q(processed_at__isnull=True),
    lost_after=lambda: dt.timedelta(seconds=settings.WEBHOOK_SWEEP_AFTER),
    waiting_since=("received_at",),
    enqueue_where=lambda: Q(attempts__lt=settings.WEBHOOK_MAX_ATTEMPTS),
)


@dataclass
class Outcome:
    event_id: int
    done: bool
    retry: bool = False
    note: str = ""


def webhook_process(*, event_id: int) -> Outcome | None:
    """Process one stored event. None when it is done already or another worker has it."""
    with transaction.atomic():
        taken = claims.take(WEBHOOK_EVENTS, WebhookEvent.objects.filter(pk=event_id))
        if not taken:
            return None
        event = taken[0]
        event.attempts += 1
        handler = HANDLERS.get(event.kind)
        retry = False
        try:
            with transaction.atomic():
                if handler is None:
                    raise Ignored(f"no handler for {event.kind}")
                note = handler(event)
            event.processed_at, event.error = timezone.now(), ""
        except Ignored as exc:
            # Expected: an unknown message or sender. Logged and kept on the row, not retried.
            logger.info("webhook %s (%s): %s", event.pk, event.kind, exc)
            event.processed_at, event.error, note = timezone.now(), str(exc)[:2000], str(exc)
        except Exception as exc:
            logger.exception("webhook %s (%s) failed", event.pk, event.kind)
            event.error = f"{type(exc).__name__}: {exc}"[:2000]
            note, retry = event.error, event.attempts < settings.WEBHOOK_MAX_ATTEMPTS
        event.save(update_fields=["attempts", "processed_at", "error"])
    return Outcome(event.pk, event.processed_at is not None, retry=retry, note=note)


def webhooks_unprocessed(
    *, older_than: dt.timedelta, limit: int = 1000, retries: bool = True
) -> list[int]:
    """Rows not processed yet, oldest first: with `retries`, also those tried before (attempts
    left); without, only rows never tried (a retry waits for its delay, not the next drain)."""
    return claims.waiting_ids(
        WEBHOOK_EVENTS,
        older_than=older_than,
        where=Q(attempts__lt=settings.WEBHOOK_MAX_ATTEMPTS if retries else 1),
        limit=limit,
    )


@dataclass
class DrainResult:
    seen: int = 0
    processed: int = 0
    to_retry: int = 0

    def __add__(self, other: DrainResult) -> DrainResult:
        return DrainResult(
            self.seen + other.seen,
            self.processed + other.processed,
            self.to_retry + other.to_retry,
        )


def webhooks_drain(*, limit: int, retries: bool = False) -> DrainResult:
    """Process up to `limit` unprocessed rows, however recent (the drain task)."""
    result = DrainResult()
    ids = webhooks_unprocessed(older_than=dt.timedelta(0), limit=limit, retries=retries)
    for event_id in ids:
        outcome = webhook_process(event_id=event_id)
        result.seen += 1
        if outcome is not None:
            result.processed += outcome.done
            result.to_retry += outcome.retry
    return result


def webhooks_sweep(*, older_than: dt.timedelta | None = None, limit: int = 1000) -> int:
    """Process rows left unprocessed. Returns how many were processed now."""
    ids = (
        claims.sweep(WEBHOOK_EVENTS, limit=limit).lost
        if older_than is None
        else webhooks_unprocessed(older_than=older_than, limit=limit)
    )
    done = 0
    for event_id in ids:
        outcome = webhook_process(event_id=event_id)
        done += bool(outcome and outcome.done)
    return done
