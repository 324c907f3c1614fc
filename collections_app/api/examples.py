"""Example bodies for the OpenAPI document: what Swagger UI's "Try it out" starts from, and
what schemathesis sends first. Each is valid as written."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample

BORROWER = {
    "external_id": "B-1",
    "name": "Dana Known",
    "jurisdiction": "US",
    "region": "CA",
    "time_zone": "America/Los_Angeles",
    "language": "en",
    "contact_points": [
        {
            "kind": "phone",
            "address": "+14155550187",
            "type": "mobile",
            "source": "application",
            "consent": "prior_express_consent",
            "consent_at": "2025-06-01T10:00:00+00:00",
            "primary": True,
        },
        {"kind": "email", "address": "dana@example.org", "type": "home"},
    ],
    "date_of_birth": "1985-04-12",
    "id_last_digits": "0123",
}

LOAN = {
    "external_id": "L-1",
    "borrower_external_id": "B-1",
    "product": "cash-12m",
    "currency": "USD",
    "principal": "1200.00",
    "balance_principal": "1000.00",
    "balance_interest": "35.10",
    "balance_fees": "15.00",
    "balance_as_of": "2026-03-01",
    "status": "past_due",
    "amount_past_due": "300.00",
    "due_date": "2026-02-10",
    "days_past_due": 19,
    "origination_date": "2025-09-01",
    "origination_state": "CA",
}

PAYMENT = {
    "external_id": "P-2",
    "loan_external_id": "L-1",
    "amount": "120.00",
    "currency": "USD",
    "received_at": "2026-03-01T14:30:00+00:00",
}

REVERSAL = {"reason": "nsf", "reversed_at": "2026-03-02T09:00:00+00:00", "note": "R01"}

SIGNAL = {
    "borrower_external_id": "B-1",
    "loan_external_id": "L-1",
    "kind": "bureau_other_loans_current",
    "value": {"count": 3},
    "observed_at": "2026-03-01T08:00:00+00:00",
    "source": "bureau refresh",
}


def request(name: str, value: object) -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=True)


def path_id(value: str) -> OpenApiExample:
    return OpenApiExample(value, value=value)
