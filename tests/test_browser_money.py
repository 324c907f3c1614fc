"""Money in a real browser: an agent makes a plan of 6 instalments summing to the amount overdue;
an agent offers a 25 % settlement and a supervisor, in a second browser, approves it.
Screenshots of every step go to test-artifacts/browser/."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from collections_app.models import CaseEvent, PaymentPlan
from collections_app.models.settlements import Settlement
from tests.browser import chromium, log_in, page, snap  # noqa: F401  (fixtures)
from tests.factories import BorrowerFactory, CaseFactory, LoanFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_makes_a_plan_of_six_instalments_summing_to_the_balance(
    live_server,
    page,  # noqa: F811
) -> None:
    # given: an agent and a case with 1,000.00 USD overdue
    agent = make_user("agent1", "agent")
    case = CaseFactory(
        loan=LoanFactory(borrower=BorrowerFactory(name="Avery Johnson")),
        amount_overdue=Decimal("1000.00"),
        assigned_agent=agent,
    )
    first_due = timezone.localdate() + dt.timedelta(days=5)

    # when: the agent opens the case and "Make a plan"
    log_in(page, live_server.url, "agent1")
    page.goto(f"{live_server.url}/admin/collections_app/collectioncase/{case.pk}/change/")
    page.click("#make-plan")
    page.wait_for_selector("#plan-form")
    snap(page, "money-1-agent-plan-offers")
    # ... picks 6 monthly instalments, the first in five days, and asks for the schedule
    page.check("input[name=offer][value='6-monthly']")
    page.fill("#id_first_due", first_due.isoformat())
    page.click("#money-preview")
    page.wait_for_selector("#plan-schedule")
    snap(page, "money-2-agent-plan-schedule")
    amounts = [
        Decimal(t.split()[0].replace(",", ""))
        for t in page.locator("#plan-schedule td.amount").all_inner_texts()
    ]
    assert len(amounts) == 6 and sum(amounts) == Decimal("1000.00")
    assert page.inner_text("#schedule-total") == "1,000.00 USD"
    # ... and confirms
    page.click("#money-confirm")
    page.wait_for_selector(".messagelist")
    snap(page, "money-3-agent-plan-on-timeline")

    # then: the plan is recorded, on the timeline, summing exactly to the balance
    assert "Plan #" in page.inner_text(".messagelist")
    assert "Plan of 6 instalments, 1,000.00 USD in all" in page.inner_text("#case-timeline")
    plan = PaymentPlan.objects.get(case=case)
    assert sum(i.amount for i in plan.installments.all()) == Decimal("1000.00")
    assert plan.installments.count() == 6 and plan.created_by == agent


def test_agent_offers_25_percent_and_a_supervisor_approves_it(
    live_server,
    chromium,  # noqa: F811
    page,  # noqa: F811
) -> None:
    # given: an agent (limit 10 %), a supervisor (limit 30 %), a balance of 1,200.00 USD
    agent = make_user("agent1", "agent")
    supervisor = make_user("supervisor1", "supervisor")
    case = CaseFactory(
        loan=LoanFactory(borrower=BorrowerFactory(name="Blake Rivera")),
        amount_overdue=Decimal("1200.00"),
        assigned_agent=agent,
    )

    # when: the agent offers 25 % off, paid in one sum within a week
    log_in(page, live_server.url, "agent1")
    page.goto(f"{live_server.url}/admin/collections_app/collectioncase/{case.pk}/change/")
    page.click("#offer-settlement")
    page.wait_for_selector("#settlement-form")
    page.fill("#id_discount_percent", "25")
    page.check("input[name=method][value='lump_sum']")
    page.fill("#id_first_due", (timezone.localdate() + dt.timedelta(days=7)).isoformat())
    page.click("#money-preview")
    page.wait_for_selector("#money-summary")
    snap(page, "money-4-agent-settlement-preview")
    summary = page.inner_text("#money-summary")
    assert "900.00 USD" in summary and "300.00 USD" in summary
    assert "needs a second person" in summary
    page.click("#money-confirm")
    page.wait_for_selector("#case-settlement")
    snap(page, "money-5-agent-settlement-waiting")
    assert page.inner_text("#settlement-status") == "Waiting for approval"
    settlement = Settlement.objects.get(case=case)

    # ... and a supervisor, in another browser, approves it from the queue
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    try:
        boss = context.new_page()
        boss.set_default_timeout(15_000)
        log_in(boss, live_server.url, "supervisor1")
        boss.goto(f"{live_server.url}/admin/collections_app/settlement/")
        snap(boss, "money-6-supervisor-approval-queue")
        boss.click(f"#result_list a[href$='/settlement/{settlement.pk}/change/']")
        boss.wait_for_selector("#settlement-decision")
        boss.fill("#decision-note", "hardship letter on file")
        snap(boss, "money-7-supervisor-review")
        boss.click("#settlement-approve")
        boss.wait_for_selector(".messagelist")
        snap(boss, "money-8-supervisor-approved")
        assert f"Settlement #{settlement.pk} approved." in boss.inner_text(".messagelist")
    finally:
        context.close()

    # then: the agent sees it approved, by whom; both people and times are kept
    page.reload()
    page.wait_for_selector("#case-settlement")
    snap(page, "money-9-agent-sees-approved")
    assert page.inner_text("#settlement-status") == "Approved, not yet accepted"
    assert "supervisor1" in page.inner_text("#case-settlement")
    settlement.refresh_from_db()
    assert (settlement.proposed_by, settlement.decided_by) == (agent, supervisor)
    assert settlement.decided_at >= settlement.proposed_at
    reasons = " ".join(
        CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.SETTLEMENT).values_list(
            "reason", flat=True
        )
    )
    assert "approved by supervisor1 (offered by agent1)" in reasons
