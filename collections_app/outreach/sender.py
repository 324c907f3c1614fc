"""Send claimed messages: many requests in flight per worker (async I/O), every attempt
recorded before the request goes out, results written in bulk.

Exactly once: a message is handed to a provider only by the worker that set its `send_token`
(a conditional update), and only while its claim is fresh. A worker killed mid-send leaves an
attempt row without an outcome; the sweeper then asks the provider instead of resending.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from collections_app import claims
from collections_app.channels import ChannelError, OutgoingMessage, get_channel
from collections_app.channels.base import Channel
from collections_app.models import ContactAttempt, DeliveryAttempt, OutboundMessage
from collections_app.outreach.ratelimit import make_rate_limiter
from collections_app.outreach.recorder import OutcomeRecorder
from collections_app.outreach.results import SendOutcome
from collections_app.services.messages import OUTBOX_CLAIMS, messages_take_for_sending

logger = logging.getLogger(__name__)


def outgoing(message: OutboundMessage, *, record: bool = False) -> OutgoingMessage:
    base = settings.PUBLIC_BASE_URL
    kind = "voice" if message.channel == "voice" else "sms"
    return OutgoingMessage(
        to=message.to_address,
        body=message.body,
        language=message.borrower.preferred_language,
        subject=message.subject,
        html_body=message.html_body,
        status_callback_url=f"{base}/webhooks/twilio/{kind}/status/?m={message.pk}",
        answer_url=f"{base}/webhooks/twilio/voice/answer/{message.pk}/",
        idempotency_key=message.idempotency_key,
        headers=_headers(message),
        record=record and message.channel == "voice",
    )


def recorded_calls(messages: Sequence[OutboundMessage]) -> frozenset[int]:
    """The calls among `messages` the gate's reservation marks as recorded (one query, before
    the batch's event loop: no ORM inside it)."""
    voice = [m.pk for m in messages if m.channel == "voice"]
    if not voice:
        return frozenset()
    return frozenset(
        ContactAttempt.objects.filter(
            message_id__in=voice, recorded=True, outcome=ContactAttempt.Outcome.PENDING
        ).values_list("message_id", flat=True)
    )


def _headers(message: OutboundMessage) -> dict[str, str]:
    if message.channel != "email":
        return {}
    from collections_app.outreach.links import unsubscribe_url

    link = unsubscribe_url(message.borrower)
    return {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


@dataclass
class SendSummary:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    unknown: int = 0
    skipped: int = 0
    requeued_stale: int = 0


def _take(ids: Sequence[int], now: dt.datetime) -> tuple[list[OutboundMessage], int]:
    """Take the fresh claims among `ids` for this worker; stale ones go back to the gate."""
    with transaction.atomic():
        stale_ids = claims.sweep(
            OUTBOX_CLAIMS,
            now=now,
            among=OutboundMessage.objects.filter(pk__in=ids),
            reason="claim expired before sending",
        ).returned
        mine = messages_take_for_sending(ids=ids, now=now)
        # The attempt is on record before the request leaves: a crash cannot hide a send.
        DeliveryAttempt.objects.bulk_create(
            DeliveryAttempt(message=m, number=m.attempt_count, started_at=now) for m in mine
        )
    return mine, len(stale_ids)


def send_deadline_seconds() -> float:
    """No request of a batch starts later than this after the batch was taken, so that once
    OUTBOX_SENDING_TIMEOUT has passed nothing of it can still be in flight (the sweeper relies
    on that before it asks the provider and requeues what never arrived)."""
    return max(1.0, settings.OUTBOX_SENDING_TIMEOUT - settings.TWILIO_READ_TIMEOUT - 2.0)


async def _send_all(
    messages: list[OutboundMessage],
    recorder: OutcomeRecorder,
    recorded: frozenset[int] = frozenset(),
) -> None:
    deadline = time.monotonic() + send_deadline_seconds()
    limiter = make_rate_limiter()
    channels: dict[str, Channel] = {}
    semaphore = asyncio.Semaphore(settings.OUTBOX_SEND_CONCURRENCY)

    async def send(message: OutboundMessage, item: OutgoingMessage) -> SendOutcome:
        channel = channels.setdefault(message.channel, get_channel(message.channel))
        async with semaphore:
            await limiter.acquire(message.channel)
            if time.monotonic() > deadline:
                return SendOutcome(message, timezone.now(), not_started=True)
            started = timezone.now()
            try:
                provider_id = await channel.asend(item)
            except ChannelError as exc:
                return SendOutcome(message, started, error=exc)
            except Exception as exc:
                # A bug or an unexpected library error: the request may have gone out.
                logger.exception("unexpected error sending message %s", message.pk)
                return SendOutcome(message, started, error=ChannelError(repr(exc), unknown=True))
            return SendOutcome(message, started, provider_id=provider_id)

    async def one(message: OutboundMessage) -> None:
        item = outgoing(message, record=message.pk in recorded)
        recorder.add(await send(message, item))

    try:
        await asyncio.gather(*(one(m) for m in messages))
    finally:
        await limiter.close()
        for channel in channels.values():
            await channel.aclose()


async def _send_and_record(
    messages: list[OutboundMessage],
    recorder: OutcomeRecorder,
    recorded: frozenset[int] = frozenset(),
) -> None:
    try:
        await _send_all(messages, recorder, recorded)
    finally:
        await recorder.drain()


def send_claimed(ids: Sequence[int]) -> SendSummary:
    """Send the messages `ids` that are claimed and fresh; record every outcome."""
    now = timezone.now()
    messages, stale = _take(ids, now)
    summary = SendSummary(requeued_stale=stale, skipped=len(ids) - len(messages) - stale)
    if not messages:
        return summary
    recorder = OutcomeRecorder.for_caller(chunk=settings.OUTBOX_RECORD_CHUNK)
    asyncio.run(_send_and_record(messages, recorder, recorded_calls(messages)))
    counts = recorder.finish()
    summary.sent, summary.retrying = counts["sent"], counts["retrying"]
    summary.failed, summary.unknown = counts["failed"], counts["unknown"]
    return summary
