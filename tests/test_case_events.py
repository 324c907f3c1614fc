import datetime as dt
from decimal import Decimal

import pytest

from collections_app.models import AppendOnlyError, CaseEvent
from collections_app.services.cases import case_add_note, case_assign, case_open
from tests.factories import LoanFactory


@pytest.mark.django_db
def test_case_events_cannot_be_edited_or_deleted(case) -> None:
    event = case_add_note(case=case, text="Called, no answer", actor=None)
    event.reason = "rewritten history"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(pk=event.pk).delete()
    assert CaseEvent.objects.get(pk=event.pk).reason == "Called, no answer"


@pytest.mark.django_db
def test_opening_a_case_is_audited() -> None:
    loan = LoanFactory()
    case = case_open(
        loan=loan, amount_overdue=Decimal("120.00"), overdue_since=dt.date(2026, 10, 1)
    )
    event = case.events.get()
    assert event.kind == CaseEvent.Kind.OPENED
    assert event.data == {"amount_overdue": "120.00", "overdue_since": "2026-10-01"}


@pytest.mark.django_db
def test_assignment_is_audited_with_who_and_whom(case, agent, supervisor) -> None:
    case_assign(case=case, agent=agent, actor=supervisor)
    event = case.events.get(kind=CaseEvent.Kind.ASSIGNMENT)
    assert event.actor == supervisor
    assert event.data == {"from_agent": None, "to_agent": agent.pk}
    case.refresh_from_db()
    assert case.assigned_agent == agent


@pytest.mark.django_db
def test_empty_note_is_refused(case) -> None:
    with pytest.raises(ValueError, match="text"):
        case_add_note(case=case, text="   ", actor=None)
    assert not case.events.exists()
