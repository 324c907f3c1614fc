"""The lender's payment events."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.core.exceptions import ValidationError

from collections_app.models import Loan, WebhookEvent
from collections_app.services.payments import payment_record
from collections_app.webhooks.handlers.base import Ignored

logger = logging.getLogger(__name__)


def handle_payment(event: WebhookEvent) -> str:
    data = event.payload
    loan = Loan.objects.filter(external_id=data["loan_id"]).first()
    if loan is None:  # checked when the request came in; deleted since
        raise Ignored(f"unknown loan {data['loan_id']}")
    try:
        payment, created = payment_record(
            loan=loan,
            external_id=data["payment_id"],
            amount=Decimal(data["amount"]),
            currency=data["currency"],
            received_at=dt.datetime.fromisoformat(data["received_at"]),
            source="webhook:payments",
        )
    except ValidationError as exc:
        raise Ignored("; ".join(exc.messages)) from exc
    return f"payment {payment.pk}" + (" recorded" if created else " already recorded")


def handle_payment_other(event: WebhookEvent) -> str:
    logger.info("payments webhook: unhandled type %s", event.payload.get("type"))
    raise Ignored(f"event type {event.payload.get('type')!r} not handled")
