"""Email events arrive through django-anymail's tracking webhooks (one URL per provider under
/webhooks/anymail/). Anymail checks the provider's signature or basic auth and sends the
`tracking` signal; we store the normalized event like every other webhook, and a worker
processes it."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from anymail.signals import AnymailTrackingEvent, tracking
from django.dispatch import receiver

from collections_app.webhooks.intake import webhook_store

logger = logging.getLogger(__name__)

HANDLED = {"delivered", "bounced", "complained", "unsubscribed"}


def _text(value: object, limit: int = 1000) -> str:
    """Provider text as PostgreSQL can store it (no NUL, no lone surrogates)."""
    text = str(value or "").encode("utf-8", "replace").decode().replace("\x00", "")
    return text[:limit]


def _dedupe_key(event: AnymailTrackingEvent, esp_name: str) -> str:
    if event.event_id:
        return f"email:{esp_name}:{_text(event.event_id, 150)}"
    # Some providers send no event id: the message, the event and the recipient identify it.
    ident = f"{_text(event.message_id)}|{event.event_type}|{_text(event.recipient)}"
    return f"email:{esp_name}:{hashlib.sha256(ident.encode()).hexdigest()}"


@receiver(tracking, dispatch_uid="collections_app.webhooks.email.store_tracking_event")
def store_tracking_event(
    sender: Any, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any
) -> None:
    if event.event_type not in HANDLED:
        logger.debug("anymail %s: %s ignored", esp_name, event.event_type)
        return
    payload = {
        "event_type": event.event_type,
        "message_id": _text(event.message_id),
        "recipient": _text(event.recipient),
        "reject_reason": _text(event.reject_reason),
        "description": _text(event.description),
        "mta_response": _text(event.mta_response),
        "metadata": {_text(k, 100): _text(v) for k, v in (event.metadata or {}).items()},
        "timestamp": event.timestamp.isoformat() if event.timestamp else "",
    }
    webhook_store(
        provider=f"anymail:{esp_name}"[:40],
        kind=f"email.{event.event_type}",
        dedupe_key=_dedupe_key(event, esp_name),
        payload=payload,
    )
