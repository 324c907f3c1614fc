"""The one writer of `OutboundMessage.status`. Every move is looked up in `message_states.MOVES`.

One locking style: a message's row is held before it moves, and the move is checked against the
table on the row as held. The dispatcher holds the rows it claimed (SKIP LOCKED), the recorder
the rows still taken with its send token, a callback the one row it locks; set-based operations
(cancel, requeue) lock the rows the table lets move, in primary-key order, then write them. A
move the table does not have raises `MoveNotAllowed` (in memory) or matches no row (set-based):
either way nothing is written.

Rows held by the caller are moved in memory through a `MessageBatch` and written by its `save()`
in one statement per kind of move (the dispatcher and the recorder are the hot paths).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from collections_app import claims
from collections_app.db import fast_update
from collections_app.message_states import (
    FINAL,
    MOVES,
    MessageStatus,
    MoveNotAllowed,
    provider_move_name,
)
from collections_app.models import OutboundMessage
from collections_app.outreach.gate import gate_record_sent, gate_release_for_messages

Status = MessageStatus


class MessageBatch:
    """Moves on messages the caller holds (claimed or locked in its open transaction). Each move
    is checked against the table at once; `save()` writes them all."""

    def __init__(self) -> None:
        self._moved: dict[str, list[OutboundMessage]] = defaultdict(list)

    def _move(self, message: OutboundMessage, name: str, **fields: object) -> None:
        move = MOVES[name]
        if message.status not in move.sources:
            raise MoveNotAllowed(f"message {message.pk}: no {name!r} from {message.status!r}")
        assert set(fields) <= set(move.writes), (name, set(fields) - set(move.writes))
        if move.target is not None:
            message.status = move.target
        for name_, value in fields.items():
            setattr(message, name_, value)
        self._moved[name].append(message)

    # The dispatcher's verdicts on a claimed message.
    def claim(
        self,
        message: OutboundMessage,
        *,
        now: dt.datetime,
        to_address: str,
        subject: str,
        body: str,
        html_body: str,
    ) -> None:
        self._move(
            message,
            "claim",
            claimed_at=now,
            send_token="",
            to_address=to_address,
            subject=subject,
            body=body,
            html_body=html_body,
            error_code="",
            error_message="",
        )

    def defer(
        self, message: OutboundMessage, *, until: dt.datetime, rule: str, detail: str
    ) -> None:
        self._move(
            message, "defer", scheduled_at=until, error_code=rule, error_message=detail[:500]
        )

    def cancel(self, message: OutboundMessage, *, rule: str, detail: str) -> None:
        self._move(message, "cancel", error_code=rule, error_message=detail[:500])

    def fail(self, message: OutboundMessage, *, code: str, detail: str) -> None:
        self._move(message, "fail", error_code=code[:40], error_message=detail[:500])

    # A send worker's results on a message taken with its send token.
    def requeue(
        self, message: OutboundMessage, *, at: dt.datetime, reason: str, code: str = ""
    ) -> None:
        self._move(
            message,
            "requeue",
            send_token="",
            claimed_at=None,
            scheduled_at=at,
            error_code=code[:40],
            error_message=reason[:500],
        )

    def sent(
        self, message: OutboundMessage, *, provider: str, provider_id: str, sent_at: dt.datetime
    ) -> None:
        """Accepted by the provider. A callback may have moved it on already: then only the
        provider's id and the time are added."""
        name = "sent" if message.status in MOVES["sent"].sources else "sent_after_callback"
        self._move(
            message,
            name,
            provider=provider,
            provider_id=provider_id,
            sent_at=sent_at,
            error_code="",
            error_message="",
        )

    def unknown(self, message: OutboundMessage, *, code: str, detail: str) -> None:
        self._move(message, "unknown", error_code=code[:40], error_message=detail[:500])

    def save(self) -> None:
        for name, messages in self._moved.items():
            move = MOVES[name]
            fields = ["status", *move.writes] if move.target is not None else list(move.writes)
            fast_update(messages, fields)
        moved = [(MOVES[name], m) for name, messages in self._moved.items() for m in messages]
        gate_release_for_messages(m.pk for move, m in moved if move.releases_reservation)
        gate_record_sent({m.pk: m.sent_at for move, m in moved if move.dates_reservation})
        _notices_sent([m for move, m in moved if move.dates_reservation])
        self._moved.clear()


