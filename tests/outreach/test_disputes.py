"""A dispute stops outreach for its debt only, except the notices the law requires; the hold
lifts when the verification has been sent, not before."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from collections_app.compliance.rules import Profile, Snapshot, check
from collections_app.models import (
    CaseEvent,
    CollectionCase,
    ContactDecision,
    Dispute,
    JurisdictionProfile,
    OutboundMessage,
)
from collections_app.outreach.gate import gate_contact
from collections_app.outreach.sender import send_claimed
from collections_app.services.disputes import (
    dispute_close,
    dispute_record,
    dispute_verification_send,
    dispute_withdraw,
)
from collections_app.states import CaseState, PauseReason
from tests.escalation_helpers import day, run_night
from tests.escalation_helpers import make_case as night_case
from tests.factories import BorrowerFactory, make_user
from tests.outreach.conftest import enqueue, make_case

pytestmark = pytest.mark.django_db


def _two_loans(zone: str):
    a = make_case(zone)
    b = make_case(zone)
    b.loan.borrower = a.loan.borrower
    b.loan.save(update_fields=["borrower"])
    return a, CollectionCase.objects.select_related("loan__borrower").get(pk=b.pk)


def _dispute(case, agent=None, **kw) -> Dispute:
    return dispute_record(
        case=case,
        kind=kw.pop("kind", Dispute.Kind.AMOUNT_WRONG),
        received_on=kw.pop("received_on", timezone.localdate()),
        received_via=kw.pop("received_via", Dispute.ReceivedVia.PHONE),
        actor=agent,
        **kw,
    )


def _fresh(case) -> CollectionCase:
    return CollectionCase.objects.select_related("loan__borrower").get(pk=case.pk)


# --- the rule, pure


def _snapshot(**kw) -> Snapshot:
    profile = Profile(code="US", version=1, window_start=dt.time(8), window_end=dt.time(21))
    return Snapshot(
        profile=profile,
        zones=("UTC",),
        case_id=1,
        case_active=True,
        own_addresses={"sms": "+14155550100"},
        address="+14155550100",
        **kw,
    )


def test_the_rule_refuses_all_but_legally_required_contact_about_a_disputed_debt() -> None:
    noon = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)
    assert check(_snapshot(case_disputed=True), "sms", noon).rule == "disputed_debt"
    assert check(_snapshot(case_disputed=True, legally_required=True), "sms", noon).allowed
    assert check(_snapshot(), "sms", noon).allowed


# --- the gate, on the database


def test_the_gate_refuses_the_disputed_case_allows_its_notices_and_the_other_loan(
    daytime_zone,
) -> None:
    disputed, other = _two_loans(daytime_zone)
    _dispute(disputed)
    disputed = _fresh(disputed)

    refused = gate_contact(case=disputed, channel="sms")
    notice = gate_contact(case=disputed, channel="sms", legally_required=True)
    other_loan = gate_contact(case=other, channel="sms")

    assert (refused.allowed, refused.decision.rule) == (False, "disputed_debt")
    assert ContactDecision.objects.filter(case=disputed, rule="disputed_debt").exists()
    assert notice.allowed
    assert other_loan.allowed


def test_recording_a_dispute_pauses_the_case_and_cancels_its_queued_messages_only(
    daytime_zone,
) -> None:
    disputed, other = _two_loans(daytime_zone)
    queued_here, queued_there = enqueue(disputed, step="a"), enqueue(other, step="b")
    agent = make_user("agent1", "agent")

    dispute = _dispute(disputed, agent, details="Says 200 was paid in May")

    disputed, other = _fresh(disputed), _fresh(other)
    assert (disputed.state, disputed.pause_reason) == (CaseState.PAUSED, PauseReason.DISPUTE)
    assert other.state == CaseState.REMINDER
    queued_here.refresh_from_db()
    queued_there.refresh_from_db()
    assert (queued_here.status, queued_there.status) == ("cancelled", "queued")
    assert dispute.paused_case and dispute.status == Dispute.Status.OPEN
    # due: received + the US profile's 30 days; the timeline says who recorded it
    assert dispute.response_due_on == timezone.localdate() + dt.timedelta(days=30)
    event = CaseEvent.objects.filter(case=disputed, kind=CaseEvent.Kind.DISPUTE).get()
    assert event.actor == agent
    assert "answer due by" in event.reason


def test_the_response_due_date_follows_the_borrowers_profile(daytime_zone) -> None:
    case = make_case(daytime_zone, jurisdiction="CN", phone="+8613800138000")
    assert JurisdictionProfile.objects.get(code="CN", is_current=True).dispute_response_days == 15
    received = timezone.localdate() - dt.timedelta(days=2)
    dispute = _dispute(case, received_on=received)
    assert dispute.response_due_on == received + dt.timedelta(days=15)


def test_the_verification_goes_out_despite_the_dispute_and_only_then_lifts_the_hold(
    daytime_zone,
) -> None:
    case, _other = _two_loans(daytime_zone)
    dispute = _dispute(case)

    message = dispute_verification_send(dispute=dispute, channel="sms")

    # through the gate despite the dispute, as a legally required notice
    assert message.status == OutboundMessage.Status.SENDING
    assert message.legally_required and message.template_key == "dispute-verification"
    assert "Verification of the debt you disputed" in message.body
    # queued and claimed is not sent: the hold stands
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.OPEN
    assert not gate_contact(case=_fresh(case), channel="email").allowed
    assert _fresh(case).state == CaseState.PAUSED

    assert send_claimed([message.pk]).sent == 1

    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.VERIFICATION_SENT
    assert dispute.verification_sent_at is not None
    case = _fresh(case)
    assert (case.state, case.pause_reason) == (CaseState.REMINDER, "")
    assert gate_contact(case=case, channel="email").allowed
    reasons = list(
        CaseEvent.objects.filter(case=case).order_by("id").values_list("reason", flat=True)
    )
    assert any("Verification notice queued" in r for r in reasons)
    assert any("Verification notice sent" in r and "collection resumes" in r for r in reasons)


def test_a_second_verification_while_one_is_on_its_way_is_refused(daytime_zone) -> None:
    dispute = _dispute(make_case(daytime_zone))
    dispute_verification_send(dispute=dispute, channel="sms")
    with pytest.raises(ValidationError, match="already on its way"):
        dispute_verification_send(dispute=dispute, channel="email")
    assert OutboundMessage.objects.filter(template_key="dispute-verification").count() == 1


def test_a_verification_the_gate_cancels_leaves_the_dispute_open(daytime_zone) -> None:
    from collections_app.services.consents import consent_opt_out

    case = make_case(daytime_zone)
    dispute = _dispute(case)
    consent_opt_out(borrower=case.loan.borrower, channel="sms", source="agent")

    message = dispute_verification_send(dispute=dispute, channel="sms")

    assert (message.status, message.error_code) == ("cancelled", "opted_out")
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.OPEN
    # and another channel may be tried
    assert dispute_verification_send(dispute=dispute, channel="email").status == "sending"


def test_the_nightly_run_schedules_nothing_for_the_disputed_case() -> None:
    borrower = BorrowerFactory()
    disputed = night_case(dpd=40, loan__borrower=borrower)
    other = night_case(dpd=40, loan__borrower=borrower)
    _dispute(disputed)

    run_night(day(1))

    assert not OutboundMessage.objects.filter(case=disputed).exists()
    assert OutboundMessage.objects.filter(case=other).exists()  # the other loan goes on
    assert _fresh(disputed).state == CaseState.PAUSED


def test_a_dispute_on_a_case_paused_by_a_hold_does_not_resume_it_when_verified(
    daytime_zone,
) -> None:
    from collections_app.services.consents import hold_place

    case = make_case(daytime_zone)
    dispute = _dispute(case)
    hold_place(borrower=case.loan.borrower, kind="cease_communication", source="letter")
    message = dispute_verification_send(dispute=dispute, channel="sms")
    assert send_claimed([message.pk]).sent == 1  # a required notice passes the cease hold

    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.VERIFICATION_SENT
    assert _fresh(case).state == CaseState.PAUSED
    last = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.DISPUTE).latest("id")
    assert "stays paused" in last.reason


def test_bad_disputes_are_refused_with_nothing_written(daytime_zone) -> None:
    case = make_case(daytime_zone)
    with pytest.raises(ValidationError):
        _dispute(case, received_on=timezone.localdate() + dt.timedelta(days=1))
    _dispute(case)
    with pytest.raises(ValidationError, match="already has an unanswered dispute"):
        _dispute(case)
    assert Dispute.objects.filter(case=case).count() == 1


def test_rejected_needs_the_verification_first_upheld_keeps_the_case_paused(
    daytime_zone,
) -> None:
    case = make_case(daytime_zone)
    dispute = _dispute(case)
    with pytest.raises(ValidationError, match="Send the verification first"):
        dispute_close(dispute=dispute, outcome="rejected", response="Verified.")
    with pytest.raises(ValidationError):
        dispute_close(dispute=dispute, outcome="upheld", response="  ")

    dispute_close(dispute=dispute, outcome="upheld", response="Paid in May: we were wrong.")

    dispute.refresh_from_db()
    assert (dispute.status, dispute.outcome) == ("closed", "upheld")
    assert _fresh(case).state == CaseState.PAUSED


def test_closing_rejected_after_verification_sends_the_response_as_a_required_notice(
    daytime_zone,
) -> None:
    case = make_case(daytime_zone)
    dispute = _dispute(case)
    send_claimed([dispute_verification_send(dispute=dispute, channel="sms").pk])

    dispute_close(
        dispute=Dispute.objects.get(pk=dispute.pk),
        outcome="rejected",
        response="Our records show the balance is right.",
        send_by="sms",
    )

    dispute.refresh_from_db()
    response = dispute.response_message
    assert (dispute.status, response.template_key, response.legally_required) == (
        "closed",
        "dispute-response",
        True,
    )
    assert "Our records show the balance is right." in response.body
    send_claimed([response.pk])
    dispute.refresh_from_db()
    assert dispute.response_sent_at is not None


def test_withdrawing_an_open_dispute_lifts_the_hold(daytime_zone) -> None:
    case = make_case(daytime_zone)
    dispute = _dispute(case)
    dispute_withdraw(dispute=dispute, note="Borrower called back: found the payment")
    dispute.refresh_from_db()
    assert (dispute.status, dispute.outcome) == ("withdrawn", "withdrawn")
    assert _fresh(case).state == CaseState.REMINDER
    assert gate_contact(case=_fresh(case), channel="sms").allowed


def test_a_disputed_case_resumed_by_hand_is_still_not_collected_by_the_nightly_run() -> None:
    from collections_app.services.cases import case_transition

    disputed = night_case(dpd=40)
    _dispute(disputed)
    case_transition(case=_fresh(disputed), name="resume", actor=make_user("sup", "supervisor"))
    assert _fresh(disputed).state == CaseState.REMINDER

    run = run_night(day(1))

    assert not OutboundMessage.objects.filter(case=disputed).exists()
    assert run.totals.get("held") == 1
    assert _fresh(disputed).state == CaseState.REMINDER


def test_the_independent_audit_flags_collection_contact_about_a_disputed_debt_only() -> None:
    from collections_app.compliance.audit import BorrowerRules, Contact, audit

    profile = Profile(code="US", version=1, window_start=dt.time(8), window_end=dt.time(21))
    start = dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC)
    rules = BorrowerRules(profile=profile, zones=("UTC",))
    rules.disputes.append((1, start, start + dt.timedelta(days=2)))

    def contact(case_id: int, days: float, required: bool = False) -> Contact:
        at = start + dt.timedelta(days=days)
        return Contact(1, case_id, "sms", "+14155550100", at, "delivered", required)

    contacts = [
        contact(1, 1),  # collection message about the disputed debt: a violation
        contact(1, 1.01, required=True),  # the verification
        contact(2, 1.02),  # the borrower's other loan
        contact(1, 3),  # after the verification went out
    ]
    found = audit(contacts, {1: rules})
    assert [(v.rule, v.contact) for v in found] == [("disputed_debt", contacts[0])]
