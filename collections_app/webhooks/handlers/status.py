"""Delivery status of SMS and calls: the outbox row and the contact ledger, forward only.

Providers send callbacks more than once and out of order (a late `sent` after `delivered`). The
message moves through `services/messages.message_advance`, forward only (`message_states.RANK`),
so the last word is the furthest one, whatever the order of arrival.
"""

from __future__ import annotations

from django.db import transaction

from collections_app.message_states import FINAL, MessageStatus
from collections_app.models import ContactAttempt, OutboundMessage, WebhookEvent
from collections_app.services.messages import message_lock
from collections_app.webhooks.handlers.base import Ignored
from collections_app.webhooks.handlers.delivery import advance, delivery_failed, ledger
from collections_app.webhooks.selectors import message_for_callback

Status = MessageStatus
Outcome = ContactAttempt.Outcome

# Twilio Messages statuses -> ours. accepted..sending all mean "the provider has it".
SMS_STATUS = {
    "accepted": Status.SENT,
    "scheduled": Status.SENT,
    "queued": Status.SENT,
    "sending": Status.SENT,
    "sent": Status.SENT,
    "delivered": Status.DELIVERED,
    "read": Status.DELIVERED,
    "undelivered": Status.UNDELIVERED,
    "failed": Status.FAILED,
    "canceled": Status.FAILED,
}
CALL_STATUS = {
    "queued": Status.SENT,
    "initiated": Status.SENT,
    "ringing": Status.SENT,
    "in-progress": Status.SENT,
    "completed": Status.DELIVERED,
    "busy": Status.UNDELIVERED,
    "no-answer": Status.UNDELIVERED,
    "canceled": Status.UNDELIVERED,
    "failed": Status.FAILED,
}


def _message(event: WebhookEvent, sid: str, ref_param: str) -> OutboundMessage:
    ref = event.payload.get("query", {}).get(ref_param) or ""
    message = message_for_callback(message_id=ref, provider_id=sid)
    if message is None:
        raise Ignored(f"unknown message (m={ref or '-'}, sid={sid})")
    return message


def handle_sms_status(event: WebhookEvent) -> str:
    form = event.payload.get("form", {})
    sid = form.get("MessageSid") or form.get("SmsSid") or ""
    raw = (form.get("MessageStatus") or form.get("SmsStatus") or "").lower()
    target = SMS_STATUS.get(raw)
    if target is None:
        raise Ignored(f"status {raw!r} means nothing for an outgoing message")
    code = str(form.get("ErrorCode") or "")
    with transaction.atomic():
        message, moved = advance(_message(event, sid, "m"), target, sid, event, code)
        if moved and target in FINAL:
            ledger(message, Outcome.DELIVERED if target == Status.DELIVERED else Outcome.FAILED)
            if target != Status.DELIVERED:
                delivery_failed(message, code)
    return f"message {message.pk}: {message.status}" + ("" if moved else " (unchanged)")


def _answered_by(event: WebhookEvent, sid: str) -> str:
    """AnsweredBy from this callback, or from an earlier one of the same call (async AMD)."""
    answered = event.payload.get("form", {}).get("AnsweredBy") or ""
    if answered:
        return answered
    earlier = WebhookEvent.objects.filter(
        kind="voice.status", dedupe_key__startswith=f"voice-status:{sid}:"
    ).exclude(dedupe_key__endswith=":")
    for payload in earlier.values_list("payload", flat=True):
        found = payload.get("form", {}).get("AnsweredBy")
        if found:
            return found
    return ""


def call_outcome(call_status: str, answered_by: str) -> str | None:
    """What a call's end means for the contact caps and for segmentation. A completed call with
    no (or an unknown) answering-machine verdict counts as a conversation: the cautious reading
    for the caps. A call that rang at the borrower's phone is `unanswered` (segmentation reads
    that as the borrower not picking up). A call that never connected to the dialled number is
    `busy` (a busy signal) or `not_connected` (Twilio's `failed`: not in service, the network
    could not complete it): 12 CFR 1006.14(b)(3)(ii) leaves both out of the 7-in-7 count where
    the profile counts as the rule does. A call cancelled while it may have been ringing, or
    answered by a fax line, is `failed`: it connected or may have, and it counts."""
    if call_status == "completed":
        if answered_by.startswith("machine"):
            return Outcome.VOICEMAIL
        if answered_by == "fax":
            return Outcome.FAILED
        return Outcome.CONNECTED
    if call_status == "no-answer":
        return Outcome.UNANSWERED
    if call_status == "busy":
        return Outcome.BUSY
    if call_status == "failed":
        return Outcome.NOT_CONNECTED
    if call_status == "canceled":
        return Outcome.FAILED
    return None


def handle_voice_status(event: WebhookEvent) -> str:
    form = event.payload.get("form", {})
    sid = form.get("CallSid") or ""
    raw = (form.get("CallStatus") or "").lower()
    with transaction.atomic():
        if not raw:  # the asynchronous answering-machine verdict, after the call ended
            message = message_lock(message_id=_message(event, sid, "m").pk)
            if form.get("AnsweredBy", "").startswith("machine"):
                ledger(message, Outcome.VOICEMAIL, refine=(Outcome.CONNECTED,))
            return f"message {message.pk}: answered by {form.get('AnsweredBy')}"
        target = CALL_STATUS.get(raw)
        if target is None:
            raise Ignored(f"call status {raw!r} unknown")
        code = str(form.get("ErrorCode") or "")
        message, moved = advance(_message(event, sid, "m"), target, sid, event, code)
        outcome = call_outcome(raw, _answered_by(event, sid))
        if outcome is not None:
            # A machine verdict may refine a call first counted as a conversation.
            refine = (Outcome.CONNECTED,) if outcome == Outcome.VOICEMAIL else ()
            ledger(message, outcome, refine=refine)
        if moved and target in (Status.UNDELIVERED, Status.FAILED):
            delivery_failed(message, code)
    return f"message {message.pk}: {message.status}, call {raw}"
