"""The case page and list as agents and supervisors use them (Django test client)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from collections_app.models import (
    BulkAction,
    CaseEvent,
    CollectionCase,
    ContactDecision,
    OutboundMessage,
    PromiseToPay,
)
from collections_app.services.bulk import bulk_action_run
from collections_app.services.cases import case_add_note, case_transition
from collections_app.services.payments import payment_record
from collections_app.states import CaseState
from tests.factories import CaseFactory, make_user
from tests.html_forms import form_data

LIST = reverse("admin:collections_app_collectioncase_changelist")


def page_url(case: CollectionCase, view: str = "change") -> str:
    return reverse(f"admin:collections_app_collectioncase_{view}", args=[case.pk])


def timeline(html: str) -> str:
    return html[html.index('id="case-timeline"') :]


@pytest.mark.django_db
def test_a_button_pressed_on_a_stale_page_is_refused_even_if_still_allowed(client, agent, case):
    # given: the agent's page shows the case in reminder
    client.force_login(agent)
    page = client.get(page_url(case)).content.decode()
    # when: someone moves it to negotiation, and the agent presses Pause (allowed from there too)
    case_transition(case=CollectionCase.objects.get(pk=case.pk), name="start_negotiation")
    data = form_data(page, "collectioncase_form") | {"_fsm_transition_to": "pause"}
    response = client.post(page_url(case), data, follow=True)
    # then: nothing applied, and the agent is told why
    assert "This case changed while you were looking at it: it is now Negotiation" in (
        response.content.decode()
    )
    assert CollectionCase.objects.get(pk=case.pk).state == CaseState.NEGOTIATION


@pytest.mark.django_db
def test_a_stale_transition_form_is_refused(client, agent, case):
    client.force_login(agent)
    form_url = reverse("admin:collections_app_collectioncase_transition", args=[case.pk, "pause"])
    form = form_data(client.get(form_url).content.decode(), "case-action-form")
    case_transition(case=CollectionCase.objects.get(pk=case.pk), name="start_negotiation")

    response = client.post(form_url, form | {"pause_reason": "dispute"}, follow=True)

    assert "Reload the page" in response.content.decode()
    assert CollectionCase.objects.get(pk=case.pk).state == CaseState.NEGOTIATION


@pytest.mark.django_db
def test_record_promise_flow_creates_the_promise_and_shows_it_on_the_timeline(client, agent):
    case = CaseFactory(amount_overdue=Decimal("300.00"))
    client.force_login(agent)
    page = client.get(page_url(case)).content.decode()
    assert f'href="{page_url(case, "promise")}"' in page

    form = form_data(client.get(page_url(case, "promise")).content.decode(), "case-action-form")
    due = timezone.localdate() + dt.timedelta(days=5)
    response = client.post(
        page_url(case, "promise"), form | {"amount": "120.00", "due_date": due}, follow=True
    )

    promise = PromiseToPay.objects.get(case=case)
    assert (promise.amount, promise.due_date, promise.created_by) == (Decimal("120"), due, agent)
    assert CollectionCase.objects.get(pk=case.pk).state == CaseState.NEGOTIATION
    html = response.content.decode()
    assert f"Promise of 120.00 USD by {due} recorded." in html
    assert f"Promised 120.00 USD by {due}" in timeline(html)


@pytest.mark.django_db
def test_a_promise_above_the_amount_overdue_is_refused_on_the_form(client, agent):
    case = CaseFactory(amount_overdue=Decimal("100.00"))
    client.force_login(agent)
    form = form_data(client.get(page_url(case, "promise")).content.decode(), "case-action-form")
    due = timezone.localdate() + dt.timedelta(days=5)
    response = client.post(page_url(case, "promise"), form | {"amount": "500", "due_date": due})
    assert response.status_code == 200
    assert "more than the amount overdue" in response.content.decode()
    assert not PromiseToPay.objects.exists()


@pytest.mark.django_db
def test_an_agent_adds_a_note_from_the_case_page(client, agent, case):
    client.force_login(agent)
    response = client.post(
        page_url(case, "note"), {"text": "Borrower asked for a call"}, follow=True
    )
    note = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.NOTE)
    assert (note.reason, note.actor) == ("Borrower asked for a call", agent)
    assert "Borrower asked for a call" in timeline(response.content.decode())


@pytest.mark.django_db
def test_someone_without_a_role_cannot_add_a_note(client, case):
    client.force_login(make_user("nobody"))
    assert client.post(page_url(case, "note"), {"text": "hi"}).status_code == 403
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.NOTE).exists()


@pytest.mark.django_db
def test_timeline_has_messages_denials_payments_and_notes_newest_first(client, supervisor):
    # given: a case with a note, a payment, then a delivered SMS and a denied call (later)
    case = CaseFactory(amount_overdue=Decimal("300.00"))
    now = timezone.now()
    case_add_note(case=case, text="first note", actor=supervisor)
    OutboundMessage.objects.create(
        case=case,
        borrower=case.loan.borrower,
        channel="sms",
        template_key="reminder-day0",
        scheduled_at=now,
        idempotency_key="t1",
        status=OutboundMessage.Status.DELIVERED,
        created_at=now + dt.timedelta(seconds=1),
    )
    ContactDecision.objects.create(
        borrower=case.loan.borrower,
        case=case,
        channel="voice",
        decided_at=now + dt.timedelta(seconds=2),
        allowed=False,
        rule="time_window",
        detail="outside 08:00-21:00",
        next_allowed_at=now + dt.timedelta(hours=9),
        profile_code="US",
        profile_version=1,
    )
    payment_record(
        loan=case.loan,
        external_id="P1",
        amount=Decimal("50"),
        currency="USD",
        received_at=now,
    )
    client.force_login(supervisor)

    html = timeline(client.get(page_url(case)).content.decode())

    rows = re.findall(r'<tr class="timeline-(\w+)">', html)
    assert rows == ["denied", "message", "payment", "note"]
    assert "Delivered" in html
    assert "rule time_window" in html and "allowed again from" in html
    assert "compliance gate" in html
    assert supervisor.username in html


@pytest.mark.django_db
def test_the_timeline_is_capped_and_links_to_the_full_audit_trail(client, agent, case):
    for i in range(60):
        case_add_note(case=case, text=f"note {i}", actor=agent)
    client.force_login(agent)
    html = timeline(client.get(page_url(case)).content.decode())
    assert html.count('<tr class="timeline-') == 50
    assert "note 59" in html and "note 5<" not in html
    full = re.search(r'href="([^"]+case__id__exact=\d+)"', html).group(1)
    trail = client.get(full.replace("&amp;", "&"))
    assert trail.status_code == 200
    assert trail.content.decode().count('class="action-select"') == 0  # read-only, no actions
    assert "note 59</td>" in trail.content.decode()


@pytest.mark.django_db
def test_the_case_list_runs_the_same_queries_for_3_or_30_cases(client, supervisor):
    client.force_login(supervisor)
    for _ in range(3):
        CaseFactory(assigned_agent=supervisor)
    client.get(LIST)  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for _ in range(27):
        CaseFactory(assigned_agent=supervisor)
    with CaptureQueriesContext(connection) as many:
        assert client.get(LIST).status_code == 200
    assert len(many) == len(few)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "queue=mine",
        "queue=unassigned",
        "queue=due_today",
        "queue=promises_due",
        "queue=broken_promises",
        "queue=new_replies",
        "dpd=31-60",
        "jurisdiction=US",
        "state__exact=reminder",
        "segment__exact=hardship",
        "q=%2B14155550100",
    ],
)
def test_every_queue_and_filter_opens(client, agent, case, query):
    client.force_login(agent)
    assert client.get(f"{LIST}?{query}").status_code == 200


@pytest.mark.django_db
def test_the_case_list_offers_no_facet_counts(client, agent, case):
    # Each facet is a COUNT(*) per filter choice: far too slow at a million cases.
    client.force_login(agent)
    assert "Show counts" not in client.get(LIST).content.decode()


def post_action(client, action: str, cases: list, list_url: str = LIST, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [c.pk for c in cases], **extra}
    return client.post(list_url, data, follow=True)


@pytest.mark.django_db
def test_supervisor_reassigns_in_bulk_after_choosing_the_agent(client, supervisor, agent):
    cases = [CaseFactory() for _ in range(3)]
    client.force_login(supervisor)
    confirm = post_action(client, "reassign_cases", cases, index=0).content.decode()
    assert "3 cases selected" in confirm and 'name="agent"' in confirm

    response = post_action(client, "reassign_cases", cases, apply="1", agent=agent.pk)

    assert "Reassigned 3 cases to agent1 (3 selected" in response.content.decode()
    assert CollectionCase.objects.filter(assigned_agent=agent).count() == 3


@pytest.mark.django_db
def test_agents_are_not_offered_bulk_reassign_or_transitions_they_lack(client, agent, case):
    client.force_login(agent)
    html = client.get(LIST).content.decode()
    assert 'value="reassign_cases"' not in html
    assert 'value="bulk_escalate"' not in html
    assert 'value="bulk_pause"' in html
    post_action(client, "reassign_cases", [case], apply="1", agent=agent.pk)
    assert CollectionCase.objects.get(pk=case.pk).assigned_agent is None


@pytest.mark.django_db
def test_bulk_transition_runs_as_a_bulk_action_and_reports_its_result(client, supervisor):
    # given
    movable, stuck = CaseFactory(), CaseFactory()
    case_transition(case=stuck, name="resolve")
    client.force_login(supervisor)
    # when: the supervisor asks for it, with a reason (closed cases shown, to select one)
    response = post_action(
        client,
        "bulk_escalate",
        [movable, stuck],
        list_url=f"{LIST}?closed=include",
        apply="1",
        reason="30 days",
    )
    action = BulkAction.objects.get()
    assert (action.transition, action.case_ids, action.reason) == (
        "escalate",
        sorted([movable.pk, stuck.pk]),
        "30 days",
    )
    assert "running in the background" in response.content.decode()
    # ... and a worker runs it (here: the service the task calls)
    bulk_action_run(action_id=action.pk)
    # then: the next list page says how it went, once
    first = client.get(LIST).content.decode()
    assert f"Bulk action #{action.pk} (Escalate, 2 cases) done: 1 moved, 1 not allowed" in first
    assert f"Bulk action #{action.pk}" not in client.get(LIST).content.decode()


@pytest.mark.django_db
def test_bulk_pause_asks_for_the_pause_reason(client, agent, case):
    client.force_login(agent)
    confirm = post_action(client, "bulk_pause", [case], index=0).content.decode()
    assert 'name="pause_reason"' in confirm
    post_action(client, "bulk_pause", [case], apply="1", pause_reason="hardship")
    assert BulkAction.objects.get().kwargs == {"pause_reason": "hardship"}
