"""Email events from the provider (through django-anymail): delivered, bounced, complained,
unsubscribed."""

from __future__ import annotations

from django.db import transaction

from collections_app.models import (
    Borrower,
    ChannelConsent,
    ContactAttempt,
    OutboundMessage,
    WebhookEvent,
)
from collections_app.services.consents import consent_opt_out
from collections_app.services.contact_points import contact_point_unusable_record
from collections_app.webhooks.handlers.base import Ignored
from collections_app.webhooks.handlers.delivery import advance, delivery_failed, ledger

Status = OutboundMessage.Status


def _message(payload: dict) -> OutboundMessage | None:
    ref = str((payload.get("metadata") or {}).get("m") or "")
    if ref.isdigit():
        found = OutboundMessage.objects.filter(pk=int(ref), channel="email").first()
        if found is not None:
            return found
    message_id = payload.get("message_id") or ""
    if not message_id:
        return None
    return OutboundMessage.objects.filter(channel="email", provider_id=message_id).first()


def handle_email_event(event: WebhookEvent) -> str:
    payload = event.payload
    kind = payload.get("event_type")
    recipient = (payload.get("recipient") or "").strip()
    message = _message(payload)
    borrower = message.borrower if message else None
    if borrower is None and recipient:
        borrower = Borrower.objects.filter(email__iexact=recipient).order_by("-pk").first()
    if borrower is None:
        raise Ignored(f"no message or borrower for {kind} to {recipient or '-'}")
    with transaction.atomic():
        if kind == "delivered" and message is not None:
            message, moved = advance(message, Status.DELIVERED, "", event)
            if moved:
                ledger(message, ContactAttempt.Outcome.DELIVERED)
        elif kind == "bounced":
            # Anymail's "bounced" is a permanent rejection by the receiving server (a soft one
            # is "deferred"): the address must not be used again.
            contact_point_unusable_record(
                borrower_id=borrower.pk,
                channel="email",
                address=recipient or (message.to_address if message else ""),
                code="bounce",
                reason=payload.get("mta_response") or payload.get("description") or "",
            )
            if message is not None:
                message, moved = advance(message, Status.UNDELIVERED, "", event, "bounce")
                if moved:
                    ledger(message, ContactAttempt.Outcome.FAILED)
                    delivery_failed(message, "bounce")
        elif kind in ("complained", "unsubscribed"):
            consent_opt_out(
                borrower=borrower,
                channel="email",
                source=ChannelConsent.Source.PROVIDER,
                requested_at=event.received_at,
                note=f"email {kind}",
            )
    return f"borrower {borrower.pk}: email {kind}"
