"""Records as a lender would send them, read by the real parsers (lender/records.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from collections_app.lender.records import (
    parse_borrower,
    parse_loan,
    parse_payment,
    parse_reversal,
    parse_signal,
)

SOURCE = "api:acme-core"
# One moment for every record a test builds, so the same payment built twice is the same.
NOW = timezone.now()


def _parsed(parse, data: dict[str, Any]):
    record, problems = parse(data)
    assert problems == [], problems
    return record


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in {**base, **changes}.items() if v is not ...}


def borrower_record(**changes: Any):
    return _parsed(
        parse_borrower,
        _merge(
            {
                "external_id": "B-1",
                "name": "Ana Diaz",
                "jurisdiction": "US",
                "region": "NY",
                "time_zone": "America/New_York",
                "language": "en",
                "contact_points": [
                    {"kind": "phone", "address": "+12125550101", "type": "mobile"},
                    {"kind": "phone", "address": "+12125550102", "type": "home"},
                    {"kind": "email", "address": "ana@example.com"},
                ],
                "date_of_birth": "1990-04-02",
                "id_last_digits": "6789",
            },
            changes,
        ),
    )


def loan_record(**changes: Any):
    today = timezone.localdate()
    return _parsed(
        parse_loan,
        _merge(
            {
                "external_id": "L-1",
                "borrower_external_id": "B-1",
                "product": "cash-12m",
                "currency": "USD",
                "principal": "1200.00",
                "balance_principal": "1000.00",
                "balance_interest": "50.00",
                "balance_fees": "25.00",
                "balance_as_of": (today - dt.timedelta(days=1)).isoformat(),
                "status": "past_due",
                "amount_past_due": "300.00",
                "due_date": (today - dt.timedelta(days=20)).isoformat(),
                "days_past_due": 19,
            },
            changes,
        ),
    )


def current_loan(**changes: Any):
    return loan_record(
        **{
            "status": "current",
            "amount_past_due": "0",
            "due_date": "",
            "days_past_due": "",
            **changes,
        }
    )


def payment_record_(**changes: Any):
    return _parsed(
        parse_payment,
        _merge(
            {
                "external_id": "P-1",
                "loan_external_id": "L-1",
                "amount": "100.00",
                "currency": "USD",
                "received_at": NOW.isoformat(),
            },
            changes,
        ),
    )


def reversal_record(**changes: Any):
    return _parsed(
        parse_reversal,
        _merge(
            {
                "payment_external_id": "P-1",
                "reason": "nsf",
                "reversed_at": (NOW + dt.timedelta(seconds=1)).isoformat(),
            },
            changes,
        ),
    )


def signal_record_(**changes: Any):
    return _parsed(
        parse_signal,
        _merge(
            {
                "borrower_external_id": "B-1",
                "kind": "bureau_other_loans_current",
                "value": True,
                "observed_at": "2026-03-01T00:00:00Z",
                "source": "bureau refresh",
            },
            changes,
        ),
    )
