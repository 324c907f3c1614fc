"""The workspace in Chinese, in a real browser: an agent whose language is zh-Hans works the
queue, opens a case and moves it, and no English of ours is on any page. Screenshots go to
test-artifacts/browser/."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from collections_app.models import AgentProfile, CollectionCase
from collections_app.services.payments import payment_record
from tests.browser import chromium, log_in, page, snap  # noqa: F401  (fixtures)
from tests.factories import BorrowerFactory, CaseFactory, LoanFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Latin words that are not English of ours: codes and names the data or the standards carry.
NOT_ENGLISH = {
    "CNY", "USD", "Asia", "Shanghai", "CST", "UTC", "SMS", "ID", "API", "E", "Webhook", "Django",
    "DPD", "PII", "CN", "US", "PDF", "CSV", "IANA", "ISO", "Twilio",
}  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]+")  # two letters or more: w•••@ is a mask


def english_on(page: object, data_words: set[str]) -> list[str]:  # noqa: F811
    """The Latin words on the page that are neither data nor codes: English that escaped."""
    text = page.inner_text("body")  # as shown: CSS may have upper-cased it
    known = {w.lower() for w in NOT_ENGLISH | data_words}
    return sorted({w for w in WORD.findall(text) if w.lower() not in known})


def test_a_chinese_agent_finds_no_english_in_the_queue_the_case_and_a_move(
    live_server,
    page,  # noqa: F811
) -> None:
    # given: an agent whose language is Chinese and zone Shanghai, with a case due today
    agent = make_user("agent-zh", "agent")
    AgentProfile.objects.create(user=agent, language="zh-hans", time_zone="Asia/Shanghai")
    borrower = BorrowerFactory(
        name="王小明",
        email="wang.xm@example.cn",
        phone="+8613800138000",
        time_zone="Asia/Shanghai",
        preferred_language="zh-Hans",
        jurisdiction="CN",
    )
    loan = LoanFactory(borrower=borrower, currency="CNY", external_id="LN88001")
    case = CaseFactory(
        loan=loan,
        amount_overdue=Decimal("1234.50"),
        assigned_agent=agent,
        next_action_at=timezone.now() - dt.timedelta(hours=1),
    )
    # ... and a timeline written by a worker, in the engine's language: a partial payment
    with translation.override("en"):
        payment_record(
            loan=loan,
            external_id="P900001",
            amount=Decimal("100.00"),
            currency="CNY",
            received_at=timezone.now() - dt.timedelta(hours=2),
            source="webhook:payments",
        )
    data = set(WORD.findall(f"{borrower.email} {borrower.external_id} {loan.external_id}"))
    data |= {"P900001"}
    data |= set(WORD.findall(loan.product)) | {"agent-zh", "agent"}

    # when: the agent signs in and opens the queue
    log_in(page, live_server.url, "agent-zh")
    page.goto(f"{live_server.url}/admin/collections_app/collectioncase/?queue=mine")
    snap(page, "language-1-queue-zh")

    # then: the queue is in Chinese, amounts with their currency, the zone named
    assert english_on(page, data) == [], " ".join(english_on(page, data))
    assert "1,134.50 CNY" in page.inner_text("#result_list")  # after the payment
    assert "时区：Asia/Shanghai" in page.locator("#user-tools").text_content()

    # ... the case page too
    page.locator("#result_list tbody tr").first.locator("th a").click()
    page.wait_for_selector("#case-timeline")
    snap(page, "language-2-case-zh")
    assert english_on(page, data) == [], " ".join(english_on(page, data))
    assert "P900001" in page.inner_text("#case-timeline")  # the worker's entry, in Chinese

    # ... and a move: the negotiation button, in Chinese, and the page after it
    button = page.locator("button[name=_fsm_transition_to][value=start_negotiation]")
    assert button.inner_text() == "开始协商"
    button.click()
    page.wait_for_selector(".messagelist")
    snap(page, "language-3-after-move-zh")
    assert english_on(page, data) == [], " ".join(english_on(page, data))
    assert CollectionCase.objects.get(pk=case.pk).state == "negotiation"
