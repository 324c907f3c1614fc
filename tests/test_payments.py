import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from collections_app.models import (
    CaseEvent,
    Payment,
    PlanInstallment,
    PromiseAllocation,
    PromiseToPay,
)
from collections_app.services.payments import payment_record, plan_create, promise_create
from collections_app.states import CaseState

TODAY = dt.date(2026, 11, 29)


def pay(case, amount: str, external_id: str = "P-1", received_at=None):
    return payment_record(
        loan=case.loan,
        external_id=external_id,
        amount=Decimal(amount),
        currency=case.loan.currency,
        received_at=received_at or timezone.now(),
    )


@pytest.mark.django_db
def test_a_payment_is_recorded_once_however_often_it_is_sent(case) -> None:
    first, created_first = pay(case, "100.00")
    again, created_again = pay(case, "100.00")

    assert (created_first, created_again) == (True, False)
    assert first.pk == again.pk
    assert Payment.objects.count() == 1
    case.refresh_from_db()
    case.loan.refresh_from_db()
    assert case.amount_overdue == Decimal("200.00")
    assert case.loan.outstanding_balance == Decimal("1100.00")
    assert case.events.filter(kind=CaseEvent.Kind.PAYMENT).count() == 1


@pytest.mark.django_db
def test_paying_everything_overdue_resolves_the_case(case) -> None:
    pay(case, "300.00")
    case.refresh_from_db()
    assert case.state == CaseState.RESOLVED
    assert case.close_reason == "paid"
    assert case.events.filter(kind=CaseEvent.Kind.TRANSITION, to_state="resolved").count() == 1


@pytest.mark.django_db
def test_payment_in_another_currency_is_refused_and_changes_nothing(case) -> None:
    with pytest.raises(ValidationError, match="currency"):
        payment_record(
            loan=case.loan,
            external_id="P-EUR",
            amount=Decimal("10"),
            currency="EUR",
            received_at=timezone.now(),
        )
    assert not Payment.objects.exists()
    case.refresh_from_db()
    assert case.amount_overdue == Decimal("300.00")


@pytest.mark.django_db
def test_a_promise_moves_the_case_to_negotiation_and_is_kept_when_covered(case, agent) -> None:
    promise = promise_create(
        case=case, amount=Decimal("150.00"), due_date=TODAY, actor=agent, today=TODAY
    )
    case.refresh_from_db()
    assert case.state == CaseState.NEGOTIATION

    pay(case, "100.00", "P-a")
    promise.refresh_from_db()
    assert promise.status == PromiseToPay.Status.ACTIVE
    pay(case, "50.00", "P-b")
    promise.refresh_from_db()
    assert promise.status == PromiseToPay.Status.KEPT
    assert promise.amount_paid == Decimal("150.00")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "due", "message"),
    [
        ("0", TODAY, "positive"),
        ("301", TODAY, "more than the amount overdue"),
        ("10", TODAY - dt.timedelta(days=1), "past"),
    ],
)
def test_an_impossible_promise_is_refused(case, amount, due, message) -> None:
    with pytest.raises(ValidationError, match=message):
        promise_create(case=case, amount=Decimal(amount), due_date=due, today=TODAY)
    assert not PromiseToPay.objects.exists()
    case.refresh_from_db()
    assert case.state == CaseState.REMINDER


@pytest.mark.django_db
def test_plan_payments_fill_installments_in_order(case) -> None:
    plan = plan_create(
        case=case,
        installments=[(TODAY, Decimal("100")), (TODAY + dt.timedelta(days=30), Decimal("100"))],
    )
    pay(case, "150.00")
    first, second = plan.installments.order_by("sequence")
    assert (first.status, first.paid_amount) == (PlanInstallment.Status.PAID, Decimal("100"))
    assert (second.status, second.paid_amount) == (PlanInstallment.Status.PENDING, Decimal("50"))
    pay(case, "50.00", "P-2")
    plan.refresh_from_db()
    assert plan.status == "completed"


@pytest.mark.django_db
def test_plan_with_unordered_dates_is_refused(case) -> None:
    with pytest.raises(ValidationError, match="order"):
        plan_create(
            case=case,
            installments=[(TODAY + dt.timedelta(days=1), Decimal("1")), (TODAY, Decimal("1"))],
        )
    assert not case.plans.exists()


def _promise(case, amount: str, in_days: int) -> PromiseToPay:
    today = timezone.localdate()
    return promise_create(
        case=case, amount=Decimal(amount), due_date=today + dt.timedelta(days=in_days), today=today
    )


def _refresh(*rows):
    for row in rows:
        row.refresh_from_db()
    return rows


