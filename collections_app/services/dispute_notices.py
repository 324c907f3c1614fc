"""The notices a dispute sends (the verification, the dispute response): queued in the outbox as
legally required messages and put through the gate at once. The dispute's own status is
services/disputes.py's; the message's is services/messages.py's. Nothing here writes either."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from collections_app.models import Dispute, OutboundMessage

# The templates of the notices (MessageTemplate keys, per channel and language).
VERIFICATION_KEY = "dispute-verification"
RESPONSE_KEY = "dispute-response"
DISPUTE_NOTICE_KEYS = frozenset({VERIFICATION_KEY, RESPONSE_KEY})
NOTICE_CHANNELS = ("email", "sms")
# A notice in one of these may still go out: a second one is not queued meanwhile.
IN_FLIGHT = (OutboundMessage.Status.QUEUED, OutboundMessage.Status.SENDING)


def notice_queue(
    dispute: Dispute, *, key: str, channel: str, actor: AbstractBaseUser | None
) -> OutboundMessage:
    """Queue notice `key` of the dispute on `channel` (ValidationError when it cannot go)."""
    from collections_app.outreach.outbox import outbox_enqueue
    from collections_app.outreach.rendering import find_template

    if channel not in NOTICE_CHANNELS:
        raise ValidationError({"channel": _("Send it by email or SMS.")})
    borrower = dispute.case.loan.borrower
    if not (borrower.email if channel == "email" else borrower.phone):
        raise ValidationError({"channel": _("The borrower has no address for this channel.")})
    if find_template(key, channel, borrower.preferred_language) is None:
        raise ValidationError(
            {"channel": _("No active %(key)s template for this channel.") % {"key": key}}
        )
    message, _created = outbox_enqueue(
        case=dispute.case,
        channel=channel,
        template_key=key,
        step=f"dispute:{dispute.pk}:{key}",
        scheduled_at=timezone.now(),
        actor=actor,
        # Each notice its own message: a second try after a refusal is a new one.
        key=f"dispute:{dispute.pk}:{key}:{timezone.now():%Y%m%d%H%M%S%f}",
        legally_required=True,
    )
    return message


def notice_dispatch_now(message: OutboundMessage) -> None:
    """Through the gate right away (as "Send now" does); allowed ones go to a send worker when
    the transaction commits. Refused or deferred ones stay on the message for the agent."""
    from collections_app.outreach.dispatch import dispatch_batch
    from collections_app.tasks import send_messages

    result = dispatch_batch(ids=[message.pk])
    if result.allowed:
        allowed = list(result.allowed)
        transaction.on_commit(lambda: send_messages.delay(allowed))
