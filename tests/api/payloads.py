"""Bodies a lender would send, valid unless a test changes them."""

from __future__ import annotations

import datetime as dt

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
TODAY = NOW.date()


def borrower(external_id: str = "B-1", **changes) -> dict:
    body = {
        "external_id": external_id,
        "name": "Dana Known",
        "jurisdiction": "US",
        "region": "CA",
        "time_zone": "America/Los_Angeles",
        "language": "en",
        "contact_points": [
            {"kind": "phone", "address": "+14155550187", "type": "mobile", "source": "application",
             "consent": "prior_express_consent", "consent_at": "2025-06-01T10:00:00+00:00",
             "primary": True},
            {"kind": "phone", "address": "(415) 555-0142", "type": "work"},
            {"kind": "email", "address": "Dana.Known@Example.org", "type": "home"},
        ],
        "date_of_birth": "1985-04-12",
        "id_last_digits": "0123",
    }  # fmt: skip
    body.update(changes)
    return body


def loan(external_id: str = "L-1", borrower_id: str = "B-1", **changes) -> dict:
    body = {
        "external_id": external_id,
        "borrower_external_id": borrower_id,
        "product": "cash-12m",
        "currency": "USD",
        "principal": "1200.00",
        "balance_principal": "1000.00",
        "balance_interest": "35.10",
        "balance_fees": "15.00",
        "balance_as_of": TODAY.isoformat(),
        "status": "past_due",
        "amount_past_due": "300.00",
        "due_date": (TODAY - dt.timedelta(days=20)).isoformat(),
        "days_past_due": 20,
        "origination_date": (TODAY - dt.timedelta(days=200)).isoformat(),
        "origination_state": "CA",
    }
    body.update(changes)
    return body


def payment(external_id: str = "P-1", loan_id: str = "L-1", **changes) -> dict:
    body = {
        "external_id": external_id,
        "loan_external_id": loan_id,
        "amount": "100.00",
        "currency": "USD",
        "received_at": (NOW - dt.timedelta(hours=1)).isoformat(),
    }
    body.update(changes)
    return body


def signal(**changes) -> dict:
    body = {
        "borrower_external_id": "B-1",
        "loan_external_id": "L-1",
        "kind": "bureau_other_loans_current",
        "value": {"count": 3, "share": 0.75},
        "observed_at": (NOW - dt.timedelta(days=1)).isoformat(),
        "source": "bureau-x",
    }
    body.update(changes)
    return body