@pytest.mark.django_db
def test_one_payment_keeps_one_of_two_promises_not_both(case) -> None:
    # given: two separate promises of 100 (300 overdue)
    later = _promise(case, "100", in_days=7)
    sooner = _promise(case, "100", in_days=2)
    # when: one payment of 100
    payment, _ = pay(case, "100.00")
    # then: it is allocated once, to the promise due first
    _refresh(later, sooner)
    assert (sooner.status, sooner.amount_paid) == (PromiseToPay.Status.KEPT, Decimal("100.00"))
    assert (later.status, later.amount_paid) == (PromiseToPay.Status.ACTIVE, Decimal("0"))
    assert list(PromiseAllocation.objects.values_list("payment", "promise", "amount")) == [
        (payment.pk, sooner.pk, Decimal("100.00"))
    ]
    # and the timeline says where it went
    reasons = list(case.events.filter(kind=CaseEvent.Kind.PROMISE).values_list("reason", flat=True))
    applied = (
        f"Payment P-1 100.00 USD applied to promise #{sooner.pk} (100.00 USD of 100.00 USD paid)"
    )
    assert applied in reasons
    assert f"Promise #{sooner.pk} kept: 100.00 USD of 100.00 USD paid" in reasons


@pytest.mark.django_db
def test_a_larger_payment_fills_the_first_promise_and_passes_the_rest_on(case) -> None:
    first, second = _promise(case, "100", in_days=1), _promise(case, "100", in_days=9)
    pay(case, "30.00", "P-a")
    pay(case, "120.00", "P-b")
    _refresh(first, second)
    assert (first.status, first.amount_paid) == (PromiseToPay.Status.KEPT, Decimal("100.00"))
    assert (second.status, second.amount_paid) == (PromiseToPay.Status.ACTIVE, Decimal("50.00"))
    by_payment = sorted(
        PromiseAllocation.objects.values_list("payment__external_id", "promise", "amount")
    )
    assert by_payment == [
        ("P-a", first.pk, Decimal("30.00")),
        ("P-b", first.pk, Decimal("70.00")),
        ("P-b", second.pk, Decimal("50.00")),
    ]


@pytest.mark.django_db
def test_a_partial_payment_leaves_the_promise_open_until_its_deadline(case) -> None:
    promise = _promise(case, "100", in_days=2)
    payment, _ = pay(case, "95.00")
    promise.refresh_from_db()
    # 95 % is enough to keep it, but only the nightly run after the deadline decides that: the
    # borrower may still pay the rest on time.
    assert (promise.status, promise.amount_paid) == (PromiseToPay.Status.ACTIVE, Decimal("95.00"))
    assert PromiseAllocation.objects.get().payment == payment
    applied = (
        f"Payment P-1 95.00 USD applied to promise #{promise.pk} (95.00 USD of 100.00 USD paid)"
    )
    assert case.events.filter(reason=applied).exists()


@pytest.mark.django_db
def test_payments_outside_the_promise_s_window_do_not_count_towards_it(case) -> None:
    promise = _promise(case, "100", in_days=0)  # due today; two days' grace
    # received before the promise was made: already in the amount it was made against
    pay(case, "40.00", "P-before", received_at=promise.created_at - dt.timedelta(hours=1))
    # received after the deadline (due date + grace)
    pay(case, "40.00", "P-late", received_at=timezone.now() + dt.timedelta(days=3))
    promise.refresh_from_db()
    assert (promise.status, promise.amount_paid) == (PromiseToPay.Status.ACTIVE, Decimal("0"))
    assert not PromiseAllocation.objects.exists()
    case.refresh_from_db()
    assert case.amount_overdue == Decimal("220.00")  # both still paid down the case


@pytest.mark.django_db
def test_a_payment_takes_fees_then_interest_then_principal_and_keeps_what_it_took() -> None:
    from tests.factories import CaseFactory, LoanFactory

    loan = LoanFactory(
        balance_principal=Decimal("1000.00"),
        balance_interest=Decimal("50.00"),
        balance_fees=Decimal("25.00"),
    )
    case = CaseFactory(loan=loan, amount_overdue=Decimal("300.00"))
    payment, _ = pay(case, "100.00")

    loan.refresh_from_db()
    assert (loan.balance_fees, loan.balance_interest, loan.balance_principal) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("975.00"),
    )
    assert loan.outstanding_balance == Decimal("975.00")
    assert (payment.applied_fees, payment.applied_interest, payment.applied_principal) == (
        Decimal("25.00"),
        Decimal("50.00"),
        Decimal("25.00"),
    )
    assert payment.applied_overdue == Decimal("100.00")


@pytest.mark.django_db
def test_a_payment_above_what_is_overdue_keeps_only_what_it_took_off_the_case(case) -> None:
    payment, _ = pay(case, "500.00")
    assert payment.applied_overdue == Decimal("300.00")


@pytest.mark.django_db
def test_the_database_refuses_a_balance_that_is_not_its_parts(case) -> None:
    from django.db import IntegrityError, transaction

    from collections_app.models import Loan

    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.filter(pk=case.loan_id).update(outstanding_balance=Decimal("1.00"))


@pytest.mark.django_db
def test_each_installment_a_payment_paid_is_kept_for_a_reversal(case) -> None:
    from collections_app.models import InstallmentAllocation

    plan = plan_create(
        case=case,
        installments=[
            (timezone.localdate() + dt.timedelta(days=7), Decimal("100.00")),
            (timezone.localdate() + dt.timedelta(days=14), Decimal("100.00")),
        ],
    )
    payment, _ = pay(case, "150.00")
    shares = {
        a.installment.sequence: a.amount
        for a in InstallmentAllocation.objects.filter(payment=payment, installment__plan=plan)
    }
    assert shares == {1: Decimal("100.00"), 2: Decimal("50.00")}
