"""Telling the lender what happened: events written in the caller's transaction (the outbox
pattern), one delivery row per active endpoint that subscribes to the kind.

An event exists if and only if the change it tells of committed: the rows are written by the
service that makes the change, in its transaction, and a worker sends them after the commit
(lender/deliveries.py; woken on commit, and the sweeper finds any whose wake-up was lost). With
no endpoint subscribed to a kind nothing is written: nobody would ever receive it, and a busy
night would fill a table for nobody.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from collections_app.db import any_of
from collections_app.models import (
    CollectionCase,
    LenderEvent,
    LenderEventDelivery,
    LenderEventKind,
    Loan,
    WebhookEndpoint,
)
from collections_app.services.escalation_writes import bulk_insert

KINDS: tuple[str, ...] = tuple(LenderEventKind.values)


@dataclass(frozen=True)
class LenderEventSpec:
    """One event to write: what `lender_events_emit_many` takes."""

    kind: str
    payload: Mapping[str, Any]
    dedupe_key: str
    case_id: int | None = None
    loan_id: int | None = None
    occurred_at: dt.datetime | None = None
    # Filled in when written: the id the receiver sees.
    uuid: uuid.UUID = field(default_factory=uuid.uuid4)


def subscribers() -> dict[str, list[int]]:
    """{kind: ids of the active endpoints that receive it} (the endpoints table is tiny)."""
    endpoints = list(
        WebhookEndpoint.objects.filter(is_active=True).values_list("pk", "event_kinds")
    )
    return {kind: [pk for pk, kinds in endpoints if not kinds or kind in kinds] for kind in KINDS}


def wanted(kinds: Sequence[str]) -> dict[str, list[int]]:
    """The subscribers of these kinds only, empty when nobody wants any: a caller builds its
    payloads (and runs the queries they need) only when this is not empty."""
    found = subscribers()
    return {kind: found[kind] for kind in kinds if found[kind]}


def lender_event_emit(
    *,
    kind: str,
    payload: Mapping[str, Any],
    dedupe_key: str,
    case: CollectionCase | None = None,
    loan: Loan | None = None,
    occurred_at: dt.datetime | None = None,
) -> LenderEvent | None:
    """Write one event and its deliveries in the caller's transaction. None when no active
    endpoint subscribes to `kind`, or the same fact (`dedupe_key`) was told before."""
    spec = LenderEventSpec(
        kind=kind,
        payload=payload,
        dedupe_key=dedupe_key,
        case_id=case.pk if case is not None else None,
        loan_id=loan.pk if loan is not None else (case.loan_id if case is not None else None),
        occurred_at=occurred_at,
    )
    if not lender_events_emit_many(events=[spec]):
        return None
    return LenderEvent.objects.get(uuid=spec.uuid)


def lender_events_emit_many(
    *,
    events: Sequence[LenderEventSpec],
    now: dt.datetime | None = None,
    subscribed: Mapping[str, list[int]] | None = None,
) -> int:
    """Write many events and their deliveries, set-based (COPY on PostgreSQL): a fixed number
    of statements whatever the count. Returns how many events were written (those nobody
    subscribes to and facts told before are skipped). `subscribed` is `wanted()`'s answer when
    the caller already has it."""
    if not events:
        return 0
    unknown = {e.kind for e in events} - set(KINDS)
    if unknown:
        raise ValueError(f"unknown lender event kind(s): {', '.join(sorted(unknown))}")
    now = now or timezone.now()
    subscribed = subscribers() if subscribed is None else subscribed
    wanted_events = [e for e in events if subscribed.get(e.kind)]
    if not wanted_events:
        return 0
    written = _insert(wanted_events, subscribed, now)
    if written:
        from collections_app.lender.wakeup import wake

        # robust: the change is committed by then; a broker hiccup must not fail the request
        # that made it (the sweeper sends what the wake-up missed).
        transaction.on_commit(wake, robust=True)
    return written


def _event_row(event: LenderEventSpec, now: dt.datetime) -> dict[str, Any]:
    return dict(
        uuid=event.uuid,
        kind=event.kind,
        payload=dict(event.payload),
        case_id=event.case_id,
        loan_id=event.loan_id,
        dedupe_key=event.dedupe_key,
        occurred_at=event.occurred_at or now,
    )


def _delivery_row(now: dt.datetime) -> dict[str, Any]:
    """A new delivery's fields, but for its event and endpoint."""
    return dict(
        status=LenderEventDelivery.Status.QUEUED,
        attempt_limit=settings.LENDER_WEBHOOK_MAX_ATTEMPTS,
        next_attempt_at=now,
        created_at=now,
    )


def _insert(
    events: list[LenderEventSpec], subscribed: Mapping[str, list[int]], now: dt.datetime
) -> int:
    """COPY on PostgreSQL (measured: faster than one INSERT ... ON CONFLICT over arrays, whose
    parameters cost more to send than the rows). A fact told before is skipped by the lookup;
    one told by another transaction at this very moment fails the unique key, and the caller's
    transaction with it: the facts themselves are unique (a payment id, a promise), so that
    second teller was failing anyway."""
    fresh = _first_telling(events)
    if not fresh:
        return 0
    bulk_insert(LenderEvent, [_event_row(e, now) for e in fresh], now)
    ids = dict(
        LenderEvent.objects.filter(
            any_of(LenderEvent, "uuid", [e.uuid for e in fresh])
        ).values_list("uuid", "pk")
    )
    bulk_insert(
        LenderEventDelivery,
        [
            dict(event_id=ids[e.uuid], endpoint_id=endpoint_id, **_delivery_row(now))
            for e in fresh
            for endpoint_id in subscribed[e.kind]
        ],
        now,
    )
    return len(fresh)


def _first_telling(events: list[LenderEventSpec]) -> list[LenderEventSpec]:
    """Drop facts told before (stored) or twice in this call: one fact, one event."""
    told = set(
        LenderEvent.objects.filter(
            any_of(LenderEvent, "dedupe_key", [e.dedupe_key for e in events])
        ).values_list("dedupe_key", flat=True)
    )
    fresh = []
    for event in events:
        if event.dedupe_key not in told:
            told.add(event.dedupe_key)
            fresh.append(event)
    return fresh
