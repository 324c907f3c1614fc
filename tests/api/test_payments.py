"""Payments (one, or in bulk), idempotent by external id; a reversal reopens the amount and
breaks the promise the payment had kept."""

from decimal import Decimal

import pytest
from django.utils import timezone

from collections_app.models import (
    CaseEvent,
    CollectionCase,
    Payment,
    PaymentReversal,
    PromiseToPay,
)
from collections_app.services.payments import promise_create
from tests.api import payloads
from tests.api.conftest import assert_problem

PAYMENTS = "/api/v1/payments/"
BULK = "/api/v1/payments/bulk"


@pytest.fixture
def case(api) -> CollectionCase:
    assert api.put("/api/v1/borrowers/B-1", payloads.borrower()).status_code == 201
    assert api.put("/api/v1/loans/L-1", payloads.loan()).status_code == 201
    return CollectionCase.objects.get(loan__external_id="L-1")


def test_a_payment_is_recorded_once_however_often_it_is_sent(api, case) -> None:
    first = api.post(PAYMENTS, payloads.payment())
    assert first.status_code == 201, first.content
    assert first.json()["payment"]["case_id"] == case.pk
    again = api.post(PAYMENTS, payloads.payment())
    assert (again.status_code, again.json()["status"]) == (200, "unchanged")
    assert Payment.objects.count() == 1
    case.refresh_from_db()
    assert case.amount_overdue == Decimal("200.00")
    (event,) = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.PAYMENT)
    assert event.data["source"] == "api:core-banking"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"amount": "0"}, "amount"),
        ({"received_at": "2026-03-01T14:30:00"}, "received_at"),  # no offset
        ({"currency": "usd!"}, "currency"),
        ({"loan_external_id": "L-404"}, "loan_external_id"),
    ],
)
def test_an_invalid_payment_is_a_422(api, case, change, path) -> None:
    assert_problem(api.post(PAYMENTS, payloads.payment(**change)), 422, path)
    assert not Payment.objects.exists()


def test_a_payment_in_another_currency_than_the_loans_is_a_422(api, case) -> None:
    assert_problem(api.post(PAYMENTS, payloads.payment(currency="EUR")), 422)
    assert not Payment.objects.exists()


def test_a_read_key_may_not_post_payments(reader, case) -> None:
    assert_problem(reader.post(PAYMENTS, payloads.payment()), 403)
    assert_problem(reader.post(BULK, {"payments": [payloads.payment()]}), 403)
    assert_problem(reader.post("/api/v1/payments/P-1/reversal", {}), 403)


def test_bulk_payments_apply_the_valid_ones(api, case) -> None:
    rows = [
        payloads.payment("P-1"),
        payloads.payment("P-2", loan_id="L-404"),
        payloads.payment("P-3", amount="abc"),
        payloads.payment("P-4", amount="50.00"),
    ]
    body = api.post(BULK, {"payments": rows}).json()
    assert [r["status"] for r in body["results"]] == ["created", "rejected", "rejected", "created"]
    assert body["results"][2]["errors"][0]["path"] == "amount"
    assert set(Payment.objects.values_list("external_id", flat=True)) == {"P-1", "P-4"}
    case.refresh_from_db()
    assert case.amount_overdue == Decimal("150.00")


def test_a_reversal_reopens_the_amount_and_breaks_the_promise_it_kept(api, case) -> None:
    promise = promise_create(case=case, amount=Decimal("100.00"), due_date=timezone.localdate())
    paid = payloads.payment(amount="100.00", received_at=timezone.now().isoformat())
    api.post(PAYMENTS, paid)
    promise.refresh_from_db()
    assert promise.status == PromiseToPay.Status.KEPT
    body = {"reason": "nsf", "reversed_at": timezone.now().isoformat(), "note": "returned R01"}
    response = api.post("/api/v1/payments/P-1/reversal", body)
    assert response.status_code == 201, response.content
    assert response.json()["payment"]["reversal"]["reason"] == "nsf"
    assert PaymentReversal.objects.get().source == "api:core-banking"
    case.refresh_from_db()
    promise.refresh_from_db()
    assert case.amount_overdue == Decimal("300.00")
    # Due today: no longer kept, open again until its deadline (then kept or broken).
    assert promise.status == PromiseToPay.Status.ACTIVE and promise.amount_paid == 0
    timeline = [e["text"] for e in api.get(f"/api/v1/cases/{case.pk}").json()["timeline"]]
    assert any("P-1 reversed" in text and "no longer kept" in text for text in timeline), timeline
    again = api.post("/api/v1/payments/P-1/reversal", body)
    assert (again.status_code, again.json()["status"]) == (200, "unchanged")


def test_reversing_a_payment_we_do_not_hold_is_a_422(api, case) -> None:
    body = {"reason": "chargeback", "reversed_at": timezone.now().isoformat()}
    assert_problem(api.post("/api/v1/payments/P-404/reversal", body), 422)


def test_an_invalid_reversal_is_a_422(api, case) -> None:
    api.post(PAYMENTS, payloads.payment())
    body = {"reason": "changed-my-mind", "reversed_at": "soon"}
    assert_problem(api.post("/api/v1/payments/P-1/reversal", body), 422, "reason", "reversed_at")


def test_the_same_payment_id_with_other_data_is_a_422_and_never_applied_twice(api, case) -> None:
    api.post(PAYMENTS, payloads.payment())
    assert_problem(api.post(PAYMENTS, payloads.payment(amount="150.00")), 422, "amount")
    case.refresh_from_db()
    assert case.amount_overdue == Decimal("200.00") and Payment.objects.count() == 1
