"""What each kind of stored webhook means. `HANDLERS` maps kind -> handler (Saleor style).

A handler takes the stored event, changes what it means, and returns a short note for the row.
It raises `Ignored` for events that are fine to have but change nothing (an unknown SID); any
other exception is retried, up to WEBHOOK_MAX_ATTEMPTS.
"""

from __future__ import annotations

from collections.abc import Callable

from collections_app.models import WebhookEvent
from collections_app.webhooks.handlers.base import Ignored
from collections_app.webhooks.handlers.email import handle_email_event
from collections_app.webhooks.handlers.payments import handle_payment, handle_payment_other
from collections_app.webhooks.handlers.replies import handle_sms_inbound
from collections_app.webhooks.handlers.status import handle_sms_status, handle_voice_status
from collections_app.webhooks.handlers.voice import handle_voice_gather

Handler = Callable[[WebhookEvent], str]

HANDLERS: dict[str, Handler] = {
    "sms.status": handle_sms_status,
    "sms.inbound": handle_sms_inbound,
    "voice.status": handle_voice_status,
    "voice.gather": handle_voice_gather,
    "payment.received": handle_payment,
    "payment.other": handle_payment_other,
    "email.delivered": handle_email_event,
    "email.bounced": handle_email_event,
    "email.complained": handle_email_event,
    "email.unsubscribed": handle_email_event,
}

__all__ = ["HANDLERS", "Handler", "Ignored"]
