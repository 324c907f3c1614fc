"""The lender's payment events: recorded once; lender data errors are 422; bad bodies 400."""

import json
from decimal import Decimal

import pytest

from collections_app.models import OutboundMessage, Payment, WebhookEvent
from collections_app.states import CaseState
from tests.factories import CaseFactory
from tests.webhooks.conftest import payment_body, post_payment, process_all, sent_message

pytestmark = pytest.mark.django_db


def test_payment_is_recorded_once_and_resolves_a_case_paid_in_full(client) -> None:
    case = CaseFactory(amount_overdue=Decimal("300.00"))
    queued = sent_message(case, status="queued")
    body = payment_body("PAY-1", case.loan.external_id, amount="300.00")

    first = post_payment(client, body)
    second = post_payment(client, body)  # the lender retries
    process_all()

    assert first.json() == {"status": "accepted"}
    assert second.json() == {"status": "duplicate"}
    payment = Payment.objects.get()
    assert (payment.external_id, payment.amount) == ("PAY-1", Decimal("300.00"))
    case.refresh_from_db()
    case.loan.refresh_from_db()
    assert case.state == CaseState.RESOLVED
    assert case.loan.outstanding_balance == Decimal("900.00")
    assert OutboundMessage.objects.get(pk=queued.pk).status == "cancelled"


def test_amount_as_json_number_is_read_exactly(client) -> None:
    case = CaseFactory()
    body = json.dumps(
        {
            "type": "payment.received",
            "payment_id": "P2",
            "loan_id": case.loan.external_id,
            "amount": 100.1,
            "currency": "USD",
            "received_at": "2026-11-29T09:30:00Z",
        }
    ).encode()
    assert post_payment(client, body).status_code == 200
    process_all()
    assert Payment.objects.get().amount == Decimal("100.10")


def test_unknown_loan_is_the_lenders_error_422_and_nothing_stored(client) -> None:
    response = post_payment(client, payment_body("P3", "NO-SUCH-LOAN"))
    assert response.status_code == 422
    assert not WebhookEvent.objects.exists()


def test_currency_other_than_the_loans_is_422(client) -> None:
    case = CaseFactory()
    response = post_payment(client, payment_body("P4", case.loan.external_id, currency="CNY"))
    assert response.status_code == 422
    assert not WebhookEvent.objects.exists()


def test_unknown_event_type_is_stored_and_answered_200(client) -> None:
    body = json.dumps({"type": "refund.created", "id": "EV-9", "amount": "3"}).encode()
    response = post_payment(client, body)
    assert response.status_code == 200
    process_all()
    event = WebhookEvent.objects.get()
    assert event.kind == "payment.other" and "not handled" in event.error
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"amount": "-5.00"},
        {"amount": "0"},
        {"amount": "1.005"},
        {"amount": "NaN"},
        {"amount": "Infinity"},
        {"amount": "1e400"},
        {"amount": True},
        {"amount": None},
        {"amount": ["1"]},
        {"currency": "usd"},
        {"currency": "DOLLARS"},
        {"payment_id": ""},
        {"payment_id": 12},
        {"payment_id": "x" * 65},
        {"loan_id": None},
        {"received_at": "yesterday"},
        {"received_at": "2026-11-29T09:30:00"},
        {"received_at": "2026-13-45T09:30:00Z"},
        {"type": None},
    ],
)
def test_malformed_payment_is_400_and_changes_nothing(client, change) -> None:
    case = CaseFactory()
    data = json.loads(payment_body("P5", case.loan.external_id))
    data.update(change)
    response = post_payment(client, json.dumps(data).encode())
    assert response.status_code == 400, response.content
    assert not WebhookEvent.objects.exists() and not Payment.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[]",
        b'"x"',
        b"{",
        b"\xff\xfe",
        b"[" * 5000,
        b'{"type": "payment.received", "payment_id": "\\u0000"}',
        b'{"type": "x.y", "id": "E1", "note": "\\ud800"}',
        b'{"type": "x.y", "id": "E1", "note": "\\u0000"}',
    ],
)
def test_body_that_is_not_a_json_object_is_400(client, body) -> None:
    assert post_payment(client, body).status_code == 400
    assert not WebhookEvent.objects.exists()
