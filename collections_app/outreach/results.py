"""Writing what providers answered, in bulk: message status, attempt rows, the contact ledger."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from collections_app.channels import ChannelError
from collections_app.db import fast_update
from collections_app.models import CaseEvent, DeliveryAttempt, OutboundMessage
from collections_app.phrases import choice_label, phrase, with_stored
from collections_app.services.contact_points import address_failure_record
from collections_app.services.messages import MessageBatch, messages_lock_taken

Status = OutboundMessage.Status
Outcome = DeliveryAttempt.Outcome


@dataclass
class SendOutcome:
    message: OutboundMessage
    started_at: dt.datetime
    provider_id: str = ""
    error: ChannelError | None = None
    # The batch's deadline passed before this request started: nothing was sent.
    not_started: bool = False

    @property
    def kind(self) -> str:
        if self.not_started:
            return "not_started"
        if self.error is None:
            return "sent"
        if self.error.unknown:
            return "unknown"
        return "failed" if self.error.permanent else "transient"


def retry_delay(attempt: int) -> dt.timedelta:
    """Exponential backoff: 30 s, 1 min, 2 min, ... at most an hour."""
    return dt.timedelta(seconds=min(30 * 2 ** max(attempt - 1, 0), 3600))


def record_outcomes(outcomes: list[SendOutcome]) -> Counter[str]:
    """Write the outcomes of rows still held by the send_token they were taken with; a row the
    sweeper has since taken over is left to the sweeper."""
    now = timezone.now()
    counts: Counter[str] = Counter()
    with transaction.atomic():
        # Read as locked: a delivery callback may already have moved a sent row on.
        held = messages_lock_taken(o.message for o in outcomes)
        # A row a provider callback has moved past `sending` reached the provider, whatever this
        # worker saw: only a `sent` outcome may still add its id; an error must not requeue it.
        by_id = {
            o.message.pk: o
            for o in outcomes
            if o.message.pk in held and (o.kind == "sent" or o.message.status == Status.SENDING)
        }
        counts["superseded"] = len(outcomes) - len(by_id)
        attempts = {
            a.message_id: a
            for a in DeliveryAttempt.objects.filter(message_id__in=by_id, finished_at__isnull=True)
        }
        tries = _tries_so_far([i for i, o in by_id.items() if o.kind == "transient"])
        moves = MessageBatch()
        attempt_rows: list[DeliveryAttempt] = []
        events: list[CaseEvent] = []
        for message_id, outcome in by_id.items():
            message = outcome.message
            attempt = attempts.get(message_id)
            error = outcome.error
            if attempt is not None:
                attempt.finished_at = now
                attempt.provider_id = outcome.provider_id
                attempt.error_code = error.code if error else ""
                attempt.error_message = error.message[:1000] if error else ""
                attempt.outcome = {
                    "sent": Outcome.SENT,
                    "unknown": Outcome.UNKNOWN,
                    "failed": Outcome.PERMANENT_ERROR,
                    "transient": Outcome.TRANSIENT_ERROR,
                    "not_started": Outcome.NOT_SENT,
                }[outcome.kind]
                attempt_rows.append(attempt)
            code, detail = (error.code, error.message) if error else ("", "")
            kind = outcome.kind
            if kind == "sent":
                moves.sent(
                    message,
                    provider=_provider(message.channel),
                    provider_id=outcome.provider_id,
                    sent_at=outcome.started_at,
                )
            elif kind == "unknown":
                moves.unknown(message, code=code, detail=detail)
                events.append(
                    _event(message, phrase("may or may not have been sent; check before resending"))
                )
            elif kind == "not_started":
                # Never sent: back through the gate at once (the attempt row, `not_sent`, says
                # why; it does not count towards OUTBOX_MAX_ATTEMPTS).
                moves.requeue(
                    message,
                    at=now,
                    reason="not sent (batch deadline passed, or not found at the provider)",
                )
                kind = "requeued"
            elif kind == "transient" and tries[message_id] < settings.OUTBOX_MAX_ATTEMPTS:
                moves.requeue(
                    message, at=now + retry_delay(tries[message_id]), reason=detail, code=code
                )
                kind = "retrying"
            else:
                moves.fail(message, code=code, detail=detail)
                events.append(_event(message, phrase("failed: %(why)s", why=message.error_message)))
                _mark_unusable(message, error)
                kind = "failed"
            counts[kind] += 1
        moves.save()
        fast_update(
            attempt_rows, ["finished_at", "provider_id", "error_code", "error_message", "outcome"]
        )
        CaseEvent.objects.bulk_create(events)
    return counts


def _tries_so_far(message_ids: list[int]) -> Counter[int]:
    """Attempts that reached (or may have reached) the provider, this one included; attempts
    that never left (`not_sent`) are not tries."""
    if not message_ids:
        return Counter()
    return Counter(
        DeliveryAttempt.objects.filter(message_id__in=message_ids)
        .exclude(outcome=Outcome.NOT_SENT)
        .values_list("message_id", flat=True)
    )


def _provider(channel: str) -> str:
    if channel == "email":
        return "email"
    return settings.SMS_PROVIDER if channel == "sms" else settings.VOICE_PROVIDER


def _event(message: OutboundMessage, text: str) -> CaseEvent:
    return CaseEvent(
        case_id=message.case_id,
        kind=CaseEvent.Kind.CONTACT,
        reason=str(
            reason := phrase(
                "%(channel)s %(template)s: %(text)s",
                channel=choice_label(message, "channel"),
                template=message.template_key,
                text=text,
            )
        ),
        data=with_stored({"message": message.pk, "error_code": message.error_code}, reason),
    )


def _mark_unusable(message: OutboundMessage, error: ChannelError | None) -> None:
    """Permanent errors that are about the address stop every later send to it."""
    if error is not None:
        address_failure_record(message, error.code, error.message)
