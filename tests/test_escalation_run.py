"""The nightly run end to end, in-process: promises, plans, segments, moves, outbox, next action."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from collections_app.models import (
    CaseEvent,
    CollectionPolicy,
    ContactAttempt,
    ContactHold,
    EscalationRun,
    OutboundMessage,
    PaymentPlan,
    PlanInstallment,
    PromiseToPay,
)
from collections_app.services.payments import payment_record, plan_create, promise_create
from collections_app.services.policies import policy_new_version
from collections_app.states import CaseState
from tests.escalation_helpers import TODAY, day, make_case, run_night
from tests.factories import BorrowerFactory

pytestmark = pytest.mark.django_db


def _transitions(case):
    return list(case.events.filter(kind=CaseEvent.Kind.TRANSITION, reason__startswith="Nightly"))


def _contacts(borrower, outcome, n):
    for i in range(n):
        ContactAttempt.objects.create(
            borrower=borrower,
            channel="sms",
            address=borrower.phone,
            occurred_at=timezone.now() - dt.timedelta(days=i + 1),
            outcome=outcome,
        )


def test_an_expired_promise_is_broken_with_its_event_and_the_case_escalates() -> None:
    # given: a promise due tomorrow (the promise moved the case to negotiation)
    case = make_case(dpd=3)
    promise = promise_create(case=case, amount=Decimal("100"), due_date=day(1))
    assert case.state == CaseState.NEGOTIATION
    # when: the night after its deadline (due date + the policy's two days' grace)
    run_night(day(4))
    # then: the promise is broken, with an event saying which policy rule did it
    promise.refresh_from_db()
    assert promise.status == PromiseToPay.Status.BROKEN
    event = case.events.get(kind=CaseEvent.Kind.PROMISE, data__rule="promise-expired")
    assert event.data["policy"] == "us-default"
    assert event.data["policy_version"] == 1
    assert event.actor is None
    # and the broken promise escalated the case
    case.refresh_from_db()
    assert case.state == CaseState.ESCALATION
    [move] = _transitions(case)
    assert (move.from_state, move.to_state, move.data["rule"]) == (
        "negotiation",
        "escalation",
        "broken-promise",
    )


def test_a_promise_not_yet_due_is_left_alone() -> None:
    case = make_case(dpd=3)
    promise = promise_create(case=case, amount=Decimal("100"), due_date=day(5))
    run_night(day(5))  # due that very day: not expired yet
    promise.refresh_from_db()
    assert promise.status == PromiseToPay.Status.ACTIVE


def test_a_missed_installment_defaults_the_plan_and_escalates() -> None:
    case = make_case(dpd=3)
    plan = plan_create(
        case=case, installments=[(day(2), Decimal("100")), (day(32), Decimal("200"))]
    )
    run_night(day(4))
    plan.refresh_from_db()
    assert plan.status == PaymentPlan.Status.DEFAULTED
    assert list(plan.installments.values_list("status", flat=True)) == [
        PlanInstallment.Status.MISSED,
        PlanInstallment.Status.PENDING,
    ]
    event = case.events.get(kind=CaseEvent.Kind.PLAN, data__rule="plan-installment-missed")
    assert event.data["missed"] == [1]
    case.refresh_from_db()
    assert case.state == CaseState.ESCALATION
    assert _transitions(case)[0].data["rule"] == "plan-missed-installment"


def test_a_paid_installment_is_not_missed() -> None:
    case = make_case(dpd=3)
    plan = plan_create(
        case=case, installments=[(day(2), Decimal("100")), (day(32), Decimal("100"))]
    )
    payment_record(
        loan=case.loan,
        external_id="pay-1",
        amount=Decimal("100"),
        currency="USD",
        received_at=timezone.now(),
    )
    run_night(day(4))
    plan.refresh_from_db()
    assert plan.status == PaymentPlan.Status.ACTIVE


def test_strategic_case_escalates_early_with_reasons_stored_and_cited() -> None:
    # given: able (pays other loans) and unwilling (ignores three delivered messages)
    case = make_case(dpd=5, loan__lender_data={"other_loans_current": True})
    _contacts(case.loan.borrower, ContactAttempt.Outcome.DELIVERED, 3)
    # when: the night at 10 days past due
    run_night(day(5))
    # then
    case.refresh_from_db()
    assert case.segment == "strategic"
    assert case.segment_reasons == [
        "delivered_unanswered=3 >= 3 (+2)",
        "other_loans_current=1 == 1 (+2)",
    ]
    assert case.state == CaseState.ESCALATION
    [move] = _transitions(case)
    assert move.data["rule"] == "strategic-early"
    assert move.data["segment_reasons"] == case.segment_reasons


def test_the_same_case_without_the_ability_signal_waits_for_dpd_30() -> None:
    case = make_case(dpd=5)
    _contacts(case.loan.borrower, ContactAttempt.Outcome.DELIVERED, 3)
    run_night(day(5))
    case.refresh_from_db()
    assert case.segment != "strategic"
    assert case.state == CaseState.REMINDER


def test_hardship_case_is_moved_to_negotiation_and_offered_a_plan() -> None:
    case = make_case(dpd=5, loan__lender_data={"income_band": "low"})
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.REPLY, reason="can't pay all now")
    payment_record(
        loan=case.loan,
        external_id="p1",
        amount=Decimal("20"),
        currency="USD",
        received_at=timezone.now(),
    )
    run_night(day(1))
    case.refresh_from_db()
    assert case.segment == "hardship"
    assert case.state == CaseState.NEGOTIATION
    assert _transitions(case)[0].data["rule"] == "hardship-offer-plan"
    assert case.messages.get().template_key == "negotiation-day0-sms"


def test_unreachable_case_is_switched_from_sms_to_email() -> None:
    case = make_case(dpd=1)
    _contacts(case.loan.borrower, ContactAttempt.Outcome.FAILED, 2)
    run_night(TODAY)  # reminder day 0: the policy says SMS
    case.refresh_from_db()
    assert case.segment == "unreachable"
    message = case.messages.get()
    assert (message.channel, message.template_key, message.step) == (
        "email",
        "reminder-day0-email",
        "reminder:0:email",
    )


def test_disputing_case_gets_no_move_no_outreach_and_no_next_action() -> None:
    case = make_case(dpd=40)
    ContactHold.objects.create(
        borrower=case.loan.borrower, kind=ContactHold.Kind.DISPUTE, source="borrower"
    )
    run = run_night(day(1))
    case.refresh_from_db()
    assert case.segment == "disputing"
    assert case.segment_reasons == ["dispute_open=1 >= 1 (+1)"]
    assert case.state == CaseState.REMINDER
    assert not case.messages.exists()
    assert case.next_action_at is None
    assert run.totals["held"] == 1


def test_outreach_is_queued_at_the_preferred_local_time_with_an_idempotency_key() -> None:
    # given: a US borrower with a zone, and a CN borrower whose zone comes from the phone number
    us = make_case(dpd=1)
    cn_borrower = BorrowerFactory(time_zone="", phone="+8613800138000", jurisdiction="CN")
    cn = make_case(dpd=1, loan__borrower=cn_borrower, loan__currency="CNY")
    # when
    run_night(TODAY)
    # then: reminder day 0 is an SMS at 10:00 in each borrower's zone, queued, not sent
    for case, zone, policy in (
        (us, "America/Los_Angeles", "us-default"),
        (cn, "Asia/Shanghai", "cn-default"),
    ):
        message = OutboundMessage.objects.get(case=case)
        local = message.scheduled_at.astimezone(ZoneInfo(zone))
        assert (local.date(), local.time()) == (TODAY, dt.time(10))
        assert message.status == OutboundMessage.Status.QUEUED
        assert message.idempotency_key == f"{case.pk}:reminder:0:sms:{TODAY.isoformat()}"
        assert message.template_key == "reminder-day0-sms"
        case.refresh_from_db()
        assert case.next_action_at == message.scheduled_at
        assert case.policy_key == policy


def test_next_action_is_the_next_cadence_step_when_nothing_is_due_today() -> None:
    case = make_case(dpd=1)
    run_night(day(1))  # reminder day 1: nothing due; day 2 is the email at 10:00
    case.refresh_from_db()
    assert not case.messages.exists()
    local = case.next_action_at.astimezone(ZoneInfo("America/Los_Angeles"))
    assert (local.date(), local.time()) == (day(2), dt.time(10))


def test_a_run_for_a_date_before_a_case_entered_its_stage_neither_moves_nor_contacts_it() -> None:
    # A case opened today, 45 days past due: the night of a past date (run by hand, or a run
    # finished late) must not escalate it on a day it was not in its stage yet.
    case = make_case(dpd=45)
    run = run_night(day(-5))
    case.refresh_from_db()
    assert case.state == CaseState.REMINDER
    assert not _transitions(case)
    assert not case.messages.exists()
    assert run.transitions == {}


@pytest.mark.parametrize("state", [CaseState.PAUSED, CaseState.RESOLVED, CaseState.WRITTEN_OFF])
def test_paused_and_closed_cases_are_never_acted_on(state) -> None:
    case = make_case(dpd=50, state=state)
    before = case.events.count()
    run = run_night(day(10))
    case.refresh_from_db()
    assert case.state == state
    assert case.segment == ""
    assert case.events.count() == before
    assert not case.messages.exists()
    assert run.cases_seen == 0


def test_running_the_same_date_again_changes_nothing() -> None:
    # given: a mix that exercises every kind of write
    cases = [make_case(dpd=d) for d in (0, 29, 45)]
    promise_create(case=cases[0], amount=Decimal("50"), due_date=day(1))
    first = run_night(day(2))
    snapshot = (
        CaseEvent.objects.count(),
        OutboundMessage.objects.count(),
        sorted((c.pk, c.state, c.segment, str(c.next_action_at)) for c in _reload(cases)),
    )
    assert first.transitions  # something did happen the first time
    # when: beat fires again for that date, and the command is run by hand for it
    again = run_night(day(2))
    call_command("run_escalation", "--date", day(2).isoformat(), stdout=_Null())
    # then: the same run, nothing new
    assert again.pk == first.pk
    assert EscalationRun.objects.count() == 1
    # and even evaluating the same cases again for that date (a new run) writes nothing
    EscalationRun.objects.all().delete()
    rerun = run_night(day(2))
    assert rerun.transitions == {}
    assert rerun.totals.get("outbox_queued", 0) == 0
    assert rerun.totals.get("cases_updated", 0) == 0
    assert rerun.totals.get("promises_broken", 0) == 0
    assert snapshot == (
        CaseEvent.objects.count(),
        OutboundMessage.objects.count(),
        sorted((c.pk, c.state, c.segment, str(c.next_action_at)) for c in _reload(cases)),
    )


def _reload(cases):
    for case in cases:
        case.refresh_from_db()
    return cases


class _Null:
    def write(self, *_):
        pass

    def flush(self):
        pass


def test_every_automated_event_cites_the_policy_version_in_force() -> None:
    policy = CollectionPolicy.objects.get(key="us-default", is_current=True)
    stages = {**policy.stages}
    stages["escalation"] = {
        **stages["escalation"],
        "entry": [{"rule": "dpd-20", "when": {"dpd_gte": 20}}],
    }
    v2 = policy_new_version(policy=policy, changes={"stages": stages}, actor=None, note="faster")
    case = make_case(dpd=19)
    promise_create(case=case, amount=Decimal("10"), due_date=day(1))
    run_night(day(4))  # the night after the promise's deadline (two days' grace)
    automated = case.events.filter(actor=None).exclude(data__rule=None)
    # version 2 escalates on dpd-20 only (its broken-promise rule is gone)
    assert {(e.kind, e.data["rule"]) for e in automated} == {
        ("promise", "promise-expired"),
        ("transition", "dpd-20"),
    }
    assert {e.data["policy_version"] for e in automated} == {v2.version} == {2}
    assert CollectionPolicy.objects.filter(key="us-default").count() == 2


def test_the_policy_variant_is_assigned_recorded_and_cited() -> None:
    from collections_app.policies.selection import traffic_bucket

    champion = CollectionPolicy.objects.get(key="us-default", is_current=True)
    CollectionPolicy.objects.create(
        key="us-default",
        variant="fast",
        name="faster escalation",
        jurisdiction="US",
        traffic_percent=50,
        segmentation=champion.segmentation,
        stages={
            **champion.stages,
            "escalation": {"entry": [{"rule": "dpd-10", "when": {"dpd_gte": 10}}], "cadence": []},
        },
        channel_switch=champion.channel_switch,
    )
    cases = [make_case(dpd=10) for _ in range(12)]
    run_night(day(1))
    for case in _reload(cases):
        expected = "fast" if traffic_bucket(case.pk, "us-default") < 50 else "champion"
        assert case.policy_variant == expected
        moved = _transitions(case)
        if expected == "fast":
            assert case.state == CaseState.ESCALATION
            assert moved[0].data["variant"] == "fast"
        else:
            assert case.state == CaseState.REMINDER
    assert {c.policy_variant for c in cases} == {"fast", "champion"}


def test_dry_run_prints_the_summary_and_writes_nothing(capsys) -> None:
    make_case(dpd=45)
    make_case(dpd=1)
    call_command("run_escalation", "--date", day(1).isoformat(), "--dry-run")
    out = capsys.readouterr().out
    assert "Dry run" in out
    assert '"escalate": 1' in out
    assert not EscalationRun.objects.exists()
    assert not OutboundMessage.objects.exists()
    assert not CaseEvent.objects.filter(reason__startswith="Nightly").exists()


def test_the_command_runs_the_night_and_prints_totals(capsys) -> None:
    case = make_case(dpd=45)
    call_command("run_escalation", "--date", day(1).isoformat())
    out = capsys.readouterr().out
    assert "Done" in out
    assert "transition escalate" in out
    case.refresh_from_db()
    assert case.state == CaseState.ESCALATION


def test_beat_entries_for_the_nightly_run_and_its_sweeper_are_installed(settings) -> None:
    from django_celery_beat.models import PeriodicTask

    from config.celery import app

    nightly = PeriodicTask.objects.get(name="Nightly escalation run")
    assert nightly.task == "collections.start_nightly_escalation"
    assert nightly.crontab.hour == str(settings.ESCALATION_HOUR)
    sweeper = PeriodicTask.objects.get(task="collections.sweep_escalation_runs")
    assert (sweeper.interval.every, sweeper.interval.period) == (5, "minutes")
    app.loader.import_default_modules()
    assert {nightly.task, sweeper.task, "collections.process_escalation_chunk"} <= set(app.tasks)
