"""The workspace in a real browser: an agent records a promise from "due today"; a supervisor
reassigns in bulk. Screenshots of every step go to test-artifacts/browser/."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from collections_app.models import AgentProfile, CaseEvent, CollectionCase, PromiseToPay
from tests.browser import chromium, log_in, page, snap  # noqa: F401  (fixtures)
from tests.factories import BorrowerFactory, CaseFactory, LoanFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_records_a_promise_from_due_today(live_server, page) -> None:  # noqa: F811
    # given: an agent with one case due today and one due next week
    agent = make_user("agent1", "agent")
    today = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    borrower = BorrowerFactory(name="Avery Johnson", phone="+14155550142")
    due = CaseFactory(
        loan=LoanFactory(borrower=borrower),
        amount_overdue=Decimal("300.00"),
        assigned_agent=agent,
        next_action_at=today,
    )
    later = CaseFactory(assigned_agent=agent, next_action_at=today + dt.timedelta(days=7))

    # when: the agent logs in and opens the "due today" queue
    log_in(page, live_server.url, "agent1")
    page.goto(f"{live_server.url}/admin/collections_app/collectioncase/")
    page.get_by_role("link", name="Due today").click()
    page.wait_for_url("**queue=due_today**")
    snap(page, "1-agent-due-today")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert "Avery Johnson" in rows.first.inner_text()
    assert str(later.pk) not in [r.inner_text().split()[0] for r in rows.all()]

    # ... opens the case: masked phone, transition buttons of the agent role
    rows.first.locator("th a").click()
    page.wait_for_selector("#case-timeline")
    snap(page, "2-agent-case-page")
    assert page.inner_text("#borrower-phone") == "+1•••••••142"
    buttons = page.locator("button[name=_fsm_transition_to]").all_inner_texts()
    assert buttons == ["Start negotiation", "Pause"]

    # ... records a promise through the form
    page.click("#record-promise")
    promised_by = timezone.localdate() + dt.timedelta(days=5)
    page.fill("#id_amount", "120.00")
    page.fill("#id_due_date", promised_by.isoformat())
    snap(page, "3-agent-promise-form")
    page.click("#case-action-form input[type=submit]")
    page.wait_for_selector(".messagelist")
    snap(page, "4-agent-promise-on-timeline")

    # then: the page says so, and the promise heads the timeline
    assert f"Promise of 120.00 USD by {promised_by} recorded." in page.inner_text(".messagelist")
    first_row = page.locator("#case-timeline tbody tr").first.inner_text()
    assert "Promise to pay" in first_row or "Assignment" in first_row
    assert f"Promised 120.00 USD by {promised_by}" in page.inner_text("#case-timeline")
    promise = PromiseToPay.objects.get(case=due)
    assert (promise.amount, promise.created_by) == (Decimal("120.00"), agent)
    assert CollectionCase.objects.get(pk=due.pk).state == "negotiation"


def test_supervisor_reassigns_cases_in_bulk(live_server, page) -> None:  # noqa: F811
    # given: three unassigned cases, an agent to give them to
    make_user("supervisor1", "supervisor")
    agent = make_user("agent7", "agent")
    AgentProfile.objects.create(user=agent)
    cases = [CaseFactory() for _ in range(3)]

    # when: the supervisor selects them in the "unassigned" queue and reassigns them
    log_in(page, live_server.url, "supervisor1")
    page.goto(f"{live_server.url}/admin/collections_app/collectioncase/?queue=unassigned")
    for case in cases:
        page.check(f"#result_list input[name=_selected_action][value='{case.pk}']")
    page.select_option("select[name=action]", "reassign_cases")
    snap(page, "5-supervisor-selects")
    page.click("button[name=index]")
    page.wait_for_selector("#bulk-action-form")
    page.select_option("#id_agent", label="agent7")
    snap(page, "6-supervisor-confirms")
    page.click("#bulk-action-form input[type=submit]")
    page.wait_for_selector(".messagelist")
    snap(page, "7-supervisor-done")

    # then
    assert "Reassigned 3 cases to agent7 (3 selected" in page.inner_text(".messagelist")
    assert CollectionCase.objects.filter(assigned_agent=agent).count() == 3
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.ASSIGNMENT).count() == 3
