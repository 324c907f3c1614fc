"""A time-barred debt never enters legal (12 CFR 1006.26(b)): django-fsm's path (a person's
referral, a resume), the bulk path (case_entry.cases_move), the nightly run's proposals and their
approval all refuse it, and the refusal is recorded with its reason."""

import datetime as dt

import pytest
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from collections_app.models import CaseEvent, ContactAttempt, LegalProposal
from collections_app.selectors.debt_status import SuitForbidden
from collections_app.services.case_entry import CaseMove, cases_move
from collections_app.services.cases import case_transition
from collections_app.services.legal import legal_proposals_approve
from collections_app.states import CaseState, PauseReason
from tests.escalation_helpers import TODAY, day, make_case, run_night
from tests.factories import make_user

pytestmark = pytest.mark.django_db

# NY: 3 years (CPLR 214-i). Overdue since this day, the last day to sue is 3 years later.
NY_START = TODAY - dt.timedelta(days=3 * 366)


def _case(*, overdue_since: dt.date, region: str = "NY", state=CaseState.ESCALATION, **kw):
    case = make_case(state=state, loan__borrower__region=region, amount_overdue=800, **kw)
    # overdue_since is set after the case is brought to its state (the moves need a debt
    # within its period only for legal)
    case.overdue_since = overdue_since
    case.save(update_fields=["overdue_since"])
    return case


def _last_day(start: dt.date) -> dt.date:
    return start.replace(year=start.year + 3)


def test_the_fsm_refers_a_debt_on_its_last_day_and_refuses_it_the_day_after() -> None:
    within = _case(overdue_since=TODAY.replace(year=TODAY.year - 3))  # last day: today
    case_transition(case=within, name="refer_to_legal", reason="suit")
    assert within.state == CaseState.LEGAL

    barred = _case(overdue_since=TODAY.replace(year=TODAY.year - 3) - dt.timedelta(days=1))
    with pytest.raises(SuitForbidden) as refused:
        case_transition(case=barred, name="refer_to_legal", reason="suit")
    assert isinstance(refused.value, TransitionNotAllowed)
    barred.refresh_from_db()
    assert barred.state == CaseState.ESCALATION
    event = barred.events.get(kind=CaseEvent.Kind.COMPLIANCE)
    assert "time-barred" in event.reason and "1006.26(b)" in event.reason
    assert event.data["limitation"] == "time_barred"
    assert event.data["limitation_last_day"] == (TODAY - dt.timedelta(days=1)).isoformat()


def test_the_model_method_itself_refuses() -> None:
    barred = _case(overdue_since=NY_START)
    with pytest.raises(SuitForbidden):
        barred.refer_to_legal()
    assert barred.state == CaseState.ESCALATION


def test_a_state_without_a_rule_cannot_be_referred_either() -> None:
    unknown = _case(overdue_since=TODAY - dt.timedelta(days=100), region="")
    with pytest.raises(SuitForbidden) as refused:
        case_transition(case=unknown, name="refer_to_legal", reason="suit")
    assert "cannot be shown to be within its limitation period" in str(refused.value.reason)


def test_a_paused_legal_case_does_not_resume_into_legal_once_time_barred() -> None:
    case = _case(overdue_since=TODAY - dt.timedelta(days=100), state=CaseState.LEGAL)
    case_transition(case=case, name="pause", pause_reason=PauseReason.HARDSHIP)
    case.overdue_since = NY_START
    case.save(update_fields=["overdue_since"])
    with pytest.raises(SuitForbidden):
        case_transition(case=case, name="resume")
    case.refresh_from_db()
    assert case.state == CaseState.PAUSED


def test_the_bulk_path_refuses_a_move_into_legal_for_a_time_barred_debt() -> None:
    within = _case(overdue_since=TODAY - dt.timedelta(days=100))
    barred = _case(overdue_since=NY_START)
    moves = [
        CaseMove(
            case_id=c.pk,
            transition="refer_to_legal",
            source=CaseState.ESCALATION,
            target=CaseState.LEGAL,
            reason="bulk",
        )
        for c in (within, barred)
    ]
    with pytest.raises(SuitForbidden):
        cases_move(moves=moves)
    # nothing of the batch was written
    for case in (within, barred):
        case.refresh_from_db()
        assert case.state == CaseState.ESCALATION
    cases_move(moves=moves[:1])
    within.refresh_from_db()
    assert within.state == CaseState.LEGAL