def messages_claim_due(
    *, now: dt.datetime, limit: int, ids: Sequence[int] | None = None
) -> list[OutboundMessage]:
    """Lock up to `limit` due messages the table lets the dispatcher claim, skipping rows
    another dispatcher holds. Call inside a transaction: the rows are the caller's until it
    commits; record each one's verdict with a `MessageBatch`."""
    due = OutboundMessage.objects.filter(scheduled_at__lte=now)
    if ids is not None:
        due = due.filter(pk__in=ids)
    due = due.select_related("case__loan__borrower", "borrower").order_by("scheduled_at", "id")
    return claims.take(OUTBOX_CLAIMS, due, limit=limit)  # type: ignore[return-value]


def messages_take_for_sending(*, ids: Sequence[int], now: dt.datetime) -> list[OutboundMessage]:
    """A send worker's claim on the fresh, unstarted claims among `ids`: a conditional UPDATE
    sets a send token of its own (and counts the attempt), so a duplicate task finds them
    taken and only this worker hands them to the provider."""
    fresh_after = now - OUTBOX_CLAIMS.stale_after()
    token = uuid.uuid4().hex
    OutboundMessage.objects.filter(
        OUTBOX_CLAIMS.running, pk__in=ids, claimed_at__gte=fresh_after
    ).update(send_token=token, attempt_count=F("attempt_count") + 1)
    return list(OutboundMessage.objects.filter(send_token=token).select_related("borrower"))


def messages_take_over(messages: Iterable[OutboundMessage]) -> list[OutboundMessage]:
    """The sweeper's claim on sends stuck mid-way: each row still `sending` under the token it
    was read with gets a token of the sweeper's, so a worker somehow still alive cannot write
    over what the sweeper decides. Returns the rows taken."""
    token = uuid.uuid4().hex
    taken = []
    for message in messages:
        if OutboundMessage.objects.filter(
            pk=message.pk, send_token=message.send_token, status__in=MOVES["sent"].sources
        ).update(send_token=token):
            message.send_token = token
            taken.append(message)
    return taken


def messages_lock_taken(messages: Iterable[OutboundMessage]) -> set[int]:
    """Lock the messages still held by the send token each was taken with, and read their
    status as locked (a delivery callback may have moved a sent one on). Returns their ids; a
    row the sweeper has taken over since is not among them. Call inside a transaction."""
    by_token: dict[str, list[OutboundMessage]] = defaultdict(list)
    for message in messages:
        by_token[message.send_token].append(message)
    held: set[int] = set()
    for token, group in by_token.items():
        statuses = dict(
            OutboundMessage.objects.filter(pk__in=[m.pk for m in group], send_token=token)
            .order_by("pk")
            .select_for_update()
            .values_list("pk", "status")
        )
        for message in group:
            if message.pk in statuses:
                message.status = statuses[message.pk]
                held.add(message.pk)
    return held


def _lock(rows: QuerySet[OutboundMessage], move: str, limit: int | None = None) -> list[int]:
    """Lock the rows among `rows` the table lets make `move`; re-checked under the lock."""
    locked = (
        rows.filter(status__in=MOVES[move].sources)
        .order_by("pk")
        .select_for_update()
        .values_list("pk", flat=True)
    )
    return list(locked[:limit] if limit else locked)


def messages_requeue(
    rows: QuerySet[OutboundMessage],
    *,
    reason: str,
    delay: dt.timedelta | None = None,
    limit: int | None = None,
) -> list[int]:
    """Back to the queue (and through the gate again, after `delay`), releasing the ledger
    reservations: only claims no worker has started (no send token), so a worker that took one
    meanwhile keeps it. Returns the ids requeued."""
    now = timezone.now()
    with transaction.atomic():
        ids = _lock(rows.filter(send_token=""), "requeue", limit)
        if ids:
            OutboundMessage.objects.filter(pk__in=ids).update(
                status=MOVES["requeue"].target,
                send_token="",
                claimed_at=None,
                scheduled_at=now + (delay or dt.timedelta(0)),
                error_code="",
                error_message=reason[:500],
                updated_at=now,
            )
            gate_release_for_messages(ids)
    return ids


