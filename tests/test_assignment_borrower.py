"""One agent per borrower: assignment follows the borrower, automatic and by hand."""

import pytest
from django.urls import reverse

from collections_app.models import AgentProfile, CaseEvent, CollectionCase
from collections_app.services.assignment import (
    agent_pick_for_case,
    borrower_open_case_ids,
    cases_auto_assign,
    cases_reassign,
)
from collections_app.services.cases import case_assign, case_transition
from tests.factories import BorrowerFactory, CaseFactory, LoanFactory, make_user
from tests.helpers import without_phrase

pytestmark = pytest.mark.django_db


def agent_with(username: str, **profile) -> object:
    user = make_user(username, "agent")
    AgentProfile.objects.create(user=user, **profile)
    return user


def loans_of(borrower, n: int) -> list[CollectionCase]:
    return [CaseFactory(loan=LoanFactory(borrower=borrower)) for _ in range(n)]


def agent_of(case: CollectionCase):
    return CollectionCase.objects.get(pk=case.pk).assigned_agent


def test_a_new_case_goes_to_the_agent_of_the_borrowers_other_open_case() -> None:
    # given: the borrower's first loan is with "owner", who is the busier of two agents
    owner = agent_with("owner")
    agent_with("idle")
    borrower = BorrowerFactory()
    first, second = loans_of(borrower, 2)
    case_transition(case=first, name="start_negotiation")
    assert agent_of(first).username in {"owner", "idle"}
    case_assign(case=first, agent=owner, actor=None)
    for _ in range(3):
        case_assign(case=CaseFactory(), agent=owner, actor=None)

    # when: the second loan's case enters negotiation
    assert agent_pick_for_case(case=second) == owner
    case_transition(case=second, name="start_negotiation")

    # then: the same agent, though another one has fewer cases
    assert agent_of(second) == owner


def test_two_new_cases_of_one_borrower_in_one_run_go_to_one_agent() -> None:
    agent_with("a")
    agent_with("b")
    borrower = BorrowerFactory()
    cases = loans_of(borrower, 2)
    other = CaseFactory()

    chosen = cases_auto_assign(case_ids=[c.pk for c in [*cases, other]])

    assert chosen[cases[0].pk] == chosen[cases[1].pk]
    assert chosen[other.pk] != chosen[cases[0].pk]  # the load still balances across borrowers


def test_an_inactive_owner_does_not_keep_the_borrower() -> None:
    gone = agent_with("gone")
    here = agent_with("here")
    borrower = BorrowerFactory()
    first, second = loans_of(borrower, 2)
    case_assign(case=first, agent=gone, actor=None)
    gone.is_active = False
    gone.save()

    assert cases_auto_assign(case_ids=[second.pk]) == {second.pk: here.pk}


def test_a_closed_case_does_not_make_an_owner() -> None:
    before = agent_with("before")
    now = agent_with("now")
    borrower = BorrowerFactory()
    old = CaseFactory(loan=LoanFactory(borrower=borrower), assigned_agent=before)
    case_transition(case=old, name="resolve")
    new = CaseFactory(loan=LoanFactory(borrower=borrower))
    for _ in range(2):
        case_assign(case=CaseFactory(), agent=before, actor=None)

    assert cases_auto_assign(case_ids=[new.pk]) == {new.pk: now.pk}


def test_reassigning_one_case_reassigns_all_the_borrowers_open_cases(supervisor) -> None:
    old = agent_with("old")
    new = agent_with("new")
    borrower = BorrowerFactory()
    one, two, closed = loans_of(borrower, 3)
    for case in (one, two, closed):
        case_assign(case=case, agent=old, actor=None)
    case_transition(case=closed, name="resolve")
    bystander = CaseFactory(assigned_agent=old)

    changed = cases_reassign(case_ids=[one.pk], agent=new, actor=supervisor)

    assert changed == 2
    assert (agent_of(one), agent_of(two)) == (new, new)
    assert agent_of(closed) == old  # closed cases keep their history
    assert agent_of(bystander) == old
    event = two.events.filter(kind=CaseEvent.Kind.ASSIGNMENT).latest("id")
    assert event.actor == supervisor
    assert "one agent per borrower" in event.reason
    # The reason's phrase is kept beside it (phrases.py), under "i18n".
    assert event.data["i18n"]["msgid"] == event.reason
    assert without_phrase(event.data) == {"from_agent": old.pk, "to_agent": new.pk}


def test_case_assign_moves_the_borrowers_other_open_cases_too() -> None:
    keeper = agent_with("keeper")
    borrower = BorrowerFactory()
    one, two = loans_of(borrower, 2)

    case_assign(case=one, agent=keeper, actor=None)

    assert (agent_of(one), agent_of(two)) == (keeper, keeper)


def test_borrower_open_case_ids_adds_the_siblings_only() -> None:
    borrower = BorrowerFactory()
    one, two = loans_of(borrower, 2)
    other = CaseFactory()
    assert borrower_open_case_ids([one.pk]) == sorted([one.pk, two.pk])
    assert borrower_open_case_ids([other.pk]) == [other.pk]


def test_the_reassign_confirmation_and_message_say_the_borrowers_cases_go_too(client) -> None:
    make_user("boss", "supervisor")
    new = agent_with("new")
    borrower = BorrowerFactory()
    one, two = loans_of(borrower, 2)
    client.force_login(make_user("sup", "supervisor"))
    url = reverse("admin:collections_app_collectioncase_changelist")
    data = {"action": "reassign_cases", "_selected_action": [one.pk], "select_across": "0"}

    confirm = client.post(url, data).content.decode()
    done = client.post(url, {**data, "apply": "1", "agent": new.pk}, follow=True)

    assert "One agent per borrower" in confirm
    assert "That is 1 more case than selected." in confirm
    assert agent_of(two) == new
    text = done.content.decode()
    assert "Reassigned 2 cases to new (1 selected, with every other open case" in text
