"""The lender's payments, once per external id, and their reversals, which undo everything the
payment did (services/lender.py, services/reversals.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from collections_app.lender.results import LenderDataError
from collections_app.models import (
    CaseEvent,
    CollectionCase,
    Loan,
    Payment,
    PaymentPlan,
    PaymentReversal,
    PlanInstallment,
    PromiseToPay,
)
from collections_app.services.lender import (
    borrower_upsert,
    loan_upsert,
    payment_post,
    payment_reverse,
    payments_post_many,
)
from collections_app.services.payments import plan_create, promise_create
from tests.lender.builders import (
    SOURCE,
    borrower_record,
    loan_record,
    payment_record_,
    reversal_record,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _loan():
    borrower_upsert(record=borrower_record(), source=SOURCE)
    loan_upsert(record=loan_record(), source=SOURCE)  # 300.00 overdue, 1,075.00 owed


def paid_now(**changes):
    """A payment received now: after the promise the test just made, so it counts for it."""
    return payment_record_(received_at=timezone.now().isoformat(), **changes)


def reversed_later(**changes):
    return reversal_record(reversed_at=(timezone.now() + dt.timedelta(minutes=1)).isoformat())


def open_case() -> CollectionCase:
    return CollectionCase.objects.exclude(state__in=["resolved", "written_off"]).get()


# --- payments


def test_a_payment_is_posted_once_with_its_source():
    first = payment_post(record=payment_record_(), source=SOURCE)
    again = payment_post(record=payment_record_(), source="import:3")

    assert (first.status, again.status) == ("created", "unchanged")
    assert first.obj.pk == again.obj.pk
    payment = Payment.objects.get()
    assert payment.source == SOURCE
    assert open_case().amount_overdue == Decimal("200.00")
    payment_event = open_case().events.get(kind=CaseEvent.Kind.PAYMENT)
    assert payment_event.data["source"] == SOURCE


def test_another_payment_under_an_id_we_have_is_refused_not_applied():
    payment_post(record=payment_record_(), source=SOURCE)
    with pytest.raises(LenderDataError) as error:
        payment_post(record=payment_record_(amount="150.00"), source=SOURCE)
    assert [p.path for p in error.value.problems] == ["amount"]
    assert open_case().amount_overdue == Decimal("200.00")


def test_a_payment_for_an_unknown_loan_is_refused():
    with pytest.raises(LenderDataError) as error:
        payment_post(record=payment_record_(loan_external_id="L-404"), source=SOURCE)
    assert [p.path for p in error.value.problems] == ["loan_external_id"]
    assert not Payment.objects.exists()


def test_a_payment_in_another_currency_than_the_loans_is_refused():
    with pytest.raises(LenderDataError) as error:
        payment_post(record=payment_record_(currency="EUR"), source=SOURCE)
    assert [p.path for p in error.value.problems] == ["currency"]
    assert not Payment.objects.exists()


def test_a_batch_of_payments_reports_bad_rows_by_index_and_applies_the_rest():
    results = payments_post_many(
        records=[
            payment_record_(external_id="P-1", amount="50.00"),
            payment_record_(external_id="P-2", loan_external_id="L-404"),
            payment_record_(external_id="P-1", amount="50.00"),  # sent twice in one batch
            payment_record_(external_id="P-3", amount="25.00"),
        ],
        source=SOURCE,
    )
    assert [r.status for r in results] == ["created", "rejected", "unchanged", "created"]
    assert results[1].problems[0].path == "loan_external_id"
    assert open_case().amount_overdue == Decimal("225.00")


# --- reversals


def test_a_reversal_puts_back_the_balance_and_the_amount_overdue():
    payment_post(record=payment_record_(amount="100.00"), source=SOURCE)
    result = payment_reverse(record=reversal_record(), source="import:8")

    assert result.status == "created"
    loan = Loan.objects.get()
    assert (loan.balance_principal, loan.balance_interest, loan.balance_fees) == (
        Decimal("1000.00"),
        Decimal("50.00"),
        Decimal("25.00"),
    )
    case = open_case()
    assert case.amount_overdue == Decimal("300.00")
    (event,) = case.events.filter(kind=CaseEvent.Kind.REVERSAL)
    assert event.reason == "Payment P-1 reversed (NSF): 100.00 overdue again (300.00 in all)"
    assert event.data["source"] == "import:8"
    assert PaymentReversal.objects.get().source == "import:8"


def test_a_payment_reversed_twice_is_one_reversal():
    payment_post(record=payment_record_(), source=SOURCE)
    payment_reverse(record=reversal_record(), source=SOURCE)
    again = payment_reverse(record=reversal_record(reason="chargeback"), source=SOURCE)

    assert again.status == "unchanged"
    assert PaymentReversal.objects.count() == 1
    assert open_case().amount_overdue == Decimal("300.00")


def test_reversing_an_unknown_payment_is_refused():
    with pytest.raises(LenderDataError) as error:
        payment_reverse(record=reversal_record(payment_external_id="P-404"), source=SOURCE)
    assert [p.path for p in error.value.problems] == ["payment_external_id"]


def test_a_reversal_dated_before_its_payment_is_refused():
    payment_post(record=payment_record_(), source=SOURCE)
    earlier = (timezone.now() - dt.timedelta(days=1)).isoformat()
    with pytest.raises(LenderDataError) as error:
        payment_reverse(record=reversal_record(reversed_at=earlier), source=SOURCE)
    assert [p.path for p in error.value.problems] == ["reversed_at"]


def test_a_reversed_payment_in_full_opens_a_new_case_and_breaks_the_promise_it_kept():
    case = open_case()
    promise = promise_create(case=case, amount=Decimal("300.00"), due_date=TODAY)
    payment_post(record=paid_now(amount="300.00"), source=SOURCE)
    case.refresh_from_db()
    promise.refresh_from_db()
    assert (case.state, promise.status) == ("resolved", "kept")

    result = payment_reverse(record=reversed_later(), source=SOURCE)

    new = open_case()
    assert new.pk != case.pk
    assert (new.amount_overdue, new.overdue_since) == (Decimal("300.00"), case.overdue_since)
    assert result.detail["reopened_case"] == new.pk
    assert result.detail["promises_no_longer_kept"] == [promise.pk]
    promise.refresh_from_db()
    assert (promise.status, promise.amount_paid) == ("broken", Decimal("0.00"))
    case.refresh_from_db()
    assert case.state == "resolved"  # a closed case never reopens
    old_timeline = list(case.events.values_list("reason", flat=True))
    assert f"Payment P-1 reversed (NSF): promise #{promise.pk} no longer kept" in old_timeline
    assert (
        f"Payment P-1 reversed (NSF): the case was closed as paid; 300.00 is collected on "
        f"case #{new.pk}"
    ) in old_timeline
    opened = new.events.get(kind=CaseEvent.Kind.OPENED)
    assert (
        opened.reason == f"Payment P-1 reversed (NSF) on case #{case.pk}, which it had paid in full"
    )
    assert opened.data["previous_case"] == case.pk


def test_a_kept_promise_whose_payment_is_reversed_before_its_deadline_is_open_again():
    case = open_case()
    due = TODAY + dt.timedelta(days=5)
    promise = promise_create(case=case, amount=Decimal("100.00"), due_date=due)
    payment_post(record=paid_now(amount="100.00"), source=SOURCE)
    promise.refresh_from_db()
    assert promise.status == "kept"

    payment_reverse(record=reversed_later(), source=SOURCE)

    promise.refresh_from_db()
    assert (promise.status, promise.amount_paid, promise.resolved_at) == (
        PromiseToPay.Status.ACTIVE,
        Decimal("0.00"),
        None,
    )
    reason = open_case().events.filter(kind=CaseEvent.Kind.PROMISE).latest("id").reason
    assert reason == (
        f"Payment P-1 reversed (NSF): promise #{promise.pk} no longer kept; "
        f"open again until {due + dt.timedelta(days=2)}"
    )


def test_a_reversal_unpays_the_installments_it_paid_and_the_plan_is_active_again():
    case = open_case()
    plan = plan_create(
        case=case,
        installments=[
            (TODAY + dt.timedelta(days=7), Decimal("50.00")),
            (TODAY + dt.timedelta(days=14), Decimal("50.00")),
        ],
    )
    payment_post(record=payment_record_(external_id="P-0", amount="20.00"), source=SOURCE)
    payment_post(record=payment_record_(amount="80.00"), source=SOURCE)
    plan.refresh_from_db()
    assert plan.status == PaymentPlan.Status.COMPLETED

    payment_reverse(record=reversal_record(), source=SOURCE)

    plan.refresh_from_db()
    assert plan.status == PaymentPlan.Status.ACTIVE
    paid = list(plan.installments.order_by("sequence").values_list("paid_amount", "status"))
    assert paid == [
        (Decimal("20.00"), PlanInstallment.Status.PENDING),
        (Decimal("0.00"), PlanInstallment.Status.PENDING),
    ]


def test_a_reversal_of_a_payment_made_while_no_case_was_open_only_raises_the_balance():
    loan_upsert(
        record=loan_record(status="current", amount_past_due="0", due_date=""), source=SOURCE
    )
    payment_post(record=payment_record_(amount="100.00"), source=SOURCE)
    assert Loan.objects.get().outstanding_balance == Decimal("975.00")

    result = payment_reverse(record=reversal_record(), source=SOURCE)

    assert result.detail == {}
    assert Loan.objects.get().outstanding_balance == Decimal("1075.00")
    assert not CollectionCase.objects.exclude(state="resolved").exists()
