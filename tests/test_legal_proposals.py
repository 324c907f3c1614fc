"""A policy rule only proposes legal; a person with the legal role confirms the referral, and only
then is the borrower told (services/legal.py, the nightly run's _write_proposals)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from collections_app.models import CaseEvent, ContactAttempt, LegalProposal, OutboundMessage
from collections_app.outreach import copy
from collections_app.services.cases import case_transition
from collections_app.services.legal import (
    EmptyReason,
    legal_proposals_approve,
    legal_proposals_reject,
)
from collections_app.services.payments import payment_record
from collections_app.states import CaseState
from tests.escalation_helpers import day, make_case, run_night
from tests.factories import make_user

pytestmark = pytest.mark.django_db
Status = LegalProposal.Status


def _legal_candidate(*, reached: bool = True, **kw):
    """An escalation case the default `dpd-90-no-contact` rule matches 20 days later; `reached`:
    an SMS reached the borrower 40 days ago (outside the rule's 30 days without contact)."""
    case = make_case(dpd=95, state=CaseState.ESCALATION, amount_overdue=800, **kw)
    if reached:
        ContactAttempt.objects.create(
            borrower=case.loan.borrower,
            case=case,
            channel="sms",
            address=case.loan.borrower.phone,
            occurred_at=timezone.now() - dt.timedelta(days=40),
            outcome=ContactAttempt.Outcome.DELIVERED,
        )
    return case


def _legal_messages(case):
    return OutboundMessage.objects.filter(case=case, template_key__startswith="legal")


def test_the_nightly_run_never_refers_a_case_or_says_it_was_referred() -> None:
    case = _legal_candidate()
    run_night(day(20))
    case.refresh_from_db()
    assert case.state == CaseState.ESCALATION
    assert not _legal_messages(case).exists()


def test_it_proposes_instead_with_what_a_legal_officer_needs_to_decide() -> None:
    case = _legal_candidate()
    run = run_night(day(20))
    proposal = LegalProposal.objects.get(case=case)
    assert (proposal.status, proposal.rule) == (Status.PROPOSED, "dpd-90-no-contact")
    assert (proposal.policy_key, proposal.policy_version, proposal.run_date) == (
        "us-default",
        1,
        day(20),
    )
    assert proposal.reasons["days_past_due"] == 115
    assert proposal.reasons["days_in_stage"] == 20
    assert proposal.reasons["reach"] == {"delivered_messages": 1, "right_party_calls": 0}
    # on the timeline, citing the policy like every automated event
    event = case.events.get(kind=CaseEvent.Kind.LEGAL)
    assert (event.data["rule"], event.data["policy"], event.actor) == (
        "dpd-90-no-contact",
        "us-default",
        None,
    )
    assert run.totals["legal_proposed"] == 1
    assert "transition:refer_to_legal" not in {f"transition:{k}" for k in run.transitions}


def test_a_borrower_we_never_reached_is_never_proposed() -> None:
    case = _legal_candidate(reached=False)
    # a call that rang out and one that went to voicemail are not reach
    for outcome in (ContactAttempt.Outcome.UNANSWERED, ContactAttempt.Outcome.VOICEMAIL):
        ContactAttempt.objects.create(
            borrower=case.loan.borrower,
            channel="voice",
            address=case.loan.borrower.phone,
            occurred_at=timezone.now() - dt.timedelta(days=40),
            outcome=outcome,
        )
    run = run_night(day(20))
    assert not LegalProposal.objects.filter(case=case).exists()
    assert run.totals["legal_not_reached"] == 1


def test_a_right_party_call_is_reach() -> None:
    case = _legal_candidate(reached=False)
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.CONTACT, data={"channel": "voice", "right_party": True}
    )
    run_night(day(20))
    assert LegalProposal.objects.filter(case=case, status=Status.PROPOSED).exists()


def test_one_proposal_per_stay_in_escalation_even_after_a_rejection() -> None:
    officer = make_user("lawyer", "legal")
    case = _legal_candidate()
    run_night(day(20))
    run_night(day(21))  # still open: not proposed twice
    assert LegalProposal.objects.filter(case=case).count() == 1
    legal_proposals_reject(
        proposal_ids=[case.legal_proposals.get().pk], actor=officer, reason="Wait for the court"
    )
    run_night(day(22))  # rejected: not proposed again while the case stays where it is
    assert list(case.legal_proposals.values_list("status", flat=True)) == [Status.REJECTED]
    event = case.events.filter(kind=CaseEvent.Kind.LEGAL).latest("pk")
    assert (event.actor, event.reason) == (
        officer,
        "Legal referral proposal rejected: Wait for the court",
    )


