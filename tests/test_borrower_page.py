"""The borrower page: every loan and case, money per currency, one timeline of all the cases,
masked for a role without view_pii, restrictions first, a bounded number of queries."""

from __future__ import annotations

import datetime as dt
import re
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from collections_app.models import CaseEvent, ChannelConsent, ContactHold, PiiAccessLog
from collections_app.services.cases import case_add_note
from collections_app.services.consents import consent_opt_out
from collections_app.services.escalation_writes import bulk_insert
from tests.factories import BorrowerFactory, CaseFactory, LoanFactory, make_user

pytestmark = pytest.mark.django_db

PHONE = "+14155550187"
EMAIL = "sam.two@example.org"


def borrower_page(borrower) -> str:
    return reverse("admin:collections_app_borrower_change", args=[borrower.pk])


def case_page(case) -> str:
    return reverse("admin:collections_app_collectioncase_change", args=[case.pk])


@pytest.fixture
def two_loans():
    borrower = BorrowerFactory(name="Sam Two", phone=PHONE, email=EMAIL)
    usd = CaseFactory(
        loan=LoanFactory(borrower=borrower, external_id="L-USD-1", currency="USD"),
        amount_overdue=Decimal("300.00"),
    )
    usd2 = CaseFactory(
        loan=LoanFactory(borrower=borrower, external_id="L-USD-2", currency="USD"),
        amount_overdue=Decimal("125.50"),
    )
    eur = CaseFactory(
        loan=LoanFactory(borrower=borrower, external_id="L-EUR-1", currency="EUR"),
        amount_overdue=Decimal("80.00"),
    )
    stranger = CaseFactory(loan__external_id="L-OTHER")
    return borrower, [usd, usd2, eur], stranger


def _text(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}".*?</(div|fieldset)>', html, re.S)
    assert match, element_id
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


def test_the_page_shows_every_loan_and_case_and_nobody_elses(client, two_loans) -> None:
    borrower, cases, stranger = two_loans
    client.force_login(make_user("a1", "agent"))

    html = client.get(borrower_page(borrower)).content.decode()

    loans = _text(html, "borrower-loans")
    for loan_id in ("L-USD-1", "L-USD-2", "L-EUR-1"):
        assert loan_id in loans
    assert "L-OTHER" not in loans
    for case in cases:
        assert case_page(case) in html
    assert case_page(stranger) not in html
    assert "EUR 80.00" in loans and "USD 125.50" in loans


def test_balances_are_one_total_per_currency_never_summed_across(client, two_loans) -> None:
    borrower, _, _ = two_loans
    client.force_login(make_user("a1", "agent"))

    totals = _text(client.get(borrower_page(borrower)).content.decode(), "borrower-totals")

    assert "USD 425.50" in totals  # 300.00 + 125.50
    assert "EUR 80.00" in totals
    assert "505.50" not in totals  # never USD and EUR added together
    assert "USD 2400.00" in totals and "EUR 1200.00" in totals  # outstanding balances


def test_one_timeline_merges_all_the_cases_events(client, two_loans, agent) -> None:
    borrower, (usd, _, eur), stranger = two_loans
    case_add_note(case=usd, text="called about L-USD-1", actor=agent)
    case_add_note(case=eur, text="called about the euro loan", actor=agent)
    case_add_note(case=stranger, text="someone else entirely", actor=agent)
    client.force_login(make_user("a1", "agent"))

    timeline = _text(client.get(borrower_page(borrower)).content.decode(), "borrower-timeline")

    assert "called about L-USD-1" in timeline
    assert "called about the euro loan" in timeline
    assert "someone else entirely" not in timeline


def test_a_role_without_view_pii_sees_masked_contacts_and_timeline(client, two_loans) -> None:
    borrower, (usd, *_), _ = two_loans
    CaseEvent.objects.create(
        case=usd, kind=CaseEvent.Kind.REPLY, reason=f"SMS reply: write to {EMAIL}"
    )
    agent = make_user("a1", "agent")
    client.force_login(agent)

    html = client.get(borrower_page(borrower)).content.decode()

    assert PHONE not in html and EMAIL not in html
    assert "+1•••••••187" in _text(html, "borrower-header")
    assert "SMS reply: write to" in _text(html, "borrower-timeline")
    assert not PiiAccessLog.objects.filter(user=agent).exists()


def test_view_pii_shows_them_and_logs_the_view_once(client, two_loans) -> None:
    borrower, (usd, *_), _ = two_loans
    CaseEvent.objects.create(
        case=usd, kind=CaseEvent.Kind.REPLY, reason=f"SMS reply: write to {EMAIL}"
    )
    supervisor = make_user("s1", "supervisor")
    client.force_login(supervisor)

    html = client.get(borrower_page(borrower)).content.decode()

    assert PHONE in _text(html, "borrower-header")
    assert EMAIL in _text(html, "borrower-timeline")
    log = PiiAccessLog.objects.get(user=supervisor)
    assert (log.borrower, log.fields) == (borrower, "email,phone,timeline")


