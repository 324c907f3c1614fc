"""Build many cases with an SMS due now, fast (bulk inserts), for the kill test and the dispatch
benchmark. Borrowers live in a zone where it is daytime now, so the gate lets them through."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from collections_app.models import Borrower, CollectionCase, Loan, OutboundMessage

ZONES = (
    "America/New_York",
    "Europe/London",
    "Asia/Shanghai",
    "Pacific/Auckland",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Pacific/Honolulu",
    "Asia/Dubai",
)


def daytime_zone(earliest: dt.time = dt.time(9), latest: dt.time = dt.time(19)) -> str:
    """A zone whose local time is now between `earliest` and `latest` (well inside 08-21)."""
    now = timezone.now()
    return next(z for z in ZONES if earliest <= now.astimezone(ZoneInfo(z)).time() < latest)


def queue_due_sms(n: int, *, prefix: str, phone_base: int) -> list[CollectionCase]:
    """`n` US borrowers, loans and open cases, each with one reminder SMS due now."""
    zone = daytime_zone()
    today = timezone.localdate()
    borrowers = Borrower.objects.bulk_create(
        Borrower(
            external_id=f"{prefix}B{i}",
            name=f"{prefix} {i}",
            phone=f"+1415{phone_base + i:07d}",
            email=f"{prefix.lower()}{i}@example.com",
            time_zone=zone,
            jurisdiction="US",
            region="CA",  # a state with a statute-of-limitations rule (a 415 number)
        )
        for i in range(n)
    )
    loans = Loan.objects.bulk_create(
        Loan(
            external_id=f"{prefix}L{i}",
            borrower=b,
            currency="USD",
            principal=1000,
            balance_principal=1000,
            outstanding_balance=1000,
            due_date=today - dt.timedelta(days=5),
        )
        for i, b in enumerate(borrowers)
    )
    cases = CollectionCase.objects.bulk_create(
        CollectionCase(loan=loan, amount_overdue=250, overdue_since=loan.due_date) for loan in loans
    )
    now = timezone.now()
    OutboundMessage.objects.bulk_create(
        OutboundMessage(
            case=c,
            borrower_id=c.loan.borrower_id,
            channel="sms",
            template_key="reminder-notice",
            step=prefix.lower(),
            scheduled_at=now,
            idempotency_key=f"{prefix}:{c.pk}",
        )
        for c in cases
    )
    return cases
