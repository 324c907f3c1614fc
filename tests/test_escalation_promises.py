"""The nightly run settles promises by the case's policy: grace days, the kept threshold, and the
broken-promise follow-up as a step queued once."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from collections_app.models import (
    CaseEvent,
    CollectionPolicy,
    EscalationRun,
    OutboundMessage,
    PromiseToPay,
)
from collections_app.outreach.dispatch import dispatch_batch
from collections_app.services.payments import payment_record, promise_create
from collections_app.services.policies import policy_new_version
from collections_app.states import CaseState
from tests.escalation_helpers import day, make_case, run_night

pytestmark = pytest.mark.django_db


def _promised(amount: str = "100", due_in: int = 1, paid: str = ""):
    """A case 3 days past due with a promise due `due_in` days from today (it moved the case to
    negotiation), and `paid` of it paid today."""
    case = make_case(dpd=3)
    promise = promise_create(case=case, amount=Decimal(amount), due_date=day(due_in))
    if paid:
        payment_record(
            loan=case.loan,
            external_id=f"pay-{case.pk}",
            amount=Decimal(paid),
            currency="USD",
            received_at=timezone.now(),
        )
    return case, promise


def _state(case, promise) -> tuple[str, str]:
    case.refresh_from_db()
    promise.refresh_from_db()
    return case.state, promise.status


def _follow_ups(case) -> list[OutboundMessage]:
    return list(case.messages.filter(step__startswith="promise-broken"))


def _set_promise_terms(**promises) -> None:
    for policy in CollectionPolicy.objects.filter(key="us-default", is_current=True):
        policy_new_version(policy=policy, changes={"promises": promises}, actor=None)


def test_95_of_100_within_grace_is_kept_and_nothing_escalates() -> None:
    # given: 95 of a 100 promise due tomorrow, paid today
    case, promise = _promised(paid="95")
    # when: the nights up to the deadline (due + 2 days' grace), then the one after it
    for night in (1, 2, 3):
        run_night(day(night))
        assert _state(case, promise) == (CaseState.NEGOTIATION, PromiseToPay.Status.ACTIVE)
    run = run_night(day(4))
    # then: kept, with the shortfall still overdue on the case, and no escalation or follow-up
    assert _state(case, promise) == (CaseState.NEGOTIATION, PromiseToPay.Status.KEPT)
    assert case.amount_overdue == Decimal("205.00")
    event = case.events.get(kind=CaseEvent.Kind.PROMISE, data__rule="promise-kept-in-grace")
    assert event.reason == (
        f"Promise #{promise.pk} kept: 95.00 of 100.00 paid by {day(3)} (90% needed); "
        "the rest stays overdue on the case"
    )
    assert (run.totals["promises_kept"], run.totals["promises_broken"]) == (1, 0)
    assert not case.events.filter(kind=CaseEvent.Kind.TRANSITION, to_state="escalation").exists()
    assert _follow_ups(case) == []


def test_50_of_100_after_grace_is_broken_escalates_and_the_follow_up_is_queued_once() -> None:
    # given
    case, promise = _promised(paid="50")
    # when: the night after the deadline
    first = run_night(day(4))
    # then: broken, and the policy's broken-promise rule escalates
    assert _state(case, promise) == (CaseState.ESCALATION, PromiseToPay.Status.BROKEN)
    event = case.events.get(kind=CaseEvent.Kind.PROMISE, data__rule="promise-expired")
    assert event.reason == (
        f"Promise #{promise.pk} broken: 100.00 was due {day(1)}, 50.00 paid by {day(3)} "
        "(90% needed)"
    )
    moved = case.events.get(kind=CaseEvent.Kind.TRANSITION, to_state="escalation")
    assert moved.data["rule"] == "broken-promise"
    # and the follow-up step is queued, at the step's local time, keyed for the night
    [follow_up] = _follow_ups(case)
    assert (follow_up.channel, follow_up.template_key, follow_up.status) == (
        "sms",
        "promise-broken-sms",
        OutboundMessage.Status.QUEUED,
    )
    assert follow_up.idempotency_key == f"{case.pk}:promise-broken:sms:{day(4).isoformat()}"
    local = follow_up.scheduled_at.astimezone(ZoneInfo("America/Los_Angeles"))
    assert (local.date(), local.time()) == (day(4), dt.time(10))
    # when: the same date again: beat fires twice, the command is run by hand, a new run
    queued = OutboundMessage.objects.count()
    assert run_night(day(4)).pk == first.pk
    call_command("run_escalation", "--date", day(4).isoformat(), stdout=io.StringIO())
    EscalationRun.objects.all().delete()
    rerun = run_night(day(4))
    # then: nothing twice
    assert rerun.totals.get("promises_broken", 0) == 0
    assert OutboundMessage.objects.count() == queued
    assert len(_follow_ups(case)) == 1
    broken_events = case.events.filter(kind=CaseEvent.Kind.PROMISE, data__rule="promise-expired")
    assert broken_events.count() == 1


def test_the_follow_up_passes_the_gate_and_states_the_promise_s_facts() -> None:
    case, _ = _promised(paid="50")
    run_night(day(4))
    [follow_up] = _follow_ups(case)
    result = dispatch_batch(now=follow_up.scheduled_at, ids=[follow_up.pk])
    follow_up.refresh_from_db()
    assert result.allowed == [follow_up.pk], follow_up.error_message
    assert f"you promised USD 100.00 by {day(1)} and we received USD 50.00" in follow_up.body
    assert "USD 250.00 is overdue" in follow_up.body


def test_a_promise_due_today_is_not_broken_today_nor_during_its_grace_days() -> None:
    case, promise = _promised(due_in=2)
    for night in (2, 3, 4):  # its due date and two days of grace
        run_night(day(night))
        assert _state(case, promise) == (CaseState.NEGOTIATION, PromiseToPay.Status.ACTIVE)
    run_night(day(5))
    assert _state(case, promise) == (CaseState.ESCALATION, PromiseToPay.Status.BROKEN)


def test_a_policy_without_the_promise_terms_uses_the_defaults() -> None:
    # given: the current policy as saved before the terms existed
    CollectionPolicy.objects.filter(key="us-default", is_current=True).update(promises={})
    case, promise = _promised(paid="95")
    other_case, broken = _promised(paid="50")
    # when: the deadline night, then the one after it
    run_night(day(3))
    assert _state(case, promise)[1] == _state(other_case, broken)[1] == "active"
    run_night(day(4))
    # then: two days' grace, 90 % kept, and the default follow-up
    assert _state(case, promise)[1] == PromiseToPay.Status.KEPT
    assert _state(other_case, broken)[1] == PromiseToPay.Status.BROKEN
    assert [m.template_key for m in _follow_ups(other_case)] == ["promise-broken-sms"]


def test_the_run_applies_each_case_s_own_policy_terms() -> None:
    # given: a policy with no grace, 100 % to keep, and an email follow-up
    _set_promise_terms(
        grace_days=0, kept_threshold_percent=100, follow_up=[{"channel": "email", "at": "09:00"}]
    )
    case, promise = _promised(paid="95")
    # when: the night after the due date
    run_night(day(2))
    # then
    assert _state(case, promise) == (CaseState.ESCALATION, PromiseToPay.Status.BROKEN)
    event = case.events.get(kind=CaseEvent.Kind.PROMISE, data__rule="promise-expired")
    assert event.data["policy_version"] == 2
    assert [(m.channel, m.template_key) for m in _follow_ups(case)] == [
        ("email", "promise-broken-email")
    ]


def test_a_policy_can_turn_the_follow_up_off() -> None:
    _set_promise_terms(follow_up=[])
    case, promise = _promised()
    run_night(day(3))  # the grace days are still the default ones
    assert _state(case, promise)[1] == PromiseToPay.Status.ACTIVE
    run = run_night(day(4))
    assert _state(case, promise)[1] == PromiseToPay.Status.BROKEN
    assert run.totals["promises_broken"] == 1
    assert _follow_ups(case) == []
    assert case.messages.exists()  # the escalation stage's own steps still go out
