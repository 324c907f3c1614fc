"""Entering a state has the same effects whichever path moves the case (services/case_entry.py)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from collections_app.models import (
    AgentProfile,
    CaseEvent,
    CollectionCase,
    ContactHold,
    LegalProposal,
)
from collections_app.outreach.outbox import outbox_enqueue
from collections_app.services.case_entry import CaseMove, cases_move
from collections_app.services.cases import case_transition
from collections_app.services.payments import payment_record
from collections_app.states import TRANSITIONS, CaseState, CloseReason, PauseReason
from tests.escalation_helpers import day, make_case, run_night
from tests.factories import BorrowerFactory, CaseFactory, make_user
from tests.helpers import bring_to

pytestmark = pytest.mark.django_db


def _hardship_case() -> CollectionCase:
    """A reminder case the default policy's `hardship-offer-plan` rule moves overnight."""
    case = make_case(dpd=5, loan__lender_data={"income_band": "low"})
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.REPLY, reason="can't pay all now")
    payment_record(
        loan=case.loan,
        external_id=f"p-{case.pk}",
        amount=Decimal("20"),
        currency="USD",
        received_at=timezone.now(),
    )
    return case


def test_a_case_the_nightly_run_moves_to_negotiation_gets_an_agent() -> None:
    # given: one agent who serves US borrowers, and a hardship case in reminder
    agent = make_user("night-agent", "agent")
    AgentProfile.objects.create(user=agent, jurisdictions=["US"])
    case = _hardship_case()
    # when: the night moves it reminder -> negotiation (hardship-offer-plan)
    run_night(day(1))
    # then: the agent has it, with the system's audit row, as when a person moves it
    case.refresh_from_db()
    assert case.state == CaseState.NEGOTIATION
    assert case.assigned_agent == agent
    event = case.events.get(kind=CaseEvent.Kind.ASSIGNMENT)
    assert (event.actor, event.data) == (None, {"from_agent": None, "to_agent": agent.pk})


# --- every transition through both paths -------------------------------------------------------

# (transition, source, its arguments): every source of every transition in the table, and the
# arguments that change what entering does (a borrower-level pause reason, a close reason).
MOVES = (
    [
        (name, source, {})
        for name, spec in TRANSITIONS.items()
        for source in spec.sources
        if name != "resume"
    ]
    + [
        ("resume", f"paused_from_{state}", {})
        for state in (
            CaseState.REMINDER,
            CaseState.NEGOTIATION,
            CaseState.ESCALATION,
            CaseState.LEGAL,
        )
    ]
    + [
        ("pause", CaseState.NEGOTIATION, {"pause_reason": PauseReason.HARDSHIP}),
        ("pause", CaseState.REMINDER, {"pause_reason": PauseReason.CEASE_COMMUNICATION}),
        ("pause", CaseState.ESCALATION, {"pause_reason": PauseReason.BANKRUPTCY}),
        ("resolve", CaseState.LEGAL, {"close_reason": CloseReason.SETTLED}),
        ("write_off", CaseState.PAUSED, {"close_reason": CloseReason.DECEASED}),
    ]
)


def _arrive(source: str) -> CollectionCase:
    """A case in `source` ("paused_from_<state>": paused from that state) whose borrower has a
    second, active loan, a queued message, a due next action and, in escalation, an open legal
    proposal: everything entering a state may touch."""
    borrower = BorrowerFactory()
    if source.startswith("paused_from_"):
        case = bring_to(CaseFactory(loan__borrower=borrower), source.removeprefix("paused_from_"))
        case_transition(case=case, name="pause", reason="test setup")
    else:
        case = bring_to(CaseFactory(loan__borrower=borrower), source)
    CaseFactory(loan__borrower=borrower)  # the other loan
    outbox_enqueue(
        case=case,
        channel="sms",
        template_key="reminder-day0-sms",
        step="parity",
        scheduled_at=timezone.now() + dt.timedelta(hours=1),
    )
    CollectionCase.objects.filter(pk=case.pk).update(next_action_at=timezone.now())
    if case.state == CaseState.ESCALATION:
        LegalProposal.objects.create(
            case=case, rule="parity", policy_key="us-default", policy_version=1
        )
    case.refresh_from_db()
    return case


