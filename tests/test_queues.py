"""Queues (saved filters) and search, as the case list uses them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from collections_app.admin.search import search_cases
from collections_app.models import CaseEvent, CollectionCase, PromiseToPay
from collections_app.selectors.queues import dpd_bucket_cases, queue_cases
from collections_app.services.cases import case_add_note, case_transition
from collections_app.services.events import case_event_record
from tests.factories import BorrowerFactory, CaseFactory, LoanFactory

NOW = timezone.make_aware(dt.datetime(2026, 11, 20, 15, 0))
TODAY = NOW.date()


def ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def queue(name: str, user) -> set[int]:
    return ids(queue_cases(CollectionCase.objects.all(), name, user=user, now=NOW))


@pytest.mark.django_db
def test_my_cases_and_unassigned(agent, supervisor) -> None:
    mine = CaseFactory(assigned_agent=agent)
    theirs = CaseFactory(assigned_agent=supervisor)
    nobodys = CaseFactory()
    closed_mine = CaseFactory(assigned_agent=agent)
    case_transition(case=closed_mine, name="resolve")

    assert queue("mine", agent) == {mine.pk}
    assert queue("unassigned", agent) == {nobodys.pk}
    assert theirs.pk not in queue("mine", agent) | queue("unassigned", agent)


@pytest.mark.django_db
def test_due_today_is_the_next_action_within_today(agent) -> None:
    start = NOW.replace(hour=0)
    due = CaseFactory(next_action_at=start + dt.timedelta(hours=23, minutes=59))
    CaseFactory(next_action_at=start - dt.timedelta(seconds=1))  # yesterday
    CaseFactory(next_action_at=start + dt.timedelta(days=1))  # tomorrow
    CaseFactory(next_action_at=None)
    assert queue("due_today", agent) == {due.pk}


@pytest.mark.django_db
def test_promise_queues(agent) -> None:
    due, later, broken, kept = (CaseFactory() for _ in range(4))
    for case, status, days in [
        (due, "active", 0),
        (later, "active", 3),
        (broken, "broken", -2),
        (kept, "kept", -1),
    ]:
        PromiseToPay.objects.create(
            case=case, amount=Decimal("10"), due_date=TODAY + dt.timedelta(days=days), status=status
        )
    assert queue("promises_due", agent) == {due.pk}
    assert queue("broken_promises", agent) == {broken.pk}


@pytest.mark.django_db
def test_a_reply_is_new_until_a_person_acts_on_the_case(agent) -> None:
    # given: two cases with a borrower reply, and one with an old reply
    answered, waiting, old = CaseFactory(), CaseFactory(), CaseFactory()
    for case in (answered, waiting):
        case_event_record(case=case, kind=CaseEvent.Kind.REPLY, reason="Can I pay Friday?")
    CaseEvent.objects.create(
        case=old, kind=CaseEvent.Kind.REPLY, created_at=timezone.now() - dt.timedelta(days=45)
    )
    # when: an agent writes a note on one of them (a system event does not count)
    case_add_note(case=answered, text="Called back, agreed Friday", actor=agent)
    case_event_record(case=waiting, kind=CaseEvent.Kind.CONTACT, reason="auto reminder")
    # then
    assert ids(queue_cases(CollectionCase.objects.all(), "new_replies", user=agent)) == {waiting.pk}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("days_past_due", "bucket"),
    [
        (1, "1-30"),
        (30, "1-30"),
        (31, "31-60"),
        (60, "31-60"),
        (61, "61-90"),
        (90, "61-90"),
        (91, "90+"),
        (400, "90+"),
    ],
)
def test_days_past_due_buckets_have_exact_edges(days_past_due: int, bucket: str) -> None:
    case = CaseFactory(overdue_since=TODAY - dt.timedelta(days=days_past_due))
    assert case.days_past_due(TODAY) == days_past_due
    found = {
        b
        for b in ("1-30", "31-60", "61-90", "90+")
        if case.pk in ids(dpd_bucket_cases(CollectionCase.objects.all(), b, today=TODAY))
    }
    assert found == {bucket}


@pytest.mark.django_db
def test_search_matches_phone_email_loan_id_case_id_and_name() -> None:
    borrower = BorrowerFactory(name="Quinn Anderson", phone="+14155550188", email="q@example.com")
    case = CaseFactory(loan=LoanFactory(borrower=borrower, external_id="LN-778"))
    CaseFactory()  # someone else

    def found(term: str) -> set[int]:
        return ids(search_cases(CollectionCase.objects.all(), term))

    assert found("+1 415 555 0188") == {case.pk}
    assert found("Q@Example.com".lower()) == {case.pk}
    assert found("LN-778") == {case.pk}
    assert found(str(case.pk)) >= {case.pk}
    assert found("quinn and") == {case.pk}
    # the end of the number and any part of the name find it; a part of the email does not
    assert found("5550188") == {case.pk}
    assert found("Anderson") == {case.pk}
    assert found("example.com") == set()
