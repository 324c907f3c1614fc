"""The sweeper re-drives messages stuck in `sending` by checking, never by resending blindly.

- Claimed but never started (the send task was lost): back to the queue, through the gate.
- Started, no outcome (the worker died mid-request): ask the provider whether it has the
  message. Found: it was sent, record it. Not found: it never arrived, queue it again.
  A provider that cannot be asked (SMTP), or whose answer cannot settle it: `unknown`, for a
  person to check.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from collections_app import claims
from collections_app.channels import ChannelError, get_channel
from collections_app.models import DeliveryAttempt, OutboundMessage
from collections_app.outreach.results import SendOutcome, record_outcomes
from collections_app.outreach.sender import outgoing
from collections_app.services.messages import OUTBOX_CLAIMS, messages_take_over

logger = logging.getLogger(__name__)
Status = OutboundMessage.Status
# How far before the attempt started we look at the provider (clock skew between hosts).
LOOKUP_SLACK = dt.timedelta(minutes=2)


@dataclass
class SweepResult:
    requeued: int = 0
    found_sent: int = 0
    not_found: int = 0
    unknown: int = 0


def sweep_outbox(*, now: dt.datetime | None = None, limit: int = 500) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    result.requeued = len(
        claims.sweep(
            OUTBOX_CLAIMS, now=now, limit=limit, reason="send task lost; back through the gate"
        ).returned
    )

    # Started long enough ago that no request of that batch can still be in flight (the sender
    # starts none after its deadline): take each row over with a token of our own, so a worker
    # that is somehow still alive cannot write over what we decide.
    timeout = dt.timedelta(seconds=settings.OUTBOX_SENDING_TIMEOUT)
    started = dict(
        DeliveryAttempt.objects.filter(
            message__status=Status.SENDING,
            finished_at__isnull=True,
            started_at__lt=now - timeout,
        )
        .exclude(message__send_token="")
        .values_list("message_id", "started_at")[:limit]
    )
    stuck = messages_take_over(
        OutboundMessage.objects.filter(pk__in=started).select_related("borrower")
    )
    outcomes: list[SendOutcome] = []
    for message in stuck:
        since = started[message.pk]
        channel = get_channel(message.channel)
        if not channel.can_lookup:
            outcomes.append(
                SendOutcome(
                    message,
                    since,
                    error=ChannelError(
                        "worker died mid-send; provider cannot be asked", unknown=True
                    ),
                )
            )
            result.unknown += 1
            continue
        try:
            provider_id = channel.lookup(outgoing(message), since=since - LOOKUP_SLACK)
        except ChannelError as exc:
            if exc.unknown:
                # The provider's answer cannot settle it: a person decides, nothing is resent.
                outcomes.append(SendOutcome(message, since, error=exc))
                result.unknown += 1
            else:
                logger.warning("lookup for message %s failed, will retry: %s", message.pk, exc)
            continue
        if provider_id:
            outcomes.append(SendOutcome(message, since, provider_id=provider_id))
            result.found_sent += 1
        else:
            # The provider never got it: back through the gate at once (nothing was sent).
            outcomes.append(SendOutcome(message, since, not_started=True))
            result.not_found += 1
    if outcomes:
        record_outcomes(outcomes)
    return result
