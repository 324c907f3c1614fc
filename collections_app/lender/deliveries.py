"""Sending lender events: each delivery claimed (collections_app/claims.py) right before its
request, one attempt row per try written before the request leaves, the outcome written under
the claim.

- A delivery is claimed only while queued, due (`next_attempt_at`, kept in the database: retries
  never wait in a broker ETA) and its endpoint active and not resting; the claim counts the
  attempt and fences the writes that follow, so a redelivered task or a sweeper never sends a
  delivery another worker holds.
- Delivered is final: a delivered row is never claimed again (only a person's replay queues it).
- A worker that dies mid-send leaves its row `sending` and its attempt unfinished; the sweeper
  notes the attempt as interrupted and queues the delivery again, which sends the same event id.
  That is at least once: the receiver may get an event twice, and deduplicates on X-Event-Id.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from collections_app import claims
from collections_app.lender import http
from collections_app.lender.endpoint_urls import endpoint_url_problem
from collections_app.lender.endpoints import webhook_endpoint_disable
from collections_app.lender.retry import (
    DELIVERED,
    FAILED,
    GONE,
    retry_after,
    retry_delay,
    verdict,
)
from collections_app.lender.signing import envelope, signature_header, signing_secrets
from collections_app.models import LenderEventAttempt, LenderEventDelivery, WebhookEndpoint
from collections_app.phrases import phrase

logger = logging.getLogger(__name__)

Status = LenderEventDelivery.Status

# The receiver failed this many times running (5xx, timeouts) before its endpoint rests: one
# bad answer is about one event, three in a row about the receiver.
TROUBLE_AFTER = 3

INTERRUPTED = (
    "interrupted: the worker stopped mid-send; sent again with the same event id "
    "(the receiver may have it, and deduplicates on X-Event-Id)"
)


def _stale_after() -> dt.timedelta:
    # Never shorter than one try can take: a live sender is never swept.
    slowest = settings.LENDER_WEBHOOK_CONNECT_TIMEOUT + settings.LENDER_WEBHOOK_READ_TIMEOUT
    return dt.timedelta(seconds=max(settings.LENDER_WEBHOOK_CLAIM_TTL, slowest + 10))


def _requeue_stale(stale: QuerySet, limit: int | None, reason: str) -> list[int]:
    """Claims whose worker stopped: their unfinished tries are noted as interrupted, and the
    deliveries go back to the queue, due now (or fail, with no tries left)."""
    now = timezone.now()
    with transaction.atomic():
        # Re-checked under the lock: a claim that finished meanwhile is not stale any more.
        locked = stale.order_by("pk").select_for_update().values_list("pk", flat=True)
        ids = list(locked[:limit] if limit else locked)
        if not ids:
            return []
        LenderEventAttempt.objects.filter(delivery_id__in=ids, finished_at__isnull=True).update(
            finished_at=now, error=INTERRUPTED
        )
        rows = LenderEventDelivery.objects.filter(pk__in=ids)
        rows.filter(attempts__gte=F("attempt_limit")).update(
            status=Status.FAILED, last_error=INTERRUPTED
        )
        back = list(rows.filter(status=Status.SENDING).values_list("pk", flat=True))
        rows.filter(pk__in=back).update(
            status=Status.QUEUED, next_attempt_at=now, last_error=INTERRUPTED
        )
    return back


DELIVERIES = claims.WorkKind(
    name="lender event delivery",
    model=LenderEventDelivery,
    waiting=Q(status=Status.QUEUED),
    running=Q(status=Status.SENDING),
    claims={"status": Status.SENDING},
    releases={"status": Status.QUEUED},
    claimed_at="claimed_at",
    heartbeat_at=None,  # one try at a time: the claim's time is its heartbeat
    attempts="attempts",
    stale_after=_stale_after,
    # The sweeper looks for due rows itself (per endpoint, below) and wakes a drain.
    lost_after=None,
    requeue=_requeue_stale,
)


def _resting(now: dt.datetime) -> Q:
    return Q(blocked_until__isnull=True) | Q(blocked_until__lte=now)


def _claimable(now: dt.datetime) -> Q:
    """Due, to an endpoint that takes deliveries now (checked in the claim's own UPDATE)."""
    return Q(next_attempt_at__lte=now, endpoint__is_active=True) & (
        Q(endpoint__blocked_until__isnull=True) | Q(endpoint__blocked_until__lte=now)
    )


def sendable_endpoints(now: dt.datetime) -> list[int]:
    return list(
        WebhookEndpoint.objects.filter(_resting(now), is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def due_ids(*, now: dt.datetime, limit: int) -> list[int]:
    """Due deliveries, the oldest first per endpoint and the endpoints taken in turn: one
    endpoint's backlog (a night of moves) never starves another's."""
    per_endpoint = [
        list(
            LenderEventDelivery.objects.filter(
                endpoint_id=endpoint_id, status=Status.QUEUED, next_attempt_at__lte=now
            )
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        for endpoint_id in sendable_endpoints(now)
    ]
    turns = itertools.chain.from_iterable(itertools.zip_longest(*per_endpoint))
    return [pk for pk in turns if pk is not None][:limit]


def delivery_claim(pk: int, *, now: dt.datetime | None = None) -> claims.Claim | None:
    """Claim one delivery if it is queued, due and its endpoint takes deliveries."""
    now = now or timezone.now()
    return claims.claim(DELIVERIES, pk, now=now, where=_claimable(now))


def delivery_send(held: claims.Claim) -> str:
    """One try of a claimed delivery: the attempt row, the signed POST, the outcome. Returns
    the outcome (retry.DELIVERED, RETRY, GONE, FAILED)."""
    delivery = LenderEventDelivery.objects.select_related("event", "endpoint").get(pk=held.pk)
    event, endpoint = delivery.event, delivery.endpoint
    # Committed before the request leaves: a worker dying mid-send leaves this row behind.
    attempt = LenderEventAttempt.objects.create(
        delivery=delivery, number=held.token, started_at=timezone.now()
    )
    problem = endpoint_url_problem(
        endpoint.url,
        allow_http=settings.LENDER_WEBHOOK_ALLOW_HTTP,
        private_networks=settings.LENDER_WEBHOOK_PRIVATE_NETWORKS,
    )
    if problem:
        answer = http.Answer(None, error=f"not sent: {problem}")
    else:
        body = envelope(
            event_id=str(event.uuid),
            kind=event.kind,
            occurred_at=event.occurred_at,
            data=event.payload,
        )
        timestamp = int(time.time())  # real time, as the receiver's clock is (not a test clock)
        secrets = signing_secrets(
            secret=endpoint.secret,
            previous=endpoint.previous_secret,
            previous_until=endpoint.previous_secret_until,
            now=timezone.now(),
        )
        answer = http.post(
            endpoint.url,
            body=body,
            headers={
                "X-Signature": signature_header(secrets=secrets, timestamp=timestamp, body=body),
                "X-Event-Id": str(event.uuid),
                "X-Event-Type": event.kind,
                "X-Delivery-Attempt": str(held.token),
            },
            connect_timeout=settings.LENDER_WEBHOOK_CONNECT_TIMEOUT,
            read_timeout=settings.LENDER_WEBHOOK_READ_TIMEOUT,
        )
        if answer.refused_address:
            problem = answer.error
    return _record(held, delivery, endpoint, attempt, answer, url_problem=problem)


def _error_text(answer: http.Answer) -> str:
    if answer.status is None:
        return answer.error
    return f"HTTP {answer.status}: {answer.excerpt[:300]}".strip()


def _record(
    held: claims.Claim,
    delivery: LenderEventDelivery,
    endpoint: WebhookEndpoint,
    attempt: LenderEventAttempt,
    answer: http.Answer,
    *,
    url_problem: str | None,
) -> str:
    finished = timezone.now()
    LenderEventAttempt.objects.filter(pk=attempt.pk).update(
        finished_at=finished,
        http_status=answer.status,
        response_excerpt=answer.excerpt,
        error=answer.error,
    )
    if url_problem:
        # Our configuration, not the receiver: the endpoint stops until a person fixes it.
        webhook_endpoint_disable(endpoint=endpoint, reason=answer.error, now=finished)
        claims.finish(held, status=Status.QUEUED, next_attempt_at=finished, last_error=answer.error)
        return GONE
    found = verdict(status=answer.status, attempt=held.token, attempt_limit=delivery.attempt_limit)
    if found.outcome == DELIVERED:
        # The receiver has it, whoever holds the row now (a sweep may have given it to another
        # worker meanwhile): delivered wins, and is never sent again.
        LenderEventDelivery.objects.filter(pk=held.pk).exclude(status=Status.DELIVERED).update(
            status=Status.DELIVERED, delivered_at=finished, last_error=""
        )
        WebhookEndpoint.objects.filter(pk=endpoint.pk, consecutive_failures__gt=0).update(
            consecutive_failures=0, blocked_until=None
        )
        return DELIVERED
    error = _error_text(answer)
    if found.outcome == GONE:
        webhook_endpoint_disable(
            endpoint=endpoint,
            reason=phrase(
                "The receiver answered 410 Gone at %(time)s: disabled.",
                time=finished.isoformat(timespec="seconds"),
            ),
            now=finished,
        )
        # Waits with the endpoint's other deliveries: re-enabling it sends them all.
        claims.finish(held, status=Status.QUEUED, next_attempt_at=finished, last_error=error)
        return GONE
    if found.receiver_trouble:
        _endpoint_trouble(endpoint, finished)
    if found.outcome == FAILED:
        claims.finish(held, status=Status.FAILED, last_error=error)
        return FAILED
    cap = settings.LENDER_WEBHOOK_RETRY_CAP_SECONDS
    delay = retry_delay(
        held.token,
        base=settings.LENDER_WEBHOOK_RETRY_BASE_SECONDS,
        cap=cap,
        jitter=random.random(),
    )
    asked = retry_after(answer.retry_after, now=finished, cap=cap)
    if asked is not None:
        delay = max(delay, asked)
    claims.finish(
        held, status=Status.QUEUED, next_attempt_at=finished + delay, last_error=error[:2000]
    )
    return found.outcome


def _endpoint_trouble(endpoint: WebhookEndpoint, now: dt.datetime) -> None:
    """Count the receiver's failure; from the TROUBLE_AFTER-th in a row the endpoint rests
    (exponentially longer each time), and its other deliveries wait instead of timing out."""
    failures = endpoint.consecutive_failures + 1
    rest_until = None
    if failures >= TROUBLE_AFTER:
        rest = retry_delay(
            failures - TROUBLE_AFTER + 1,
            base=settings.LENDER_WEBHOOK_RETRY_BASE_SECONDS,
            cap=settings.LENDER_WEBHOOK_RETRY_CAP_SECONDS,
            jitter=random.random(),
        )
        rest_until = now + rest
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=F("consecutive_failures") + 1, blocked_until=rest_until
    )
    endpoint.consecutive_failures = failures


@dataclass
class DrainResult:
    tried: int = 0
    delivered: int = 0
    # Stopped for time with deliveries still due: the task runs again.
    more: bool = False


def lender_deliveries_send(*, delivery_ids: Iterable[int]) -> DrainResult:
    """Try these deliveries once each (those still queued, due and sendable)."""
    result = DrainResult()
    for pk in delivery_ids:
        held = delivery_claim(pk)
        if held is None:
            continue
        result.tried += 1
        result.delivered += delivery_send(held) == DELIVERED
    return result


def lender_deliveries_drain(*, batch: int, seconds: float) -> DrainResult:
    """Send what is due, a batch at a time, for at most about `seconds`."""
    started = time.monotonic()
    result = DrainResult()
    while True:
        ids = due_ids(now=timezone.now(), limit=batch)
        if not ids:
            return result
        tried = result.tried
        for pk in ids:
            if time.monotonic() - started > seconds:
                result.more = True
                return result
            held = delivery_claim(pk)
            if held is None:
                continue  # another drain has it, or its endpoint started resting
            result.tried += 1
            result.delivered += delivery_send(held) == DELIVERED
        if result.tried == tried:
            return result  # everything listed was taken by others meanwhile


@dataclass
class SweepResult:
    returned: list[int]
    due: bool


def lender_deliveries_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """Put deliveries whose worker stopped back in the queue, and say whether any is due (a
    retry whose time came, a delivery whose wake-up was lost)."""
    now = now or timezone.now()
    swept = claims.sweep(DELIVERIES, now=now, reason="worker stopped mid-send")
    return SweepResult(returned=swept.returned, due=bool(due_ids(now=now, limit=1)))


def lender_deliveries_replay(
    *,
    delivery_ids: Iterable[int],
    actor: AbstractBaseUser | None,
    now: dt.datetime | None = None,
) -> int:
    """Queue deliveries again, due now, with a fresh allowance of tries: the same event id,
    so a receiver that has it already deduplicates. One being sent right now is left alone.
    Returns how many were queued."""
    now = now or timezone.now()
    with transaction.atomic():
        replayed = (
            LenderEventDelivery.objects.filter(pk__in=list(delivery_ids))
            .exclude(status=Status.SENDING)
            .update(
                status=Status.QUEUED,
                next_attempt_at=now,
                attempt_limit=F("attempts") + settings.LENDER_WEBHOOK_MAX_ATTEMPTS,
                replayed_at=now,
                replayed_by=actor,
                last_error="",
            )
        )
        if replayed:
            from collections_app.lender.wakeup import wake

            transaction.on_commit(wake, robust=True)
    return replayed
