"""Each service tells the lender what it changed, in its own transaction: case moves (a
person's, the nightly run's in bulk), promises made / kept / broken, plans, opt-outs, holds,
disputes (in admin, by SMS reply) and payments."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from collections_app.models import CaseEvent, ContactHold, LenderEvent
from collections_app.services.cases import case_transition
from collections_app.services.consents import consent_opt_out, hold_place, hold_release
from collections_app.services.payments import payment_record, plan_create, promise_create
from tests.escalation_helpers import day, make_case, run_night
from tests.factories import CaseFactory
from tests.lender.conftest import make_endpoint

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def endpoint(db):
    return make_endpoint()


LENDER_TABLES = re.compile(r"collections_app_(lenderevent|webhookendpoint)")


def told(kind: str) -> list[dict]:
    return list(
        LenderEvent.objects.filter(kind=kind).order_by("pk").values_list("payload", flat=True)
    )


def refs(case) -> dict:
    return {
        "case_id": case.pk,
        "loan_id": case.loan.external_id,
        "borrower_id": case.loan.borrower.external_id,
    }


def test_a_persons_move_is_told_with_the_lenders_ids(agent) -> None:
    case = CaseFactory()
    case_transition(case=case, name="start_negotiation", actor=agent, reason="called")
    (moved,) = told("case.state_changed")
    assert moved == {
        **refs(case),
        "from_state": "reminder",
        "to_state": "negotiation",
        "transition": "start_negotiation",
        "pause_reason": "",
        "close_reason": "",
        "by": "user",
        "rule": "",
    }
    event = LenderEvent.objects.get(kind="case.state_changed")
    assert (event.case_id, event.loan_id) == (case.pk, case.loan_id)


def test_a_move_that_fails_tells_nothing(agent) -> None:
    from django.core.exceptions import PermissionDenied

    case = CaseFactory()
    with pytest.raises(PermissionDenied):
        case_transition(case=case, name="write_off", actor=agent)
    assert told("case.state_changed") == []


def test_the_nightly_run_tells_its_moves_in_bulk() -> None:
    cases = [make_case(dpd=45) for _ in range(30)]
    with CaptureQueriesContext(connection) as queries:
        run = run_night(day(1))
    moves = CaseEvent.objects.filter(
        kind=CaseEvent.Kind.TRANSITION, case__in=cases, data__rule__isnull=False
    ).exclude(reason="test setup")
    assert run.transitions.get("escalate", 0) == moves.count() == 30
    payloads = told("case.state_changed")
    assert len(payloads) == 30
    assert {(p["to_state"], p["by"]) for p in payloads} == {("escalation", "system")}
    assert all(p["rule"] for p in payloads)
    # a fixed number of statements for the lender, whatever the number of moves
    lender = [q["sql"] for q in queries if LENDER_TABLES.search(q["sql"])]
    assert len(lender) <= 12, lender


def test_no_endpoint_no_lookups_in_the_nightly_run(endpoint) -> None:
    endpoint.delete()
    for _ in range(5):
        make_case(dpd=45)
    with CaptureQueriesContext(connection) as queries:
        run_night(day(1))
    assert told("case.state_changed") == []
    lender = [q["sql"] for q in queries if LENDER_TABLES.search(q["sql"])]
    # only "who subscribes?", once per step that could tell something
    assert all("webhookendpoint" in sql and "lenderevent" not in sql for sql in lender), lender
    assert len(lender) <= 4


def _promise(case, amount: str = "100", due_in: int = 1):
    return promise_create(case=case, amount=Decimal(amount), due_date=day(due_in))


def test_a_promise_made_is_told() -> None:
    case = make_case(dpd=3)
    promise = _promise(case)
    (made,) = told("promise.created")
    assert made == {
        **refs(case),
        "promise_id": promise.pk,
        "amount": "100.00",
        "currency": "USD",
        "due_date": day(1).isoformat(),
        "by": "system",
    }
    # the promise moved the case to negotiation: told too
    assert [p["to_state"] for p in told("case.state_changed")] == ["negotiation"]


def test_a_promise_kept_by_a_payment_is_told_after_the_payment() -> None:
    case = make_case(dpd=3)
    promise = _promise(case)
    payment_record(loan=case.loan, external_id="PAY-1", amount=Decimal("100"), currency="USD",
                   received_at=timezone.now())  # fmt: skip
    (kept,) = told("promise.kept")
    assert kept["promise_id"] == promise.pk and kept["amount_paid"] == "100.00"
    (paid,) = told("payment.recorded")
    assert paid == {
        "payment_id": "PAY-1",
        "loan_id": case.loan.external_id,
        "borrower_id": case.loan.borrower.external_id,
        "case_id": case.pk,
        "amount": "100.00",
        "currency": "USD",
        "received_at": paid["received_at"],
        "outstanding_balance_after": "1100.00",
        "amount_overdue_after": "200.00",
    }
    kinds = list(LenderEvent.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds.index("payment.recorded") < kinds.index("promise.kept")


def test_a_payment_told_once_however_often_the_lender_sends_it() -> None:
    case = make_case(dpd=3)
    for _ in range(2):
        payment_record(loan=case.loan, external_id="PAY-2", amount=Decimal("300"),
                       currency="USD", received_at=timezone.now())  # fmt: skip
    assert len(told("payment.recorded")) == 1
    # paid in full: the case resolved, told after the payment
    assert [(p["to_state"], p["close_reason"]) for p in told("case.state_changed")] == [
        ("resolved", "paid")
    ]


def test_the_nightly_run_tells_kept_and_broken_promises() -> None:
    kept_case, broken_case = make_case(dpd=3), make_case(dpd=3)
    kept = _promise(kept_case)
    broken = _promise(broken_case)
    payment_record(loan=kept_case.loan, external_id="PAY-3", amount=Decimal("95"),
                   currency="USD", received_at=timezone.now())  # fmt: skip
    run_night(day(4))  # past due + 2 days' grace
    assert [(p["promise_id"], p["amount_paid"]) for p in told("promise.kept")] == [
        (kept.pk, "95.00")
    ]
    assert [(p["promise_id"], p["amount_paid"]) for p in told("promise.broken")] == [
        (broken.pk, "0.00")
    ]


def test_a_plan_agreed_is_told() -> None:
    case = make_case(dpd=3)
    plan = plan_create(
        case=case, installments=[(day(7), Decimal("150")), (day(37), Decimal("150"))]
    )
    (agreed,) = told("plan.created")
    assert agreed["plan_id"] == plan.pk
    assert agreed["total"] == "300.00"
    assert agreed["installments"] == [
        {"sequence": 1, "due_date": day(7).isoformat(), "amount": "150.00"},
        {"sequence": 2, "due_date": day(37).isoformat(), "amount": "150.00"},
    ]


def test_an_opt_out_is_told_about_the_borrower_and_an_opt_in_is_not() -> None:
    from collections_app.services.consents import consent_opt_in

    case = CaseFactory()
    borrower = case.loan.borrower
    consent_opt_out(borrower=borrower, channel="sms", source="borrower_reply")
    consent_opt_in(borrower=borrower, channel="sms", source="borrower_reply")
    consent_opt_out(borrower=borrower, channel="sms", source="borrower_reply")
    payloads = told("consent.opted_out")
    assert len(payloads) == 2  # twice opted out, twice told
    assert {(p["borrower_id"], p["channel"], p["source"]) for p in payloads} == {
        (borrower.external_id, "sms", "borrower_reply")
    }
    assert LenderEvent.objects.filter(kind="consent.opted_out", case__isnull=True).count() == 2


def test_holds_placed_and_released_are_told_and_a_dispute_is_also_a_dispute(supervisor) -> None:
    case = CaseFactory()
    borrower = case.loan.borrower
    hold = hold_place(borrower=borrower, kind=ContactHold.Kind.DISPUTE, source="letter",
                      note="not my debt, call me on +14155550123")  # fmt: skip
    hold_release(hold=hold, reason="verification mailed", actor=supervisor)
    (placed,) = told("hold.placed")
    assert placed == {
        "hold_id": hold.pk,
        "borrower_id": borrower.external_id,
        "kind": "dispute",
        "source": "letter",
        "placed_at": placed["placed_at"],
    }
    (disputed,) = told("dispute.opened")
    assert disputed == placed
    (released,) = told("hold.released")
    assert released["hold_id"] == hold.pk and released["released_at"]
    # the note a person or the borrower typed never leaves
    assert "+14155550123" not in str(list(LenderEvent.objects.values_list("payload", flat=True)))


def test_a_dispute_of_one_debt_is_told_with_its_case_and_due_date(agent) -> None:
    from collections_app.services.disputes import dispute_record

    case = CaseFactory()
    today = timezone.localdate()
    dispute = dispute_record(case=case, kind="amount_wrong", received_on=today,
                             received_via="phone", details="says +14155550123 was paid",
                             actor=agent)  # fmt: skip
    (disputed,) = told("dispute.opened")
    assert disputed == {
        **refs(case),
        "dispute_id": dispute.pk,
        "kind": "amount_wrong",
        "received_on": today.isoformat(),
        "received_via": "phone",
        "response_due_on": dispute.response_due_on.isoformat(),
        "by": "user",
    }
    assert LenderEvent.objects.get(kind="dispute.opened").case_id == case.pk
    # what the borrower said never leaves
    assert "+14155550123" not in str(list(LenderEvent.objects.values_list("payload", flat=True)))


def test_a_borrower_level_hold_tells_the_hold_and_each_case_it_paused() -> None:
    from tests.factories import LoanFactory

    case = CaseFactory()
    other = CaseFactory(loan=LoanFactory(borrower=case.loan.borrower))
    hold_place(borrower=case.loan.borrower, kind=ContactHold.Kind.BANKRUPTCY, source="court")
    assert [p["kind"] for p in told("hold.placed")] == ["bankruptcy"]
    assert told("dispute.opened") == []
    paused = told("case.state_changed")
    assert {(p["case_id"], p["to_state"], p["pause_reason"]) for p in paused} == {
        (case.pk, "paused", "bankruptcy"),
        (other.pk, "paused", "bankruptcy"),
    }


def test_a_dispute_by_sms_reply_is_told(client, settings) -> None:
    from tests.webhooks.conftest import AUTH_TOKEN, PUBLIC, post_twilio, sms_inbound_form

    settings.TWILIO_AUTH_TOKEN, settings.PUBLIC_BASE_URL = AUTH_TOKEN, PUBLIC

    case = CaseFactory(loan__borrower__phone="+14155550177")
    response = post_twilio(
        client, "/webhooks/twilio/sms/inbound/", sms_inbound_form("+14155550177", "I dispute this")
    )
    assert response.status_code == 200
    from collections_app.webhooks.processing import webhooks_drain

    webhooks_drain(limit=10)
    (disputed,) = told("dispute.opened")
    assert disputed["borrower_id"] == case.loan.borrower.external_id
    assert disputed["source"]


def test_a_payment_to_a_loan_without_an_open_case_is_told_without_one() -> None:
    case = CaseFactory()
    case_transition(case=case, name="resolve", close_reason="settled")
    LenderEvent.objects.all().delete()
    payment_record(loan=case.loan, external_id="PAY-4", amount=Decimal("5"), currency="USD",
                   received_at=timezone.now() - dt.timedelta(hours=1))  # fmt: skip
    (paid,) = told("payment.recorded")
    assert (paid["case_id"], paid["amount_overdue_after"]) == (None, None)


# --- the lender's own data coming back as facts: cases opened and closed, payments reversed


def test_a_loan_reported_past_due_then_current_tells_its_case_opened_and_closed() -> None:
    from collections_app.models import CollectionCase
    from collections_app.services.lender import borrower_upsert, loan_upsert
    from tests.lender.builders import SOURCE, borrower_record, current_loan, loan_record

    borrower_upsert(record=borrower_record(), source=SOURCE)
    loan_upsert(record=loan_record(), source=SOURCE)
    case = CollectionCase.objects.get()
    (opened,) = told("loan.case_opened")
    assert opened == {
        **refs(case),
        "amount_overdue": "300.00",
        "currency": case.loan.currency,
        "overdue_since": case.overdue_since.isoformat(),
    }

    loan_upsert(record=current_loan(), source=SOURCE)

    (closed,) = told("loan.case_closed")
    assert closed == {**refs(case), "state": "resolved", "close_reason": "current"}
    assert [m["to_state"] for m in told("case.state_changed")] == ["resolved"]


def test_a_reversed_payment_is_told_with_the_case_it_is_owed_on_again() -> None:
    from collections_app.models import CollectionCase
    from collections_app.services.lender import (
        borrower_upsert,
        loan_upsert,
        payment_post,
        payment_reverse,
    )
    from tests.lender.builders import (
        SOURCE,
        borrower_record,
        loan_record,
        payment_record_,
        reversal_record,
    )

    borrower_upsert(record=borrower_record(), source=SOURCE)
    loan_upsert(record=loan_record(), source=SOURCE)
    payment_post(record=payment_record_(received_at=timezone.now().isoformat()), source=SOURCE)
    payment_reverse(
        record=reversal_record(reversed_at=(timezone.now() + dt.timedelta(minutes=1)).isoformat()),
        source=SOURCE,
    )
    payment_reverse(record=reversal_record(), source=SOURCE)  # again: told once

    case = CollectionCase.objects.exclude(state__in=["resolved", "written_off"]).get()
    (reversed_,) = told("payment.reversed")
    assert reversed_["payment_id"] == "P-1" and reversed_["reason"] == "nsf"
    assert reversed_["case_id"] == case.pk
