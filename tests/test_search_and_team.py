"""Search as agents type it (national phone formats, last digits, any part of the name, exact
first) and the supervisor view's numbers over a small fixed world."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from collections_app.admin.search import search_borrowers, search_cases
from collections_app.models import Borrower, CollectionCase, ContactAttempt, PromiseToPay
from collections_app.selectors.team import team_numbers, week_start
from collections_app.services.cases import case_transition
from tests.factories import BorrowerFactory, CaseFactory, LoanFactory, make_user

LIST = reverse("admin:collections_app_collectioncase_changelist")
TEAM = reverse("admin:collections_app_team_dashboard")


def case_for(**borrower) -> CollectionCase:
    return CaseFactory(loan=LoanFactory(borrower=BorrowerFactory(**borrower)))


def found(term: str) -> list[int]:
    return list(search_cases(CollectionCase.objects.all(), term).values_list("pk", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed", ["(415) 555-0100", "415-555-0100", "415 555 0100", "4155550100", "+1 415 555 0100"]
)
def test_search_by_a_us_number_in_national_format(typed: str) -> None:
    wanted = case_for(phone="+14155550100")
    case_for(phone="+14155550199")
    assert found(typed) == [wanted.pk]


@pytest.mark.django_db
@override_settings(PHONE_SEARCH_REGIONS=["GB"])
def test_search_by_a_uk_number_in_national_format() -> None:
    wanted = case_for(phone="+442079460958", jurisdiction="GB")
    case_for(phone="+14155550958")  # the same last digits, another number
    assert found("020 7946 0958") == [wanted.pk]


@pytest.mark.django_db
def test_search_by_the_last_digits() -> None:
    a = case_for(phone="+14155550142")
    b = case_for(phone="+8613800000142")
    case_for(phone="+14155550143")
    assert set(found("0142")) == {a.pk, b.pk}
    assert found("142") == []  # three digits are too few to mean anyone


@pytest.mark.django_db
def test_search_by_any_part_of_the_name_case_insensitively() -> None:
    jo = case_for(name="Jo Riley-Smith")
    riley = case_for(name="Riley Jordan")
    case_for(name="Ann Other")
    assert set(found("riley")) == {jo.pk, riley.pk}
    assert found("SMITH") == [jo.pk]
    assert found("ri") == [riley.pk]  # two characters: the start of the name only


@pytest.mark.django_db
def test_exact_matches_come_first() -> None:
    # created first, so newest-first would put them last
    exact = case_for(name="Lee")
    starts = case_for(name="Leela Patel")
    contains = case_for(name="Ashley Leeds")
    assert found("lee") == [exact.pk, starts.pk, contains.pk]
    # ... on the case list too
    client_rows = _rows_as(make_user("sup", "supervisor"), {"q": "lee"})
    assert client_rows == [exact.pk, starts.pk, contains.pk]
    # ... and among borrowers
    people = search_borrowers(Borrower.objects.all(), "lee").values_list("name", flat=True)
    assert list(people) == ["Lee", "Leela Patel", "Ashley Leeds"]


@pytest.mark.django_db
def test_an_exact_phone_comes_before_numbers_ending_the_same() -> None:
    ending = case_for(phone="+14085550100")
    exact = case_for(phone="+14155550100")
    assert found("415-555-0100") == [exact.pk]
    assert set(found("5550100")) == {ending.pk, exact.pk}  # the end of both numbers
    assert found("+14155550100") == [exact.pk]


def _rows_as(user, params: dict) -> list[int]:
    from django.test import Client

    client = Client()
    client.force_login(user)
    html = client.get(LIST, params).content.decode()
    return [int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', html)]


# --- the supervisor view


@pytest.mark.django_db
def test_the_supervisor_view_counts_each_agents_work(client) -> None:
    now = timezone.now()
    today = timezone.localdate(now)
    monday = week_start(now)
    ana, ben = make_user("ana", "agent"), make_user("ben", "agent")
    supervisor = make_user("sue", "supervisor")

    def case(agent, **kwargs) -> CollectionCase:
        return CaseFactory(assigned_agent=agent, **kwargs)

    # ana: 3 open cases (one with a callback overdue), 1 closed; ben: 1 open case
    a1 = case(ana, next_action_at=now - dt.timedelta(hours=2))
    a2 = case(ana, next_action_at=now + dt.timedelta(days=1))
    a3 = case(ana)
    closed = case(ana, next_action_at=now - dt.timedelta(days=1))
    case_transition(case=closed, name="resolve")
    b1 = case(ben, next_action_at=now - dt.timedelta(minutes=5))
    # promises: ana one due today, one overdue (still active), one kept this week (recorded by
    # ben on ana's case: kept promises are credited to who took them), one kept last week
    PromiseToPay.objects.create(case=a1, amount=Decimal("10"), due_date=today)
    PromiseToPay.objects.create(case=a2, amount=Decimal("10"), due_date=today - dt.timedelta(2))
    PromiseToPay.objects.create(
        case=a3,
        amount=Decimal("10"),
        due_date=today,
        created_by=ben,
        status="kept",
        resolved_at=monday + dt.timedelta(minutes=1),
    )
    PromiseToPay.objects.create(
        case=b1,
        amount=Decimal("10"),
        due_date=today,
        created_by=ben,
        status="kept",
        resolved_at=monday - dt.timedelta(minutes=1),
    )
    # right-party contacts: two connected calls on ana's cases this week, one last week, one
    # voicemail (not a conversation)
    for case_, outcome, at in [
        (a1, "connected", monday + dt.timedelta(hours=1)),
        (a2, "connected", now),
        (a3, "connected", monday - dt.timedelta(hours=1)),
        (b1, "voicemail", now),
    ]:
        ContactAttempt.objects.create(
            borrower=case_.loan.borrower,
            case=case_,
            channel="voice",
            address="+14155550100",
            occurred_at=at,
            outcome=outcome,
        )

    rows = {r.name: r for r in team_numbers(now=now)}
    numbers = {
        name: (r.open_cases, r.promises_due_today, r.promises_overdue, r.right_party_contacts,
               r.promises_kept, r.callbacks_overdue)
        for name, r in rows.items()
    }  # fmt: skip
    assert numbers == {"ana": (3, 1, 1, 2, 0, 1), "ben": (1, 0, 0, 0, 1, 1)}

    # the page, one query per metric whatever the number of agents
    client.force_login(supervisor)
    html = client.get(TEAM).content.decode()
    assert '<tr data-agent="ana">' in html and '<tr data-agent="ben">' in html
    index = client.get(reverse("admin:index")).content.decode()
    assert f'href="{TEAM}"' in index


@pytest.mark.django_db
def test_the_supervisor_view_costs_the_same_for_more_agents(client, django_assert_max_num_queries):
    supervisor = make_user("sue", "supervisor")
    client.force_login(supervisor)
    for k in range(12):
        CaseFactory(assigned_agent=make_user(f"agent-{k}", "agent"))
    with django_assert_max_num_queries(16):
        assert client.get(TEAM).status_code == 200


@pytest.mark.django_db
def test_only_supervisors_open_the_supervisor_view(client) -> None:
    for role, status in [("agent", 403), ("legal", 403), ("compliance", 403), ("supervisor", 200)]:
        client.force_login(make_user(f"u-{role}", role))
        assert client.get(TEAM).status_code == status, role


@pytest.mark.django_db
def test_the_supervisor_queue_is_offered_to_supervisors_only(client, agent, supervisor) -> None:
    client.force_login(agent)
    assert "promise_waits_for_supervisor" not in client.get(LIST).content.decode()
    client.force_login(supervisor)
    assert "promise_waits_for_supervisor" in client.get(LIST).content.decode()
