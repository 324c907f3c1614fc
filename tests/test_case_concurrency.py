import pytest
from django_fsm import ConcurrentTransition

from collections_app.models import CaseEvent, CollectionCase
from collections_app.services.cases import case_transition
from collections_app.states import CaseState


@pytest.mark.django_db
def test_second_stale_copy_raises_and_the_database_keeps_the_first(case) -> None:
    # given: two agents opened the same case
    first = CollectionCase.objects.get(pk=case.pk)
    second = CollectionCase.objects.get(pk=case.pk)

    # when: both act on what they saw
    case_transition(case=first, name="start_negotiation")
    with pytest.raises(ConcurrentTransition):
        case_transition(case=second, name="escalate")

    # then: the first one's change stands, and only it was audited
    assert CollectionCase.objects.get(pk=case.pk).state == CaseState.NEGOTIATION
    transitions = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.TRANSITION)
    assert [(e.from_state, e.to_state) for e in transitions] == [
        (CaseState.REMINDER, CaseState.NEGOTIATION)
    ]
    # the loser's object is back to what the database had when it read it
    assert second.state == CaseState.REMINDER


@pytest.mark.django_db
def test_one_open_case_per_loan(case) -> None:
    from django.db import IntegrityError, transaction

    from collections_app.services.cases import case_open

    with pytest.raises(IntegrityError), transaction.atomic():
        case_open(
            loan=case.loan, amount_overdue=case.amount_overdue, overdue_since=case.overdue_since
        )

    case_transition(case=case, name="resolve")
    reopened = case_open(
        loan=case.loan, amount_overdue=case.amount_overdue, overdue_since=case.overdue_since
    )
    assert reopened.state == CaseState.REMINDER