def _reached(case) -> None:
    ContactAttempt.objects.create(
        borrower=case.loan.borrower,
        case=case,
        channel="sms",
        address=case.loan.borrower.phone,
        occurred_at=timezone.now() - dt.timedelta(days=40),
        outcome=ContactAttempt.Outcome.DELIVERED,
    )


def test_the_nightly_run_does_not_propose_a_time_barred_debt_and_says_why() -> None:
    # The default dpd-90-no-contact rule matches both 20 days from now.
    within = _case(overdue_since=day(20) - dt.timedelta(days=120))
    barred = _case(overdue_since=NY_START)
    for case in (within, barred):
        _reached(case)
    run = run_night(day(20))
    assert LegalProposal.objects.get(case=within).status == LegalProposal.Status.PROPOSED
    refused = LegalProposal.objects.get(case=barred)
    assert refused.status == LegalProposal.Status.REJECTED
    assert refused.decided_by is None and "time-barred" in refused.decision_reason
    assert refused.reasons["limitation"] == "time_barred"
    event = barred.events.get(kind=CaseEvent.Kind.LEGAL)
    assert "does not propose" in event.reason
    assert run.totals["legal_time_barred"] == 1
    assert run.totals["legal_proposed"] == 1
    # once per stay in escalation: the next night does not refuse (or propose) it again
    run_night(day(21))
    assert LegalProposal.objects.filter(case=barred).count() == 1


def test_approving_a_proposal_whose_debt_became_time_barred_refuses_it() -> None:
    case = _case(overdue_since=day(20) - dt.timedelta(days=120))
    _reached(case)
    run_night(day(20))
    proposal = LegalProposal.objects.get(case=case, status=LegalProposal.Status.PROPOSED)
    case.overdue_since = NY_START
    case.save(update_fields=["overdue_since"])
    officer = make_user("lex", "legal")
    counts = legal_proposals_approve(proposal_ids=[proposal.pk], actor=officer, reason="sue")
    assert counts == {"time_barred": 1}
    proposal.refresh_from_db()
    assert proposal.status == LegalProposal.Status.REJECTED
    assert "time-barred" in proposal.decision_reason
    case.refresh_from_db()
    assert case.state == CaseState.ESCALATION


def test_the_case_page_shows_a_time_barred_debt(client) -> None:
    from collections_app.selectors.holds import active_restrictions

    within = _case(overdue_since=TODAY - dt.timedelta(days=100))
    assert active_restrictions(within.loan.borrower, within) == []
    barred = _case(overdue_since=NY_START)
    (shown,) = active_restrictions(barred.loan.borrower, barred)
    assert (shown.kind, shown.code, shown.severe) == ("debt", "time_barred", False)
    assert shown.since == _last_day(NY_START) + dt.timedelta(days=1)
    assert "time-barred" in shown.detail


def test_cn_a_payment_reported_or_recorded_restarts_the_three_years() -> None:
    from decimal import Decimal

    from collections_app.models import Payment

    old = TODAY - dt.timedelta(days=4 * 366)
    reported = _case(overdue_since=old, loan__borrower__jurisdiction="CN")
    with pytest.raises(SuitForbidden):
        case_transition(case=reported, name="refer_to_legal")
    reported.loan.last_payment_date = TODAY - dt.timedelta(days=366)  # the lender's report
    reported.loan.save(update_fields=["last_payment_date"])
    case_transition(case=reported, name="refer_to_legal")
    assert reported.state == CaseState.LEGAL

    recorded = _case(overdue_since=old, loan__borrower__jurisdiction="CN")
    Payment.objects.create(
        external_id="P-1",
        loan=recorded.loan,
        case=recorded,
        amount=Decimal("10.00"),
        currency="USD",
        received_at=timezone.now() - dt.timedelta(days=30),
    )
    case_transition(case=recorded, name="refer_to_legal")
    assert recorded.state == CaseState.LEGAL
