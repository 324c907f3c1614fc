"""schemathesis against the live schema (/api/schema/), every operation, through Django's WSGI
application in this process (same database transaction as the test): no answer is a 5xx, and
every answer (status, content type, headers, body) is one the schema declares.

Deterministic: derandomized with a bounded number of examples per operation, no example
database; the data it finds (a borrower, a loan and its case, a payment) is built per test, so
the schema's own examples (sent first) succeed and their answers are checked too."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from collections_app.api import examples
from collections_app.api.input import parsed
from collections_app.lender import records
from collections_app.services import lender
from tests.api.conftest import make_key

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


# Generated from the live view at collection (the schema needs no database), so each operation
# is a test of its own.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


def _lender_world() -> None:
    """B-1 with the past-due loan L-1 (so a case) and its payment P-1, reported before the
    schema's examples are dated: the examples' writes succeed and their answers are checked."""
    source = "api:schemathesis"
    borrower = {**examples.BORROWER}
    lender.borrower_upsert(record=parsed(records.parse_borrower, borrower), source=source)
    loan = {**examples.LOAN, "balance_as_of": "2026-02-20", "days_past_due": 10}
    lender.loan_upsert(record=parsed(records.parse_loan, loan), source=source)
    payment = {**examples.PAYMENT, "external_id": "P-1", "received_at": "2026-02-21T10:00:00Z"}
    lender.payment_post(record=parsed(records.parse_payment, payment), source=source)


@pytest.fixture
def world(db) -> str:
    """What the operations can find, and a write key to call them with."""
    _lender_world()
    # As Django's test client does: a request ending must not close the test's connection
    # (its transaction holds the test's data).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield make_key("write")
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_its_schema_says(case, world) -> None:
    case.call_and_validate(headers={"Authorization": f"Api-Key {world}"}, checks=CHECKS)
