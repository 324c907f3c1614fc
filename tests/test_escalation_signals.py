"""The nightly run's signals read from the database: what the window counts, and what it must
not forget (a reply long ago, an address a provider refused)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from collections_app.models import (
    BadContactPoint,
    CaseEvent,
    ContactAttempt,
    Payment,
    PromiseToPay,
)
from collections_app.services.escalation_signals import batch_signals, case_signals
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
WINDOW_START = NOW - dt.timedelta(days=30)


def signals_of(case):
    batch = batch_signals(id_range=(case.pk, case.pk), since=WINDOW_START)
    row = {
        "id": case.pk,
        "loan__borrower_id": case.loan.borrower_id,
        "overdue_since": case.overdue_since,
        "amount_overdue": case.amount_overdue,
        "loan__lender_data": {},
        "loan__borrower__phone": case.loan.borrower.phone,
        "loan__borrower__email": case.loan.borrower.email,
    }
    signals, _stage = case_signals(
        row=row, batch=batch, today=timezone.localdate(), stage_entered=NOW
    )
    return signals


def delivered(case, n: int, days_ago: int = 2) -> None:
    for i in range(n):
        ContactAttempt.objects.create(
            borrower=case.loan.borrower,
            case=case,
            channel="sms",
            address=case.loan.borrower.phone,
            occurred_at=NOW - dt.timedelta(days=days_ago, minutes=i),
            outcome=ContactAttempt.Outcome.DELIVERED,
        )


def reply(case, days_ago: int) -> None:
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.REPLY, created_at=NOW - dt.timedelta(days=days_ago)
    )


def promise(case, status: str, days_ago: int = 5) -> None:
    PromiseToPay.objects.create(
        case=case,
        amount=Decimal("50"),
        due_date=timezone.localdate(),
        status=status,
        created_at=NOW - dt.timedelta(days=days_ago),
        resolved_at=None if status == PromiseToPay.Status.ACTIVE else NOW,
    )


def test_delivered_contacts_without_any_engagement_are_unanswered() -> None:
    case = CaseFactory()
    delivered(case, 4)
    s = signals_of(case)
    assert (s.delivered_contacts, s.delivered_unanswered, s.replied_ever) == (4, 4, 0)


def test_a_reply_before_the_window_is_remembered_but_does_not_answer_recent_contacts() -> None:
    case = CaseFactory()
    reply(case, days_ago=45)
    delivered(case, 4)
    s = signals_of(case)
    assert (s.replies, s.replied_ever, s.delivered_unanswered) == (0, 1, 4)


@pytest.mark.parametrize(
    ("engage", "unanswered"),
    [
        (lambda case: reply(case, days_ago=3), 0),
        (lambda case: promise(case, PromiseToPay.Status.ACTIVE), 0),
        (lambda case: promise(case, PromiseToPay.Status.KEPT), 0),
        # Promised on the phone and never paid: no engagement at all.
        (lambda case: promise(case, PromiseToPay.Status.BROKEN), 4),
        # Before the window: the recent contacts went unanswered.
        (lambda case: promise(case, PromiseToPay.Status.ACTIVE, days_ago=40), 4),
    ],
    ids=["reply", "active promise", "kept promise", "broken promise", "old promise"],
)
def test_engagement_in_the_window_means_the_contacts_were_not_ignored(engage, unanswered) -> None:
    case = CaseFactory()
    delivered(case, 4)
    engage(case)
    assert signals_of(case).delivered_unanswered == unanswered


def test_a_payment_in_the_window_is_engagement() -> None:
    case = CaseFactory()
    delivered(case, 4)
    Payment.objects.create(
        external_id="P-sig-1",
        loan=case.loan,
        case=case,
        amount=Decimal("10"),
        currency=case.loan.currency,
        received_at=NOW - dt.timedelta(days=1),
    )
    assert signals_of(case).delivered_unanswered == 0


def test_a_payment_the_lender_reversed_is_no_engagement_and_no_partial_payment() -> None:
    from collections_app.models import PaymentReversal

    case = CaseFactory()
    delivered(case, 4)
    payment = Payment.objects.create(
        external_id="P-sig-2",
        loan=case.loan,
        case=case,
        amount=Decimal("10"),
        currency=case.loan.currency,
        received_at=NOW - dt.timedelta(days=2),
    )
    PaymentReversal.objects.create(payment=payment, reason="nsf", reversed_at=NOW)
    signals = signals_of(case)
    assert (signals.partial_payments, signals.delivered_unanswered) == (0, 4)


def test_an_address_a_provider_refused_is_remembered_whenever_it_was() -> None:
    case = CaseFactory()
    assert signals_of(case).bad_contact_point == 0
    BadContactPoint.objects.create(
        borrower=case.loan.borrower,
        channel="sms",
        address=case.loan.borrower.phone,
        code="30006",
        recorded_at=NOW - dt.timedelta(days=50),
    )
    assert signals_of(case).bad_contact_point == 1


def test_a_refused_number_the_borrower_has_since_replaced_does_not_count() -> None:
    case = CaseFactory()
    borrower = case.loan.borrower
    BadContactPoint.objects.create(
        borrower=borrower, channel="sms", address=borrower.phone, code="21211"
    )
    borrower.phone = "+14155550177"
    borrower.save(update_fields=["phone"])
    case.loan.borrower = borrower
    assert signals_of(case).bad_contact_point == 0


@pytest.mark.parametrize(
    ("outcome", "delivered_contacts", "failed_contacts"),
    [
        # Told apart for the call caps, read as before for segmentation: a busy line with the
        # unanswered calls, a number not in service with the failed contacts.
        (ContactAttempt.Outcome.UNANSWERED, 1, 0),
        (ContactAttempt.Outcome.BUSY, 1, 0),
        (ContactAttempt.Outcome.NOT_CONNECTED, 0, 1),
        (ContactAttempt.Outcome.FAILED, 0, 1),
    ],
)
def test_calls_that_never_connected_read_as_before(
    outcome, delivered_contacts, failed_contacts
) -> None:
    case = CaseFactory()
    ContactAttempt.objects.create(
        borrower=case.loan.borrower,
        case=case,
        channel="voice",
        address=case.loan.borrower.phone,
        occurred_at=NOW - dt.timedelta(days=2),
        outcome=outcome,
    )
    s = signals_of(case)
    assert (s.delivered_contacts, s.failed_contacts) == (delivered_contacts, failed_contacts)