def test_active_holds_and_opt_outs_come_first(client, two_loans) -> None:
    borrower, _, _ = two_loans
    ContactHold.objects.create(borrower=borrower, kind=ContactHold.Kind.CEASE_COMMUNICATION,
                               source="borrower letter")  # fmt: skip
    ContactHold.objects.create(borrower=borrower, kind=ContactHold.Kind.BANKRUPTCY,
                               source="court", released_at=timezone.now())  # fmt: skip
    consent_opt_out(borrower=borrower, channel="sms", source=ChannelConsent.Source.AGENT)
    client.force_login(make_user("a1", "agent"))

    html = client.get(borrower_page(borrower)).content.decode()

    restrictions = _text(html, "borrower-restrictions")
    assert "Cease communication" in restrictions
    assert "Bankruptcy" not in restrictions  # released
    assert "Opted out of SMS" in restrictions
    assert html.index('id="borrower-restrictions"') < html.index('id="borrower-header"')


def test_no_restrictions_no_box(client, two_loans) -> None:
    borrower, _, _ = two_loans
    client.force_login(make_user("a1", "agent"))
    assert 'id="borrower-restrictions"' not in client.get(borrower_page(borrower)).content.decode()


def test_the_restrictions_banner_is_included_when_it_exists(client, two_loans, settings) -> None:
    from collections_app.admin import borrower_page as page_module

    borrower, _, _ = two_loans
    client.force_login(make_user("a1", "agent"))
    banner = page_module.RESTRICTIONS_BANNER
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0].get("OPTIONS", {}),
                "loaders": [
                    ("django.template.loaders.locmem.Loader",
                     {banner: '<div id="shared-banner">{{ restrictions_borrower.name }}</div>'}),
                    "django.template.loaders.filesystem.Loader",
                    "django.template.loaders.app_directories.Loader",
                ],
            },
        }
    ]  # fmt: skip
    settings.TEMPLATES[0].pop("APP_DIRS", None)

    html = client.get(borrower_page(borrower)).content.decode()

    assert '<div id="shared-banner">Sam Two</div>' in html


def test_the_case_page_links_to_the_borrower_and_their_other_loans(client, two_loans) -> None:
    borrower, (usd, usd2, eur), stranger = two_loans
    client.force_login(make_user("a1", "agent"))

    html = client.get(case_page(usd)).content.decode()

    assert f'href="{borrower_page(borrower)}"' in html
    others = _text(html, "case-other-loans")
    assert "2" in others
    assert case_page(usd2) in html and case_page(eur) in html
    assert case_page(stranger) not in html
    assert html.index('id="case-other-loans"') < html.index('id="case-timeline"')


def _many_events(cases, per_case: int) -> None:
    now = timezone.now()
    bulk_insert(
        CaseEvent,
        [
            dict(case_id=case.pk, kind=CaseEvent.Kind.NOTE, from_state="reminder",
                 to_state="reminder", actor_id=None, reason=f"note {i} on {case.pk}", data={},
                 created_at=now - dt.timedelta(minutes=i))
            for case in cases
            for i in range(per_case)
        ],
        now,
    )  # fmt: skip


def test_queries_do_not_grow_with_loans_or_events(client) -> None:
    small = BorrowerFactory()
    CaseFactory(loan=LoanFactory(borrower=small))
    big = BorrowerFactory()
    cases = [CaseFactory(loan=LoanFactory(borrower=big)) for _ in range(5)]
    _many_events(cases, 100)  # 500 timeline events
    client.force_login(make_user("s1", "supervisor"))
    client.get(borrower_page(small))  # warm the permission cache the same way for both

    with CaptureQueriesContext(connection) as few:
        assert client.get(borrower_page(small)).status_code == 200
    with CaptureQueriesContext(connection) as many:
        html = client.get(borrower_page(big)).content.decode()

    assert len(many) == len(few)
    assert len(many) <= 25
    assert html.count('class="timeline-note"') == 50  # one page
    assert 'id="timeline-older"' in html


def test_the_page_is_fast_with_five_loans_and_500_events(client) -> None:
    big = BorrowerFactory()
    cases = [CaseFactory(loan=LoanFactory(borrower=big)) for _ in range(5)]
    _many_events(cases, 100)
    client.force_login(make_user("a1", "agent"))
    url = borrower_page(big)
    client.get(url)
    timings = []
    for _ in range(20):
        # The request's own CPU time (SQLite runs in this process too): what the page costs,
        # not how busy the shared machine is. Wall clock on PostgreSQL: benchmarks/admin.py.
        start = time.process_time()
        assert client.get(url).status_code == 200
        timings.append(time.process_time() - start)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    assert p95 < 0.25, f"p95 {p95 * 1000:.0f} ms"


def test_older_pages_of_the_timeline_are_bounded(client) -> None:
    big = BorrowerFactory()
    cases = [CaseFactory(loan=LoanFactory(borrower=big)) for _ in range(2)]
    _many_events(cases, 60)  # 120 events: three pages of 50
    client.force_login(make_user("a1", "agent"))

    third = client.get(borrower_page(big) + "?timeline_page=3").content.decode()
    nonsense = client.get(borrower_page(big) + "?timeline_page=abc")

    assert third.count('class="timeline-note"') == 20
    assert 'id="timeline-older"' not in third and 'id="timeline-newer"' in third
    assert nonsense.status_code == 200


def test_a_borrower_event_written_on_each_case_shows_once_naming_both_loans(
    client, two_loans
) -> None:
    borrower, _, _ = two_loans
    consent_opt_out(borrower=borrower, channel="voice", source=ChannelConsent.Source.AGENT)
    client.force_login(make_user("a1", "agent"))

    timeline = _text(client.get(borrower_page(borrower)).content.decode(), "borrower-timeline")

    assert timeline.count("Opted out of voice") == 1
    for loan_id in ("L-USD-1", "L-USD-2", "L-EUR-1"):
        assert loan_id in timeline