def messages_cancel(
    *,
    reason: str,
    case_id: int | None = None,
    borrower_id: int | None = None,
    channel: str | None = None,
    case_ids: Sequence[int] | None = None,
) -> int:
    """Cancel the queued messages of a case (or of many: `case_ids`) or a borrower (on one
    channel, or all), at once (a payment, a pause, a close, an opt-out, a hold). Returns how
    many."""
    if case_id is None and borrower_id is None and case_ids is None:
        raise ValueError("cancel needs a case or a borrower")
    rows = OutboundMessage.objects.all()
    if case_id is not None:
        rows = rows.filter(case_id=case_id)
    if case_ids is not None:
        rows = rows.filter(case_id__in=list(case_ids))
    if borrower_id is not None:
        rows = rows.filter(borrower_id=borrower_id)
    if channel:
        rows = rows.filter(channel=channel)
    now = timezone.now()
    with transaction.atomic():
        ids = _lock(rows, "cancel")
        if ids:
            OutboundMessage.objects.filter(pk__in=ids).update(
                status=MOVES["cancel"].target,
                error_code="",
                error_message=reason[:500],
                updated_at=now,
            )
    return len(ids)


def message_lock(*, message_id: int) -> OutboundMessage:
    """Hold the message's row for the rest of the caller's transaction (a callback's effects
    on the message and the ledger are decided one callback at a time)."""
    return OutboundMessage.objects.select_for_update().select_related("borrower").get(pk=message_id)


def message_advance(
    *,
    message_id: int,
    target: str,
    provider_id: str,
    at: dt.datetime,
    error_code: str = "",
) -> tuple[OutboundMessage, bool]:
    """A provider reported `target`: move the message there if that is further on (`RANK`),
    never from `cancelled`. Also learns the provider's id if the sender died before writing it.
    Returns (message, moved). Call inside the caller's transaction."""
    message = message_lock(message_id=message_id)
    fields = []
    if not message.provider_id and provider_id:
        message.provider_id = provider_id
        fields.append("provider_id")
    moved = message.status in MOVES[provider_move_name(target)].sources
    if moved:
        message.status = target
        fields.append("status")
        if target == Status.DELIVERED:
            message.delivered_at = at
            fields.append("delivered_at")
        elif target in FINAL:
            message.error_code = error_code[:40]
            fields.append("error_code")
        if message.sent_at is None:
            message.sent_at = at
            fields.append("sent_at")
    if fields:
        message.save(update_fields=[*fields, "updated_at"])
    if moved and target in SENT_OR_LATER:
        _notices_sent([message])
    return message, moved


# A provider reporting one of these has the message: it went out.
SENT_OR_LATER = frozenset({Status.SENT, Status.DELIVERED})


def _notices_sent(messages: Sequence[OutboundMessage]) -> None:
    """A dispute's notice that went out moves its dispute on (services/disputes.py owns that
    lifecycle); every other message costs nothing here (filtered in memory, no query)."""
    from collections_app.services.dispute_notices import DISPUTE_NOTICE_KEYS

    notices = [m for m in messages if m.template_key in DISPUTE_NOTICE_KEYS]
    if notices:
        from collections_app.services.disputes import disputes_notices_sent

        disputes_notices_sent(messages=notices)


def _requeue_stale(rows: QuerySet[OutboundMessage], limit: int | None, reason: str) -> list[int]:
    return messages_requeue(rows, reason=reason, limit=limit)


# A claimed message no worker has started (no send token) goes back through the gate once its
# claim is older than OUTBOX_CLAIM_TTL: the send task was lost, or came too late to send it.
# Started ones are the sweeper's to settle with the provider (outreach/sweeper.py).
OUTBOX_CLAIMS = claims.WorkKind(
    name="outbox message",
    model=OutboundMessage,
    waiting=Q(status__in=MOVES["claim"].sources),
    running=Q(status__in=MOVES["requeue"].sources, send_token=""),
    heartbeat_at=None,
    attempts=None,
    stale_after=lambda: dt.timedelta(seconds=settings.OUTBOX_CLAIM_TTL),
    requeue=_requeue_stale,
)
