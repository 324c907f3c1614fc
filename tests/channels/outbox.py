"""Outbox rows for channel and web tests (the outbox's own factories live with the outbox)."""

from __future__ import annotations

import itertools

from django.utils import timezone

from collections_app.models import CollectionCase, OutboundMessage

_keys = itertools.count(1)


def outbox_message(case: CollectionCase, channel: str, **fields: object) -> OutboundMessage:
    borrower = case.loan.borrower
    defaults = {
        "case": case,
        "borrower": borrower,
        "channel": channel,
        "template_key": "reminder-day0",
        "step": f"reminder:0:{channel}",
        "scheduled_at": timezone.now(),
        "idempotency_key": f"test-{channel}-{next(_keys)}",
        "to_address": borrower.email if channel == "email" else borrower.phone,
    }
    return OutboundMessage.objects.create(**{**defaults, **fields})