def test_a_legal_officer_approves_and_only_then_the_case_is_referred_and_told() -> None:
    officer = make_user("lawyer", "legal")
    case = _legal_candidate()
    run_night(day(20))
    proposal = case.legal_proposals.get()
    assert not _legal_messages(case).exists()
    # when
    counts = legal_proposals_approve(
        proposal_ids=[proposal.pk], actor=officer, reason="Strategic, 115 days, reached"
    )
    # then: referred by the officer through the FSM, with the proposal cited
    assert counts == {"referred": 1}
    case.refresh_from_db()
    assert case.state == CaseState.LEGAL
    move = case.events.filter(kind=CaseEvent.Kind.TRANSITION).latest("pk")
    assert (move.actor, move.to_state, move.data["legal_proposal"]) == (
        officer,
        CaseState.LEGAL,
        proposal.pk,
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by, proposal.decision_reason) == (
        Status.APPROVED,
        officer,
        "Strategic, 115 days, reached",
    )
    # and the referral notice is queued today, keyed like the nightly run's steps
    (notice,) = _legal_messages(case)
    today = timezone.localdate()
    assert (notice.template_key, notice.status) == ("legal-day0-email", "queued")
    assert notice.idempotency_key == f"{case.pk}:legal:0:email:{today.isoformat()}"
    # approving again does nothing
    assert legal_proposals_approve(proposal_ids=[proposal.pk], actor=officer, reason="x") == {
        "already_decided": 1
    }


def test_a_referral_from_the_case_page_approves_the_open_proposal_and_sends_the_notice() -> None:
    officer = make_user("lawyer", "legal")
    case = _legal_candidate()
    run_night(day(20))
    case_transition(case=case, name="refer_to_legal", actor=officer, reason="Referred by hand")
    assert case.legal_proposals.get().status == Status.APPROVED
    assert _legal_messages(case).count() == 1


def test_resuming_a_paused_legal_case_does_not_tell_the_borrower_again() -> None:
    case = _legal_candidate()
    case_transition(case=case, name="refer_to_legal")
    assert _legal_messages(case).count() == 1
    case_transition(case=case, name="pause")
    case_transition(case=case, name="resume")
    assert case.state == CaseState.LEGAL
    assert list(_legal_messages(case).values_list("status", flat=True)) == ["cancelled"]


def test_a_case_that_leaves_escalation_withdraws_its_proposal() -> None:
    case = _legal_candidate()
    run_night(day(20))
    payment_record(
        loan=case.loan,
        external_id="paid-all",
        amount=Decimal("800"),
        currency="USD",
        received_at=timezone.now(),
    )
    case.refresh_from_db()
    assert case.state == CaseState.RESOLVED
    proposal = case.legal_proposals.get()
    assert proposal.status == Status.WITHDRAWN
    event = case.events.filter(kind=CaseEvent.Kind.LEGAL).latest("pk")
    assert event.reason == "Legal referral proposal withdrawn: the case moved to resolved"
    officer = make_user("lawyer", "legal")
    assert legal_proposals_approve(proposal_ids=[proposal.pk], actor=officer, reason="x") == {
        "already_decided": 1
    }


def test_only_the_legal_role_decides_and_always_with_a_reason(agent) -> None:
    case = _legal_candidate()
    run_night(day(20))
    ids = [case.legal_proposals.get().pk]
    with pytest.raises(PermissionDenied):
        legal_proposals_approve(proposal_ids=ids, actor=agent, reason="looks right")
    with pytest.raises(PermissionDenied):
        legal_proposals_reject(proposal_ids=ids, actor=agent, reason="no")
    with pytest.raises(EmptyReason):
        legal_proposals_approve(proposal_ids=ids, actor=make_user("lawyer", "legal"), reason=" ")
    assert case.legal_proposals.get().status == Status.PROPOSED


def test_no_wording_outside_the_legal_stage_says_a_referral_happened() -> None:
    for stage, texts in copy.CONSEQUENCES.items():
        for text in texts.values():
            said = "has been referred" in text or "已移交" in text
            assert said == (stage == CaseState.LEGAL), (stage, text)


# --- the admin: the proposals list and its two actions ------------------------------------------


def _changelist() -> str:
    return reverse("admin:collections_app_legalproposal_changelist")


def test_a_legal_officer_approves_selected_proposals_in_admin_with_a_reason(client) -> None:
    officer = make_user("lawyer", "legal")
    cases = [_legal_candidate() for _ in range(2)]
    run_night(day(20))
    ids = [str(p.pk) for p in LegalProposal.objects.order_by("pk")]
    client.force_login(officer)
    assert client.get(_changelist()).status_code == 200
    form = {"action": "approve_referrals", "_selected_action": ids}
    # the first post asks for the reason; an empty reason is refused with a message
    assert "legal-decision-form" in client.post(_changelist(), form).content.decode()
    refused = client.post(_changelist(), {**form, "apply": "1", "reason": "  "})
    assert refused.status_code == 200
    assert "the reason is kept with the decision" in refused.content.decode()
    assert LegalProposal.objects.filter(status=Status.PROPOSED).count() == 2
    # when
    done = client.post(_changelist(), {**form, "apply": "1", "reason": "Both reached, 115 dpd"})
    # then
    assert done.status_code == 302
    for case in cases:
        case.refresh_from_db()
        assert case.state == CaseState.LEGAL
    page = client.get(done.url).content.decode()
    assert "2 referred to legal" in page


def test_other_roles_cannot_open_or_decide_proposals(client, agent, supervisor) -> None:
    _legal_candidate()
    run_night(day(20))
    ids = [str(LegalProposal.objects.get().pk)]
    for user in (agent, supervisor):
        client.force_login(user)
        assert client.get(_changelist()).status_code == 403
        posted = client.post(
            _changelist(),
            {"action": "approve_referrals", "_selected_action": ids, "apply": "1", "reason": "x"},
        )
        assert posted.status_code == 403
    assert LegalProposal.objects.get().status == Status.PROPOSED
