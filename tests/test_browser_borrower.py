"""One borrower, many loans, in a real browser: an agent opens a case, follows the borrower's
name to the borrower page, and sees both loans, the money per currency and one timeline.
Screenshots go to test-artifacts/browser/."""

from decimal import Decimal

import pytest

from collections_app.services.cases import case_add_note
from collections_app.services.consents import consent_opt_out
from tests.browser import chromium, log_in, page, snap  # noqa: F401  (fixtures)
from tests.factories import BorrowerFactory, CaseFactory, LoanFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_goes_from_a_case_to_the_borrower_and_sees_both_loans(
    live_server,
    page,  # noqa: F811
) -> None:
    # given: a borrower with a dollar loan and a euro loan, each with a case and a note
    agent = make_user("agent1", "agent")
    borrower = BorrowerFactory(name="Morgan Two-Loans", phone="+14155550142")
    dollars = CaseFactory(
        loan=LoanFactory(borrower=borrower, external_id="L-USD-7", currency="USD"),
        amount_overdue=Decimal("300.00"),
        assigned_agent=agent,
    )
    euros = CaseFactory(
        loan=LoanFactory(borrower=borrower, external_id="L-EUR-7", currency="EUR"),
        amount_overdue=Decimal("80.00"),
        assigned_agent=agent,
    )
    case_add_note(case=dollars, text="Promised to call back about the dollar loan", actor=agent)
    case_add_note(case=euros, text="Asked for the euro statement", actor=agent)
    consent_opt_out(borrower=borrower, channel="voice", source="agent")

    # when: the agent opens the dollar case
    log_in(page, live_server.url, "agent1")
    page.goto(f"{live_server.url}/admin/collections_app/collectioncase/{dollars.pk}/change/")
    page.wait_for_selector("#case-other-loans")
    snap(page, "borrower-1-case-with-other-loans")
    assert "Other loans of this borrower: 1 case" in page.inner_text("#case-other-loans")
    assert "L-EUR-7" in page.inner_text("#case-other-loans")

    # ... and follows the borrower's name
    page.click("#borrower-page-link")
    page.wait_for_selector("#borrower-timeline")
    snap(page, "borrower-2-borrower-page")

    # then: both loans, one total per currency, one timeline, masked, the opt-out first
    loans = page.inner_text("#borrower-loans")
    assert "L-USD-7" in loans and "L-EUR-7" in loans
    totals = page.inner_text("#borrower-totals")
    assert "USD 300.00" in totals and "EUR 80.00" in totals
    timeline = page.inner_text("#borrower-timeline")
    assert "Promised to call back about the dollar loan" in timeline
    assert "Asked for the euro statement" in timeline
    assert page.inner_text("#borrower-phone") == "+1•••••••142"
    assert "Opted out of Voice" in page.inner_text("#borrower-restrictions")

    # ... and the euro case is one click away
    page.click(f"#borrower-loans tr[data-case='{euros.pk}'] a.case-link")
    page.wait_for_selector("#case-borrower")
    snap(page, "borrower-3-the-other-case")
    assert "L-EUR-7" in page.inner_text("#case-borrower")
