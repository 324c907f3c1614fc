"""The work list in a real browser: an agent's queue in the order to work it (with amounts in
their currency), a supervisor's view of the team. Screenshots go to test-artifacts/browser/."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from collections_app.models import PromiseToPay
from collections_app.services.cases import case_transition
from collections_app.services.payments import promise_create
from tests.browser import chromium, log_in, page, snap  # noqa: F401  (fixtures)
from tests.factories import BorrowerFactory, CaseFactory, LoanFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _case(agent, name: str, amount: str, segment: str, **kwargs):
    loan = LoanFactory(borrower=BorrowerFactory(name=name))
    return CaseFactory(
        loan=loan, assigned_agent=agent, amount_overdue=Decimal(amount), segment=segment, **kwargs
    )


def test_agent_works_the_queue_in_priority_order(live_server, page) -> None:  # noqa: F811
    # given: an agent's five cases, each placed by a different rule, and a legal one
    agent = make_user("agent1", "agent")
    now = timezone.now()
    later = now + dt.timedelta(days=3)
    promise = _case(agent, "Pat Promise", "40.00", "unreachable", next_action_at=later)
    PromiseToPay.objects.create(case=promise, amount=Decimal("40"), due_date=timezone.localdate())
    callback = _case(agent, "Cal Back", "70.00", "strategic", next_action_at=now - dt.timedelta(1))
    high = _case(agent, "Hi Recovery", "900.00", "self_cure", next_action_at=later)
    low = _case(agent, "Lo Recovery", "1200.00", "unreachable", next_action_at=later)
    legal = _case(agent, "Lee Gal", "5000.00", "strategic", next_action_at=now)
    case_transition(case=legal, name="escalate")
    case_transition(case=legal, name="refer_to_legal")

    # when: the agent opens My queue from the admin index
    log_in(page, live_server.url, "agent1")
    page.get_by_role("link", name="My queue").first.click()
    page.wait_for_url("**queue=mine**")
    snap(page, "work-list-1-agent-my-queue")

    # then: promise due, callback due, then by expected recovery (900 x 0.8 before 1200 x 0.1)
    names = page.locator("#result_list tbody td.field-borrower_name").all_inner_texts()
    assert names == ["Pat Promise", "Cal Back", "Hi Recovery", "Lo Recovery"]
    priorities = page.locator("#result_list tbody td.field-priority_shown").all_inner_texts()
    assert priorities[:2] == ["Promise due", "Callback due"]
    amounts = page.locator("#result_list tbody td.field-amount_overdue_shown").all_inner_texts()
    assert amounts == ["40.00 USD", "70.00 USD", "900.00 USD", "1,200.00 USD"]
    assert "Lee Gal" not in page.inner_text("#result_list")

    # ... and the first case opens with its timeline near the top, amounts in their currency
    page.locator("#result_list tbody tr").first.locator("th a").click()
    page.wait_for_selector("#case-timeline")
    assert page.inner_text("#case-amount-overdue") == "40.00 USD"
    snap(page, "work-list-2-agent-case-page")
    # ... and a note goes on the timeline from there (its form sits outside the case form)
    page.fill("#case-note-form textarea", "Called, will pay at noon")
    page.click("#case-note-form input[type=submit]")
    page.wait_for_selector(".messagelist")
    assert "Called, will pay at noon" in page.inner_text("#case-timeline")
    assert [high.pk, low.pk, callback.pk]  # used above by name


def test_supervisor_opens_the_supervisor_view(live_server, page) -> None:  # noqa: F811
    # given: two agents, one promise recorded on a case the supervisor escalated
    supervisor = make_user("supervisor1", "supervisor")
    ana, ben = make_user("ana", "agent"), make_user("ben", "agent")
    escalated = CaseFactory(assigned_agent=ana)
    case_transition(case=escalated, name="escalate", actor=supervisor, reason="no contact")
    promise_create(case=escalated, amount=Decimal("100"), due_date=timezone.localdate(), actor=ana)
    CaseFactory(assigned_agent=ben, next_action_at=timezone.now() - dt.timedelta(hours=3))

    # when: the supervisor opens the supervisor view from the admin index
    log_in(page, live_server.url, "supervisor1")
    page.click("#supervisor-view-link")
    page.wait_for_selector("#team-table")
    snap(page, "work-list-3-supervisor-view")

    # then: a row per agent with their numbers, and the promise waiting for a decision
    ana_row = page.locator('#team-table tr[data-agent="ana"]')
    assert ana_row.locator("td.open").inner_text() == "1"
    assert ana_row.locator("td.due-today").inner_text() == "1"
    ben_row = page.locator('#team-table tr[data-agent="ben"]')
    assert ben_row.locator("td.callbacks").inner_text() == "1"
    assert "1 promise recorded on an escalated case" in page.inner_text("#team-waiting")

    # ... which opens the queue of them; the case stayed in escalation
    page.click("#team-waiting a")
    page.wait_for_url("**queue=promise_waits_for_supervisor**")
    snap(page, "work-list-4-supervisor-promise-on-escalated")
    assert page.locator("#result_list tbody tr").count() == 1
    assert "Escalation" in page.inner_text("#result_list")
