"""Disputes and holds in a real browser, as an agent: a dispute stops outreach about its debt
but not the verification notice; a cease hold recorded on one case shows on both of the
borrower's cases and stops both. Screenshots go to test-artifacts/browser/."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.utils import timezone

from collections_app.devtools.portfolio import daytime_zone
from collections_app.models import CollectionCase, ContactHold, Dispute, OutboundMessage
from collections_app.outreach.gate import gate_contact
from collections_app.outreach.sender import send_claimed
from tests.browser import chromium, log_in, page, snap  # noqa: F401  (fixtures)
from tests.factories import BorrowerFactory, CaseFactory, LoanFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def providers(settings, tmp_path):
    settings.SMS_PROVIDER = "file"
    settings.VOICE_PROVIDER = "file"
    settings.PROVIDER_OUTBOX_DIR = tmp_path / "outbox"
    settings.RATE_LIMIT_REDIS_URL = ""
    settings.MEDIA_ROOT = tmp_path / "media"


def _borrower_with_two_loans(agent):
    borrower = BorrowerFactory(
        name="Morgan Reyes", time_zone=daytime_zone(dt.time(8, 30), dt.time(20, 0))
    )
    return [
        CaseFactory(loan=LoanFactory(borrower=borrower), assigned_agent=agent) for _ in range(2)
    ]


def _send_worker(ids: list[int]) -> int:
    """What the send worker does, on a thread of its own: Playwright's event loop runs in this
    one, and the sender runs its own (asyncio.run)."""

    def work() -> int:
        try:
            return send_claimed(ids).sent
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def _case(case) -> CollectionCase:
    return CollectionCase.objects.select_related("loan__borrower").get(pk=case.pk)


def _send_now(page, base_url: str, case, template: str = "reminder-notice") -> str:  # noqa: F811
    page.goto(f"{base_url}/admin/collections_app/collectioncase/{case.pk}/send/")
    page.select_option("#id_channel", "sms")
    page.select_option("#id_template_key", template)
    page.click("input[type=submit]")
    page.wait_for_selector(".messagelist")
    return page.inner_text(".messagelist")


def test_agent_records_a_dispute_outreach_stops_but_the_verification_goes_out(
    live_server,
    page,  # noqa: F811
    providers,
) -> None:
    agent = make_user("agent1", "agent")
    disputed, other = _borrower_with_two_loans(agent)
    base = live_server.url

    # when: the agent opens the case and records the borrower's dispute
    log_in(page, base, "agent1")
    page.goto(f"{base}/admin/collections_app/collectioncase/{disputed.pk}/change/")
    assert page.locator("#restrictions-banner").count() == 0
    page.click("#record-dispute")
    page.select_option("#id_kind", "amount_wrong")
    page.fill("#id_received_on", timezone.localdate().isoformat())
    page.select_option("#id_received_via", "phone")
    page.fill("#id_details", "Says the late fee was charged twice")
    snap(page, "disputes-1-record-dispute-form")
    page.click("#record-dispute-form input[type=submit]")
    page.wait_for_selector("#restrictions-banner")
    snap(page, "disputes-2-case-with-dispute-banner")

    # then: the banner heads the page, red, saying what it stops
    banner = page.locator("#restrictions-banner .restriction-severe").first
    assert "Dispute of case" in banner.inner_text()
    assert "except the verification" in banner.inner_text()
    assert (
        page.locator("#restrictions-banner").bounding_box()["y"]
        < (page.locator("h1").first.bounding_box()["y"])
    )
    # and outreach about this debt stops: a reminder sent by hand is refused...
    refused = _send_now(page, base, disputed)
    snap(page, "disputes-3-reminder-refused")
    assert "disputed_debt" in refused
    # ...while the borrower's other loan is still collected
    assert gate_contact(case=_case(other), channel="sms").allowed

    # when: the agent sends the verification from the dispute
    page.goto(f"{base}/admin/collections_app/collectioncase/{disputed.pk}/change/")
    page.click(".restriction-dispute-link")
    page.click("#send-verification")
    page.select_option("#id_channel", "sms")
    page.click("#dispute-step-form input[type=submit]")
    page.wait_for_selector(".messagelist")
    snap(page, "disputes-4-verification-being-sent")
    assert "The verification is being sent" in page.inner_text(".messagelist")
    dispute = Dispute.objects.get(case=disputed)
    assert dispute.status == Dispute.Status.OPEN  # queued is not sent: the hold stands

    # ... and the send worker hands it to the provider
    message = OutboundMessage.objects.get(template_key="dispute-verification")
    assert _send_worker([message.pk]) == 1

    # then: the dispute moved on, the hold lifted, the case is collected again
    page.goto(f"{base}/admin/collections_app/collectioncase/{disputed.pk}/change/")
    snap(page, "disputes-5-case-after-verification")
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.VERIFICATION_SENT
    assert page.locator("#restrictions-banner .restriction-severe").count() == 0
    assert "Verification sent" in page.inner_text("#restrictions-banner")
    assert "Verification notice sent" in page.inner_text("#case-timeline")
    assert _case(disputed).state == "reminder"
    assert "is being sent" in _send_now(page, base, disputed)


def test_agent_records_a_cease_hold_seen_and_enforced_on_both_loans(
    live_server,
    page,  # noqa: F811
    providers,
) -> None:
    agent = make_user("agent1", "agent")
    first, second = _borrower_with_two_loans(agent)
    base = live_server.url

    # when: on the first loan's case, the agent records that the borrower asked us to stop
    log_in(page, base, "agent1")
    page.goto(f"{base}/admin/collections_app/collectioncase/{first.pk}/change/")
    page.click("#record-hold")
    page.select_option("#id_kind", "cease_communication")
    page.fill("#id_source", "borrower, by phone")
    page.fill("#id_note", "Asked us to stop all contact")
    snap(page, "holds-1-record-cease-form")
    page.click("#record-hold-form input[type=submit]")
    page.wait_for_selector("#restrictions-banner")
    snap(page, "holds-2-first-loan-banner")

    # then: the banner on this case, and on the other loan's case
    for case in (first, second):
        page.goto(f"{base}/admin/collections_app/collectioncase/{case.pk}/change/")
        banner = page.inner_text("#restrictions-banner")
        assert "Cease communication" in banner and "recorded by agent1" in banner
        assert "every loan" in banner
        assert page.locator("#restrictions-banner .restriction-severe").count() == 1
    snap(page, "holds-3-second-loan-banner")
    # and outreach stops on both: paused, and the gate refuses
    for case in (first, second):
        case = _case(case)
        assert case.state == "paused"
        assert gate_contact(case=case, channel="sms").decision.rule == "cease_communication"
    assert ContactHold.objects.get().recorded_by == agent
    # an agent may not release it
    assert page.locator(".restriction-release").count() == 0
