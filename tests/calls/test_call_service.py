"""services/calls.py: the gate before dialling, the attempt completed by the wrap-up, each
wrap-up code's effect, inbound calls, and the right-party check with its daily lock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from collections_app.models import (
    BadContactPoint,
    CallLog,
    CaseEvent,
    CollectionCase,
    ContactAttempt,
    ContactDecision,
    ContactHold,
    ContactPoint,
    RightPartyCheck,
)
from collections_app.selectors.queues import queue_cases
from collections_app.services.calls import (
    CallError,
    VerificationLocked,
    WrapUpDetails,
    call_cancel,
    call_check,
    call_inbound,
    call_log,
    call_verify,
    rpv_locked,
)
from tests.calls.world import DOB, EVENING, LA, MORNING, PHONE, local, verifiable_case
from tests.factories import make_user

pytestmark = pytest.mark.django_db
W = CallLog.WrapUp
Outcome = ContactAttempt.Outcome


@pytest.fixture
def agent():
    return make_user("caller", "agent")


@pytest.fixture
def case():
    return verifiable_case()


def _open(case, agent, at=MORNING) -> CallLog:
    call = call_check(case=case, agent=agent, number=PHONE, at=at)
    assert call.status == CallLog.Status.OPEN, call.decision.detail
    return call


def _verified(case, agent, at=MORNING) -> CallLog:
    call = _open(case, agent, at)
    assert call_verify(call=call, agent=agent, date_of_birth=DOB, at=at)
    call.refresh_from_db()
    return call


def _call_events(case) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CALL))


# --- before dialling, the gate answers


def test_at_21_30_local_the_gate_refuses_the_call_with_the_next_allowed_time(case, agent):
    from collections_app.admin.calls import refusal_text

    call = call_check(case=case, agent=agent, number=PHONE, at=EVENING)

    assert call.status == CallLog.Status.REFUSED
    assert call.attempt is None and not ContactAttempt.objects.exists()
    # The same record automated outreach gets: one denied voice decision.
    decision = ContactDecision.objects.get()
    assert (decision.channel, decision.allowed, decision.rule) == ("voice", False, "quiet_hours")
    assert call.decision == decision
    assert decision.next_allowed_at == local(LA, 2026, 12, 2, 8, 0)
    text = refusal_text(call)
    assert text.startswith("Refused: outside allowed hours, next allowed at 2026-12-02 08:00 PST")
    # ... and nothing can be logged as a call made.
    with pytest.raises(CallError):
        call_log(call=call, agent=agent, wrap_up=W.NO_ANSWER, at=EVENING)
    assert _call_events(case) == []


def test_an_allowed_call_reserves_the_attempt_and_the_wrap_up_completes_it(case, agent):
    call = _open(case, agent)
    assert call.decision.allowed
    assert (call.attempt.channel, call.attempt.outcome) == ("voice", Outcome.PENDING)
    assert call.attempt.address == PHONE

    call_log(call=call, agent=agent, wrap_up=W.NO_ANSWER, at=MORNING + dt.timedelta(minutes=3))

    call.refresh_from_db()
    call.attempt.refresh_from_db()
    assert call.status == CallLog.Status.LOGGED and call.attempt.outcome == Outcome.UNANSWERED
    (event,) = _call_events(case)
    assert event.actor == agent
    assert event.data["wrap_up"] == "no_answer" and event.data["outcome"] == "unanswered"
    assert PHONE not in event.reason and PHONE not in str(event.data)


def test_reloading_the_call_screen_does_not_reserve_a_second_attempt(case, agent):
    first = _open(case, agent)
    again = call_check(case=case, agent=agent, number=PHONE, at=MORNING + dt.timedelta(minutes=1))
    assert again.pk == first.pk
    assert ContactAttempt.objects.count() == 1


def test_a_connected_conversation_starts_the_7_day_rule(case, agent):
    call = _verified(case, agent)
    call_log(call=call, agent=agent, wrap_up=W.RIGHT_PARTY, at=MORNING + dt.timedelta(minutes=5))
    call.attempt.refresh_from_db()
    assert call.attempt.outcome == Outcome.CONNECTED

    next_day = call_check(case=case, agent=agent, number=PHONE, at=MORNING + dt.timedelta(days=1))

    assert next_day.status == CallLog.Status.REFUSED
    assert next_day.decision.rule == "conversation_cooldown"
    # Regulation F counts dates: the conversation's day is day one, calls again from day 8.
    assert next_day.decision.next_allowed_at == local(LA, 2026, 12, 8, 8, 0)


def test_an_unanswered_call_does_not_start_the_7_day_rule(case, agent):
    call_log(call=_open(case, agent), agent=agent, wrap_up=W.NO_ANSWER, at=MORNING)
    later = call_check(case=case, agent=agent, number=PHONE, at=MORNING + dt.timedelta(hours=2))
    assert later.status == CallLog.Status.OPEN


def test_a_call_never_dialled_is_cancelled_and_its_reservation_released(case, agent):
    call = _open(case, agent)
    call_cancel(call=call, agent=agent)
    call.attempt.refresh_from_db()
    assert call.attempt.outcome == Outcome.NOT_SENT
    # A pending reservation counts as a possible conversation; a released one does not.
    later = call_check(case=case, agent=agent, number=PHONE, at=MORNING + dt.timedelta(hours=1))
    assert later.status == CallLog.Status.OPEN


def test_a_number_not_the_borrowers_cannot_be_called(case, agent):
    with pytest.raises(CallError):
        call_check(case=case, agent=agent, number="+14155559999", at=MORNING)
    assert not ContactDecision.objects.exists()


def test_only_roles_that_log_calls_may_call(case):
    officer = make_user("officer", "compliance")
    with pytest.raises(PermissionDenied):
        call_check(case=case, agent=officer, number=PHONE, at=MORNING)


def test_an_agent_cannot_log_another_agents_call(case, agent):
    call = _open(case, agent)
    with pytest.raises(PermissionDenied):
        call_log(call=call, agent=make_user("other", "agent"), wrap_up=W.NO_ANSWER, at=MORNING)


# --- each wrap-up code does what it says


@pytest.mark.parametrize(
    ("wrap_up", "outcome"),
    [
        (W.NO_ANSWER, Outcome.UNANSWERED),
        (W.VOICEMAIL, Outcome.VOICEMAIL),
        # Never connected to the number: told apart, so the 7-in-7 count can leave them out.
        (W.BUSY, Outcome.BUSY),
        (W.NOT_IN_SERVICE, Outcome.NOT_CONNECTED),
        (W.THIRD_PARTY, Outcome.CONNECTED),
        (W.RIGHT_PARTY, Outcome.CONNECTED),
        (W.REFUSED_TO_PAY, Outcome.CONNECTED),
        (W.PROMISE, Outcome.CONNECTED),
        (W.DISPUTE, Outcome.CONNECTED),
    ],
)
def test_each_wrap_up_completes_the_attempt_and_writes_one_entry(case, agent, wrap_up, outcome):
    call = _verified(case, agent)
    call_log(call=call, agent=agent, wrap_up=wrap_up, details=WrapUpDetails(note="ok"))
    call.attempt.refresh_from_db()
    assert call.attempt.outcome == outcome
    (event,) = _call_events(case)
    assert (event.actor, event.data["wrap_up"]) == (agent, wrap_up)
    assert "ok" in event.reason


@pytest.mark.parametrize("wrap_up", [W.RIGHT_PARTY, W.REFUSED_TO_PAY, W.PROMISE, W.DISPUTE])
def test_talking_about_the_debt_needs_the_borrower_verified_first(case, agent, wrap_up):
    call = _open(case, agent)
    with pytest.raises(ValidationError) as error:
        call_log(call=call, agent=agent, wrap_up=wrap_up, at=MORNING)
    assert "wrap_up" in error.value.message_dict
    call.refresh_from_db()
    assert call.status == CallLog.Status.OPEN and _call_events(case) == []


def test_wrong_number_marks_the_number_unusable_so_the_gate_stops_using_it(case, agent):
    call_log(call=_open(case, agent), agent=agent, wrap_up=W.WRONG_NUMBER, at=MORNING)

    assert set(BadContactPoint.objects.values_list("channel", "address")) == {
        ("voice", PHONE),
        ("sms", PHONE),
    }
    later = call_check(case=case, agent=agent, number=PHONE, at=MORNING + dt.timedelta(days=1))
    assert later.decision.rule == "contact_point_unusable"


def test_callback_schedules_the_case_in_due_today(case, agent):
    when = local(LA, 2026, 12, 3, 17, 30)
    call_log(
        call=_open(case, agent),
        agent=agent,
        wrap_up=W.CALLBACK,
        details=WrapUpDetails(callback_at=when),
        at=MORNING,
    )
    case.refresh_from_db()
    assert case.next_action_at == when
    due = queue_cases(CollectionCase.objects.all(), "due_today", user=agent, now=when)
    assert list(due) == [case]
    (event,) = _call_events(case)
    assert "call back" in event.reason


def test_callback_asks_for_a_time_in_the_future(case, agent):
    call = _open(case, agent)
    for details in (WrapUpDetails(), WrapUpDetails(callback_at=MORNING - dt.timedelta(hours=1))):
        with pytest.raises(ValidationError) as error:
            call_log(call=call, agent=agent, wrap_up=W.CALLBACK, details=details, at=MORNING)
        assert "callback_at" in error.value.message_dict
    case.refresh_from_db()
    assert case.next_action_at is None


def test_attorney_places_the_hold_with_the_firms_contact(case, agent):
    firm = "Kim Law LLP, +14155550111"
    call_log(
        call=_open(case, agent),
        agent=agent,
        wrap_up=W.ATTORNEY,
        details=WrapUpDetails(attorney_contact=firm),
        at=MORNING,
    )
    hold = ContactHold.objects.get()
    assert (hold.kind, hold.attorney_contact, hold.recorded_by) == ("attorney", firm, agent)
    case.refresh_from_db()
    assert (case.state, case.pause_reason) == ("paused", "attorney")


def test_attorney_without_the_firms_contact_writes_nothing(case, agent):
    call = _open(case, agent)
    with pytest.raises(ValidationError) as error:
        call_log(call=call, agent=agent, wrap_up=W.ATTORNEY, at=MORNING)
    assert "attorney_contact" in error.value.message_dict
    assert not ContactHold.objects.exists()
    call.attempt.refresh_from_db()
    assert call.attempt.outcome == Outcome.PENDING


def test_bankruptcy_places_the_hold_with_the_case_number(case, agent):
    call_log(
        call=_open(case, agent),
        agent=agent,
        wrap_up=W.BANKRUPTCY,
        details=WrapUpDetails(bankruptcy_case_number="24-10532-B"),
        at=MORNING,
    )
    hold = ContactHold.objects.get()
    assert hold.kind == "bankruptcy" and "24-10532-B" in hold.note


def test_bankruptcy_asks_for_the_case_number(case, agent):
    with pytest.raises(ValidationError) as error:
        call_log(call=_open(case, agent), agent=agent, wrap_up=W.BANKRUPTCY, at=MORNING)
    assert "bankruptcy_case_number" in error.value.message_dict
    assert not ContactHold.objects.exists()


def test_deceased_places_the_hold_and_every_later_call_is_refused(case, agent):
    call_log(call=_open(case, agent), agent=agent, wrap_up=W.DECEASED, at=MORNING)
    assert ContactHold.objects.get().kind == "deceased"
    later = call_check(case=case, agent=agent, number=PHONE, at=MORNING + dt.timedelta(days=8))
    assert later.decision.rule == "deceased"


def test_another_number_of_the_borrower_can_be_chosen(case, agent):
    ContactPoint.objects.create(
        borrower=case.loan.borrower, kind="phone", address="+14155550177", type="work"
    )
    call = call_check(case=case, agent=agent, number="+14155550177", at=MORNING)
    # The gate decides, as for automated calls: every number the lender gave is the borrower's.
    assert call.status == CallLog.Status.OPEN and call.decision.allowed
    assert call.attempt.address == "+14155550177"


def test_a_number_that_is_not_the_borrowers_is_refused_by_the_gate(case, agent, monkeypatch):
    from collections_app.services import calls as calls_service

    # Past the service's own check, the gate still refuses a number not among the borrower's.
    monkeypatch.setattr(calls_service, "_check_number", lambda case, number: None)
    call = call_check(case=case, agent=agent, number="+14155550199", at=MORNING)
    assert call.decision.rule == "third_party"


# --- inbound calls


def test_an_inbound_call_is_logged_without_the_gate_but_counts_as_contact(case, agent):
    call = call_inbound(case=case, agent=agent, number=PHONE, at=EVENING)
    assert call_verify(call=call, agent=agent, date_of_birth=DOB, at=EVENING)
    call_log(call=call, agent=agent, wrap_up=W.RIGHT_PARTY, at=EVENING)

    assert not ContactDecision.objects.exists()  # nothing decided: they called us
    attempt = ContactAttempt.objects.get()
    assert (attempt.channel, attempt.outcome, attempt.case) == ("voice", Outcome.CONNECTED, case)
    # ... and the conversation starts the 7-day rule like one of ours.
    after = call_check(case=case, agent=agent, number=PHONE, at=MORNING + dt.timedelta(days=1))
    assert after.decision.rule == "conversation_cooldown"


def test_an_inbound_call_was_answered(case, agent):
    call = call_inbound(case=case, agent=agent, number=PHONE, at=MORNING)
    with pytest.raises(ValidationError):
        call_log(call=call, agent=agent, wrap_up=W.NO_ANSWER, at=MORNING)


# --- right-party verification


def test_verification_checks_the_digests_and_records_each_try_without_the_value(case, agent):
    call = _open(case, agent)
    assert not call_verify(call=call, agent=agent, date_of_birth=dt.date(1990, 4, 3), at=MORNING)
    assert call_verify(call=call, agent=agent, id_last_digits="6789", at=MORNING)
    call.refresh_from_db()
    assert call.right_party_verified and call.right_party_verified_at == MORNING
    checks = list(RightPartyCheck.objects.order_by("id").values_list("offered", "succeeded"))
    assert checks == [("date_of_birth", False), ("id_last_digits", True)]


def test_three_failed_tries_lock_verification_for_the_day(case, agent):
    call = _open(case, agent)
    for minute in range(3):
        at = MORNING + dt.timedelta(minutes=minute)
        assert not call_verify(call=call, agent=agent, id_last_digits="0000", at=at)
    assert rpv_locked(case.loan.borrower_id, MORNING + dt.timedelta(minutes=4))

    # Locked even for the right answer, on any call of the borrower, by any agent.
    with pytest.raises(VerificationLocked):
        call_verify(call=call, agent=agent, date_of_birth=DOB, at=MORNING + dt.timedelta(hours=1))
    assert RightPartyCheck.objects.count() == 3
    call.refresh_from_db()
    assert not call.right_party_verified

    tomorrow = local(LA, 2026, 12, 2, 10, 0)
    assert not rpv_locked(case.loan.borrower_id, tomorrow)


def test_verification_needs_something_to_check(case, agent):
    with pytest.raises(CallError):
        call_verify(call=_open(case, agent), agent=agent, at=MORNING)
    assert not RightPartyCheck.objects.exists()
