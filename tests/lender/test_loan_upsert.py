"""A lender's loan in: created or updated by external id, its balance in parts, and its case
kept in step with the status the lender reports (services/lender.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from collections_app.lender.results import LenderDataError
from collections_app.models import CaseEvent, CollectionCase, Loan
from collections_app.outreach.outbox import outbox_enqueue
from collections_app.services.cases import case_transition
from collections_app.services.lender import (
    borrower_upsert,
    loan_upsert,
    loans_upsert_many,
    payment_post,
)
from collections_app.states import CaseState
from tests.lender.builders import (
    SOURCE,
    borrower_record,
    current_loan,
    loan_record,
    payment_record_,
)
from tests.lender.test_borrower_upsert import writes

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _borrower():
    borrower_upsert(record=borrower_record(), source=SOURCE)


def the_case() -> CollectionCase:
    return CollectionCase.objects.get(state__in=["reminder", "negotiation", "paused"])


def test_a_past_due_loan_opens_its_case():
    result = loan_upsert(record=loan_record(), source=SOURCE)

    assert result.status == "created"
    loan = Loan.objects.get(external_id="L-1")
    assert (loan.balance_principal, loan.balance_interest, loan.balance_fees) == (
        Decimal("1000.00"),
        Decimal("50.00"),
        Decimal("25.00"),
    )
    assert loan.outstanding_balance == Decimal("1075.00")
    assert (loan.status, loan.amount_past_due, loan.days_past_due_reported) == (
        "past_due",
        Decimal("300.00"),
        19,
    )
    assert loan.last_source == SOURCE
    case = the_case()
    assert (case.amount_overdue, case.overdue_since) == (
        Decimal("300.00"),
        TODAY - dt.timedelta(days=19),  # the day after the oldest unpaid due date
    )
    assert result.detail == {"case": case.pk, "case_change": "opened"}
    opened = case.events.get(kind=CaseEvent.Kind.OPENED)
    assert opened.data["source"] == SOURCE


def test_a_current_loan_opens_no_case():
    result = loan_upsert(record=current_loan(), source=SOURCE)
    assert result.status == "created"
    assert not CollectionCase.objects.exists()
    assert Loan.objects.get().due_date is None


def test_a_higher_amount_past_due_updates_the_case_and_says_old_to_new():
    loan_upsert(record=loan_record(), source=SOURCE)
    result = loan_upsert(
        record=loan_record(amount_past_due="350.00", balance_fees="75.00"), source="import:7"
    )

    assert result.status == "updated"
    assert result.detail["amount_overdue_before"] == Decimal("300.00")
    case = the_case()
    assert case.amount_overdue == Decimal("350.00")
    (event,) = case.events.filter(kind=CaseEvent.Kind.LENDER)
    assert event.reason == "Amount overdue 300.00 → 350.00, reported by the lender (import:7)"
    assert event.data["source"] == "import:7"
    assert Loan.objects.get().outstanding_balance == Decimal("1125.00")


def test_the_next_message_quotes_the_amount_the_lender_reported_last(settings):
    from collections_app.devtools.portfolio import daytime_zone
    from collections_app.outreach.dispatch import dispatch_batch

    settings.SMS_PROVIDER = "file"
    settings.RATE_LIMIT_REDIS_URL = ""
    zone = daytime_zone(dt.time(8, 10), dt.time(20, 50))
    borrower_upsert(record=borrower_record(time_zone=zone), source=SOURCE)
    loan_upsert(record=loan_record(), source=SOURCE)
    case = the_case()
    message, _ = outbox_enqueue(
        case=case,
        channel="sms",
        template_key="reminder-notice",
        step="s1",
        scheduled_at=timezone.now() - dt.timedelta(seconds=1),
    )

    # Fees and interest went up since the message was queued.
    loan_upsert(
        record=loan_record(
            amount_past_due="412.50", balance_interest="100.00", balance_fees="62.50"
        ),
        source=SOURCE,
    )
    assert dispatch_batch().allowed == [message.pk]
    message.refresh_from_db()
    assert "USD 412.50" in message.body
    assert "USD 300.00" not in message.body


def test_a_loan_reported_current_resolves_its_case_and_cancels_its_queued_messages():
    loan_upsert(record=loan_record(), source=SOURCE)
    case = the_case()
    message, _ = outbox_enqueue(
        case=case,
        channel="sms",
        template_key="reminder-notice",
        step="s1",
        scheduled_at=timezone.now() + dt.timedelta(hours=1),
    )

    result = loan_upsert(record=current_loan(), source=SOURCE)

    assert result.detail == {"case": case.pk, "case_change": "closed"}
    case.refresh_from_db()
    assert (case.state, case.close_reason, case.amount_overdue) == (
        "resolved",
        "current",
        Decimal("0.00"),
    )
    message.refresh_from_db()
    assert message.status == "cancelled"
    move = case.events.get(kind=CaseEvent.Kind.TRANSITION, to_state="resolved")
    assert move.reason == f"Brought current by the lender ({SOURCE})"
    assert move.data["source"] == SOURCE


def test_a_paused_case_is_resolved_too_when_the_loan_is_paid_off():
    loan_upsert(record=loan_record(), source=SOURCE)
    case_transition(case=the_case(), name="pause", pause_reason="hardship")
    loan_upsert(
        record=loan_record(
            status="paid",
            amount_past_due="0",
            balance_principal="0",
            balance_interest="0",
            balance_fees="0",
        ),
        source=SOURCE,
    )
    case = CollectionCase.objects.get()
    assert (case.state, case.close_reason) == ("resolved", "paid")


def test_a_loan_past_due_again_after_it_was_current_opens_a_new_case():
    loan_upsert(record=loan_record(), source=SOURCE)
    loan_upsert(record=current_loan(), source=SOURCE)
    loan_upsert(record=loan_record(amount_past_due="120.00"), source=SOURCE)
    states = list(CollectionCase.objects.order_by("pk").values_list("state", "amount_overdue"))
    assert states == [("resolved", Decimal("0.00")), ("reminder", Decimal("120.00"))]


def test_a_charge_off_is_recorded_and_collection_goes_on():
    loan_upsert(record=loan_record(), source=SOURCE)
    charge_off = (TODAY - dt.timedelta(days=2)).isoformat()
    loan_upsert(record=loan_record(status="charged_off", charge_off_date=charge_off), source=SOURCE)
    assert Loan.objects.get().charge_off_date == TODAY - dt.timedelta(days=2)
    case = the_case()
    assert case.state == CaseState.REMINDER
    (event,) = case.events.filter(kind=CaseEvent.Kind.LENDER)
    assert event.reason.startswith(f"Charged off by the lender on {charge_off}")


def test_a_loan_of_an_unknown_borrower_is_refused():
    with pytest.raises(LenderDataError) as error:
        loan_upsert(record=loan_record(borrower_external_id="B-404"), source=SOURCE)
    assert [p.path for p in error.value.problems] == ["borrower_external_id"]
    assert not Loan.objects.exists()


def test_a_loans_currency_cannot_change():
    loan_upsert(record=loan_record(), source=SOURCE)
    with pytest.raises(LenderDataError) as error:
        loan_upsert(record=loan_record(currency="EUR", amount_past_due="10.00"), source=SOURCE)
    assert [p.path for p in error.value.problems] == ["currency"]
    assert "the loan is in USD" in error.value.problems[0].message
    assert the_case().amount_overdue == Decimal("300.00")


def test_a_loan_cannot_move_to_another_borrower():
    borrower_upsert(record=borrower_record(external_id="B-2", contact_points=[]), source=SOURCE)
    loan_upsert(record=loan_record(), source=SOURCE)
    with pytest.raises(LenderDataError) as error:
        loan_upsert(record=loan_record(borrower_external_id="B-2"), source=SOURCE)
    assert [p.path for p in error.value.problems] == ["borrower_external_id"]


def test_a_report_older_than_the_one_applied_is_refused():
    loan_upsert(record=loan_record(), source=SOURCE)
    older = (TODAY - dt.timedelta(days=5)).isoformat()
    with pytest.raises(LenderDataError) as error:
        loan_upsert(
            record=loan_record(balance_as_of=older, amount_past_due="500.00"), source=SOURCE
        )
    assert [p.path for p in error.value.problems] == ["balance_as_of"]
    assert the_case().amount_overdue == Decimal("300.00")


def test_the_same_loan_again_changes_nothing_and_writes_nothing():
    loan_upsert(record=loan_record(), source=SOURCE)
    with CaptureQueriesContext(connection) as queries:
        result = loan_upsert(record=loan_record(), source="import:9")
    assert result.status == "unchanged"
    assert writes(queries) == []
    assert Loan.objects.get().last_source == SOURCE


def test_the_same_report_after_a_payment_does_not_bring_the_amount_back():
    loan_upsert(record=loan_record(), source=SOURCE)
    payment_post(record=payment_record_(amount="100.00"), source=SOURCE)
    assert the_case().amount_overdue == Decimal("200.00")

    result = loan_upsert(record=loan_record(), source="import:re-run")

    assert result.status == "unchanged"
    assert the_case().amount_overdue == Decimal("200.00")
    assert Loan.objects.get().outstanding_balance == Decimal("975.00")


def test_a_report_of_yesterday_arriving_after_todays_payment_keeps_the_payment():
    """The report describes the loan at the end of its balance_as_of day: a payment we recorded
    since is not in it, and is taken off what it says."""
    loan_upsert(record=loan_record(), source=SOURCE)
    payment_post(record=payment_record_(amount="100.00"), source=SOURCE)

    result = loan_upsert(
        record=loan_record(amount_past_due="310.00", balance_fees="35.00"), source=SOURCE
    )

    assert result.detail["since_report"] == {"paid": Decimal("100.00"), "reversed": Decimal("0")}
    assert the_case().amount_overdue == Decimal("210.00")
    loan = Loan.objects.get()
    # 1000 + 50 + 35 reported, less the 100 paid today (fees, then interest, then principal).
    assert (loan.balance_fees, loan.balance_interest, loan.balance_principal) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("985.00"),
    )


def test_a_batch_applies_every_good_row_and_reports_a_bad_one_by_index():
    results = loans_upsert_many(
        records=[
            loan_record(external_id="L-1"),
            loan_record(external_id="L-2", borrower_external_id="B-404"),
            current_loan(external_id="L-3"),
            loan_record(external_id="L-4", amount_past_due="50.00"),
        ],
        source=SOURCE,
    )
    assert [r.status for r in results] == ["created", "rejected", "created", "created"]
    assert results[1].problems[0].path == "borrower_external_id"
    assert set(Loan.objects.values_list("external_id", flat=True)) == {"L-1", "L-3", "L-4"}
    assert CollectionCase.objects.count() == 2


def test_one_loan_twice_in_a_batch_ends_as_the_later_record():
    results = loans_upsert_many(
        records=[loan_record(), loan_record(amount_past_due="320.00")], source=SOURCE
    )
    assert [r.status for r in results] == ["created", "updated"]
    assert the_case().amount_overdue == Decimal("320.00")


def test_a_batch_opens_updates_and_closes_cases_in_a_few_statements():
    loans_upsert_many(records=[loan_record(external_id=f"L-{i}") for i in range(30)], source=SOURCE)
    records = [
        current_loan(external_id=f"L-{i}")
        if i % 3 == 0
        else loan_record(external_id=f"L-{i}", amount_past_due="310.00")
        if i % 3 == 1
        else loan_record(external_id=f"L-{i}")
        for i in range(30)
    ] + [loan_record(external_id=f"L-new-{i}") for i in range(30)]

    with CaptureQueriesContext(connection) as queries:
        results = loans_upsert_many(records=records, source=SOURCE)

    assert {r.status for r in results[:30:3]} == {"updated"}
    assert {r.status for r in results[2:30:3]} == {"unchanged"}
    assert {r.status for r in results[30:]} == {"created"}
    assert CollectionCase.objects.filter(state="resolved").count() == 10
    assert CollectionCase.objects.filter(state="reminder").count() == 50
    # No statement per row: the resolves cancel outreach one case at a time (case_entry's own
    # rule: closes are a handful a call), everything else is a statement per batch.
    assert len(queries) < 60, len(queries)
