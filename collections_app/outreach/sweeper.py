"""The sweeper re-drives messages stuck in `sending` by checking, never by resending blindly.

- Claimed but never started (the send task was lost): back to the queue, through the gate.
- Started, no outcome (the worker died mid-request): ask the provider whether it has the
  message. Found: it was sent, record it. Not found: it never arrived, queue it again.
  A provider that cannot be asked (SMTP): `unknown`, for a person to check.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from collections_app.channels import ChannelError, get_channel
from collections_app.models import DeliveryAttempt, OutboundMessage
from collections_app.outreach.results import SendOutcome, record_outcomes
from collections_app.outreach.sender import outgoing, requeue

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
    never_started = list(
        OutboundMessage.objects.filter(
            status=Status.SENDING,
            send_token="",
            claimed_at__lt=now - dt.timedelta(seconds=settings.OUTBOX_CLAIM_TTL),
        ).values_list("pk", flat=True)[:limit]
    )
    if never_started:
        with transaction.atomic():
            requeue(never_started, reason="send task lost; back through the gate")
        result.requeued = len(never_started)

    stuck = list(
        OutboundMessage.objects.filter(
            status=Status.SENDING,
            claimed_at__lt=now - dt.timedelta(seconds=settings.OUTBOX_SENDING_TIMEOUT),
        )
        .exclude(send_token="")
        .select_related("borrower")[:limit]
    )
    open_attempts = {
        a.message_id: a
        for a in DeliveryAttempt.objects.filter(message__in=stuck, finished_at__isnull=True)
    }
    outcomes: list[SendOutcome] = []
    for message in stuck:
        attempt = open_attempts.get(message.pk)
        started = attempt.started_at if attempt else message.claimed_at
        channel = get_channel(message.channel)
        if not channel.can_lookup:
            outcomes.append(
                SendOutcome(
                    message,
                    started,
                    error=ChannelError(
                        "worker died mid-send; provider cannot be asked", unknown=True
                    ),
                )
            )
            result.unknown += 1
            continue
        try:
            provider_id = channel.lookup(outgoing(message), since=started - LOOKUP_SLACK)
        except ChannelError as exc:
            logger.warning("lookup for message %s failed, will retry: %s", message.pk, exc)
            continue
        if provider_id:
            outcomes.append(SendOutcome(message, started, provider_id=provider_id))
            result.found_sent += 1
        else:
            # The provider never got it: a fresh attempt is safe (the gate decides again).
            outcomes.append(
                SendOutcome(message, started, error=ChannelError("not found at the provider"))
            )
            result.not_found += 1
    if outcomes:
        record_outcomes(outcomes)
    return result
