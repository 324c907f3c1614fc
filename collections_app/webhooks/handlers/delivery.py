"""What a provider's delivery report does, for every channel (SMS, calls, email): the message
moves forward through the lifecycle, the ledger learns the outcome, a failure is on the case's
timeline and says what it means about the address. Each step is a service's."""

from __future__ import annotations

from collections_app.models import CaseEvent, OutboundMessage, WebhookEvent
from collections_app.outreach.gate import gate_record_outcome
from collections_app.phrases import choice_label, phrase
from collections_app.services.contact_points import address_failure_record
from collections_app.services.events import case_event_record
from collections_app.services.messages import message_advance


def advance(
    message: OutboundMessage, target: str, sid: str, event: WebhookEvent, code: str = ""
) -> tuple[OutboundMessage, bool]:
    """Move the message to `target` if that is further on; (message as locked, moved)."""
    # Applied at once even while the sender has not written its result yet: the sender then
    # moves only a `sending` row on and never undoes a callback (services/messages.py).
    return message_advance(
        message_id=message.pk, target=target, provider_id=sid, at=event.received_at, error_code=code
    )


def ledger(message: OutboundMessage, outcome: str, refine: tuple[str, ...] = ()) -> None:
    gate_record_outcome(message=message, outcome=outcome, refine=refine)


def delivery_failed(message: OutboundMessage, code: str) -> None:
    status = choice_label(message, "status")
    case_event_record(
        case=message.case,
        kind=CaseEvent.Kind.CONTACT,
        reason=phrase(
            "%(channel)s %(template)s: %(text)s",
            channel=choice_label(message, "channel"),
            template=message.template_key,
            text=phrase("%(status)s (error %(code)s)", status=status, code=code)
            if code
            else status,
        ),
        data={"message": message.pk, "error_code": code},
    )
    address_failure_record(message, code, f"{message.provider or 'provider'} error {code}")