def _rows(case: CollectionCase, after_event: int) -> dict:
    """What a move left behind, without ids and timestamps that differ between two cases."""
    case.refresh_from_db()
    other = CollectionCase.objects.exclude(pk=case.pk).get(loan__borrower=case.loan.borrower)

    def events(c):
        return [
            (e.kind, e.from_state, e.to_state, e.actor_id, {**e.data, "hold": "-"})
            if e.kind == CaseEvent.Kind.TRANSITION
            else (e.kind, e.from_state, e.to_state, e.actor_id, e.data.get("status"))
            for e in c.events.filter(pk__gt=after_event).order_by("pk")
        ]

    return {
        "case": (
            case.state,
            case.paused_from,
            case.pause_reason,
            case.close_reason,
            case.closed_at is not None,
            case.next_action_at is None,
            case.assigned_agent_id,
        ),
        "events": events(case),
        "messages": sorted(case.messages.values_list("template_key", "status")),
        "proposals": sorted(case.legal_proposals.values_list("status", "decision_reason")),
        "holds": sorted(
            ContactHold.objects.filter(borrower=case.loan.borrower).values_list(
                "kind", "released_at"
            )
        ),
        "other_loan": (other.state, other.pause_reason, events(other)),
    }


def _last_event() -> int:
    return CaseEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.mark.parametrize(("name", "source", "params"), MOVES)
def test_every_transition_leaves_the_same_rows_by_either_path(name, source, params) -> None:
    # given: one agent to assign, and two identical cases (each with its own borrower)
    agent = make_user("parity-agent", "agent")
    AgentProfile.objects.create(user=agent)
    by_person, by_bulk = _arrive(source), _arrive(source)
    mark = _last_event()
    # when: one moves through django-fsm, the other through the bulk path the nightly run uses
    case_transition(case=by_person, name=name, reason="parity", **params)
    person_agent = by_person.assigned_agent_id
    target = TRANSITIONS[name].target or by_bulk.paused_from
    with transaction.atomic():
        cases_move(
            moves=[
                CaseMove(
                    case_id=by_bulk.pk,
                    transition=name,
                    source=by_bulk.state,
                    target=target,
                    params=params,
                    reason="parity",
                )
            ]
        )
    # then: the same rows (agents aside: the one agent gets both, the in-memory case too)
    person, bulk = _rows(by_person, mark), _rows(by_bulk, mark)
    assert person == bulk
    assert person_agent == by_person.assigned_agent_id


# --- set-based assignment ----------------------------------------------------------------------


def _enter_negotiation(cases: list[CollectionCase]) -> None:
    with transaction.atomic():
        cases_move(
            moves=[
                CaseMove(
                    case_id=c.pk,
                    transition="start_negotiation",
                    source=CaseState.REMINDER,
                    target=CaseState.NEGOTIATION,
                )
                for c in cases
            ]
        )


def test_many_cases_entering_at_once_are_spread_counting_the_batch_s_own_assignments() -> None:
    # given: two US agents, one already working a case; four reminder cases
    busy, free = (make_user(n, "agent") for n in ("busy", "free"))
    for user in (busy, free):
        AgentProfile.objects.create(user=user, jurisdictions=["US"])
    CaseFactory(assigned_agent=busy)
    cases = [CaseFactory() for _ in range(4)]
    # when: they enter negotiation in one bulk move
    _enter_negotiation(cases)
    # then: the loads end even (3 and 3), not all four on whoever was least loaded at the start
    got = [CollectionCase.objects.get(pk=c.pk).assigned_agent_id for c in cases]
    # (ties go to the agent who joined first)
    assert got == [free.pk, busy.pk, free.pk, busy.pk]
    # and one system audit row per assignment
    events = CaseEvent.objects.filter(kind=CaseEvent.Kind.ASSIGNMENT, case__in=cases)
    assert sorted(events.values_list("case_id", "actor_id")) == sorted((c.pk, None) for c in cases)


def test_a_bulk_assignment_costs_the_same_statements_for_ten_cases_as_for_forty() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    agents = [make_user(f"agent-{i}", "agent") for i in range(3)]
    for user in agents:
        AgentProfile.objects.create(user=user)

    def statements(n: int) -> int:
        cases = [CaseFactory() for _ in range(n)]
        with CaptureQueriesContext(connection) as captured:
            _enter_negotiation(cases)
        assert (
            CollectionCase.objects.filter(pk__in=[c.pk for c in cases])
            .exclude(assigned_agent=None)
            .count()
            == n
        )
        return len(captured)

    assert statements(10) == statements(40)
