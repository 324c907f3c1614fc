"""Automatic assignment on entering negotiation, and bulk reassignment."""

import pytest
from django.core.exceptions import PermissionDenied

from collections_app.models import AgentProfile, CaseEvent, CollectionCase
from collections_app.services.assignment import agent_pick_for_case, cases_reassign
from collections_app.services.cases import case_assign, case_transition
from collections_app.states import CaseState
from tests.factories import BorrowerFactory, CaseFactory, LoanFactory, make_user


def agent_with(username: str, **profile) -> object:
    user = make_user(username, "agent")
    AgentProfile.objects.create(user=user, **profile)
    return user


def case_for(jurisdiction: str = "US", language: str = "en") -> CollectionCase:
    borrower = BorrowerFactory(jurisdiction=jurisdiction, preferred_language=language)
    return CaseFactory(loan=LoanFactory(borrower=borrower))


@pytest.mark.django_db
def test_entering_negotiation_gives_the_case_to_the_least_loaded_matching_agent() -> None:
    # given: two US agents, one already working two open cases; a CN agent with none
    busy = agent_with("busy", jurisdictions=["US"])
    free = agent_with("free", jurisdictions=["US"], languages=["en"])
    agent_with("china", jurisdictions=["CN"])
    for _ in range(2):
        case_assign(case=case_for(), agent=busy, actor=None)
    case = case_for("US", "en")

    # when
    case_transition(case=case, name="start_negotiation")

    # then: the free US agent got it, and the assignment is audited as the system's
    assert CollectionCase.objects.get(pk=case.pk).assigned_agent == free
    event = case.events.get(kind=CaseEvent.Kind.ASSIGNMENT)
    assert event.actor is None
    assert event.data == {"from_agent": None, "to_agent": free.pk}


@pytest.mark.django_db
def test_language_must_match_and_agents_on_leave_or_inactive_are_skipped() -> None:
    agent_with("english_only", languages=["en"])
    agent_with("on_leave", accepts_cases=False)
    inactive = agent_with("gone")
    inactive.is_active = False
    inactive.save()
    chinese = agent_with("chinese", languages=["zh-Hans"])

    assert agent_pick_for_case(case=case_for("CN", "zh-Hans")) == chinese


@pytest.mark.django_db
def test_no_matching_agent_leaves_the_case_unassigned() -> None:
    agent_with("us_only", jurisdictions=["US"])
    case = case_for("CN", "zh-Hans")
    case_transition(case=case, name="start_negotiation")
    assert CollectionCase.objects.get(pk=case.pk).assigned_agent is None
    assert not case.events.filter(kind=CaseEvent.Kind.ASSIGNMENT).exists()


@pytest.mark.django_db
def test_a_case_keeps_its_active_agent_when_it_comes_back_to_negotiation() -> None:
    keeper = agent_with("keeper")
    agent_with("idle")
    case = case_for()
    case_assign(case=case, agent=keeper, actor=None)
    case_transition(case=case, name="escalate")
    case_transition(case=case, name="start_negotiation")
    assert CollectionCase.objects.get(pk=case.pk).assigned_agent == keeper


@pytest.mark.django_db
def test_users_without_an_agent_profile_are_not_assigned() -> None:
    make_user("no_profile", "agent")
    case = case_for()
    case_transition(case=case, name="start_negotiation")
    assert CollectionCase.objects.get(pk=case.pk).assigned_agent is None


@pytest.mark.django_db
def test_bulk_reassign_moves_open_cases_with_one_audit_row_each(supervisor, agent) -> None:
    open_cases = [CaseFactory() for _ in range(3)]
    closed = CaseFactory()
    case_transition(case=closed, name="resolve")
    already = CaseFactory(assigned_agent=agent)

    changed = cases_reassign(
        case_ids=[c.pk for c in [*open_cases, closed, already]], agent=agent, actor=supervisor
    )

    assert changed == 3
    assert set(
        CollectionCase.objects.filter(assigned_agent=agent).values_list("pk", flat=True)
    ) == {c.pk for c in [*open_cases, already]}
    events = CaseEvent.objects.filter(kind=CaseEvent.Kind.ASSIGNMENT)
    assert sorted(events.values_list("case_id", flat=True)) == sorted(c.pk for c in open_cases)
    assert {e.actor_id for e in events} == {supervisor.pk}


@pytest.mark.django_db
def test_only_supervisors_may_reassign(agent) -> None:
    case = CaseFactory()
    with pytest.raises(PermissionDenied):
        cases_reassign(case_ids=[case.pk], agent=agent, actor=agent)
    assert CollectionCase.objects.get(pk=case.pk).assigned_agent is None


@pytest.mark.django_db
def test_reassign_to_nobody_unassigns(supervisor, agent) -> None:
    case = CaseFactory(assigned_agent=agent)
    assert cases_reassign(case_ids=[case.pk], agent=None, actor=supervisor) == 1
    assert CollectionCase.objects.get(pk=case.pk).assigned_agent is None
    assert CollectionCase.objects.get(pk=case.pk).state == CaseState.REMINDER
