"""Calls in a real browser, as an agent does them: the gate refusing a call at 21:30 the
borrower's time; and a call logged with each wrap-up code, each doing what it says.
Screenshots of every step go to test-artifacts/browser/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from collections_app.models import (
    BadContactPoint,
    CallLog,
    CaseEvent,
    CollectionCase,
    ContactAttempt,
    ContactHold,
    PromiseToPay,
)
from tests.browser import chromium, log_in, page, snap  # noqa: F401  (fixtures)
from tests.calls.world import DOB, LA, local, verifiable_case
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
W = CallLog.WrapUp


def _hold_clock(monkeypatch, at: dt.datetime) -> None:
    # The live server runs in this process: the call service's clock is the test's.
    monkeypatch.setattr("collections_app.services.calls.now", lambda: at)


def _start_call(browser_page: object, base_url: str, case: CollectionCase) -> None:
    browser_page.goto(f"{base_url}/admin/collections_app/collectioncase/{case.pk}/change/")
    browser_page.click("#case-call")
    browser_page.wait_for_selector("#call-start-form")
    browser_page.click("#call-start")
    browser_page.wait_for_selector("#call-wrap-up, #call-refused")


def test_the_gate_refuses_a_call_at_21_30_the_borrowers_time(
    live_server,
    page,  # noqa: F811
    monkeypatch,
) -> None:
    # given: an agent, a Californian borrower, and 21:30 in California
    make_user("agent1", "agent")
    case = verifiable_case(phone="+14155550142")
    _hold_clock(monkeypatch, local(LA, 2026, 12, 1, 21, 30))

    # when: the agent presses Call on the case and asks to call the number
    log_in(page, live_server.url, "agent1")
    page.goto(f"{live_server.url}/admin/collections_app/collectioncase/{case.pk}/change/")
    snap(page, "calls-1-case-page-with-call")
    page.click("#case-call")
    page.wait_for_selector("#call-start-form")
    snap(page, "calls-2-may-i-call")
    page.click("#call-start")
    page.wait_for_selector("#call-refused")
    snap(page, "calls-3-refused-at-21-30")

    # then: refused, in plain words, with when it will be allowed; nothing can be logged
    assert page.inner_text("#call-refused").startswith(
        "Refused: outside allowed hours, next allowed at 2026-12-02 08:00 PST"
    )
    assert page.locator("#call-log-form").count() == 0
    assert page.locator("#call-number").count() == 0
    assert not ContactAttempt.objects.exists()
    call = CallLog.objects.get()
    assert call.status == "refused" and call.decision.rule == "quiet_hours"
    # ... and the refusal is on the case's timeline, like any gate refusal.
    page.click("text=Back to the case")
    page.wait_for_selector("#case-timeline")
    assert "Voice call blocked" in page.inner_text("#case-timeline")


# code -> (needs verification, extra fields to fill)
CODES = [
    (W.RIGHT_PARTY, True, {}),
    (W.THIRD_PARTY, False, {}),
    (W.NO_ANSWER, False, {}),
    (W.VOICEMAIL, False, {}),
    (W.WRONG_NUMBER, False, {}),
    (W.REFUSED_TO_PAY, True, {}),
    (W.PROMISE, True, {}),
    (W.CALLBACK, False, {"#id_callback_at": "callback"}),
    (W.DISPUTE, True, {}),
    (W.ATTORNEY, False, {"#id_attorney_contact": "Kim Law LLP, 415 555 0111"}),
    (W.BANKRUPTCY, False, {"#id_bankruptcy_case_number": "24-10532-B"}),
    (W.DECEASED, False, {}),
]


def test_an_agent_logs_a_call_with_each_wrap_up_code(
    live_server,
    page,  # noqa: F811
    monkeypatch,
) -> None:
    # given: an agent, one case per code, and a morning in California today
    agent = make_user("agent1", "agent")
    today = timezone.localdate()
    morning = local(LA, today.year, today.month, today.day, 10, 0)
    _hold_clock(monkeypatch, morning)
    callback = morning + dt.timedelta(hours=4)  # later today, typed in the borrower's time
    cases = {
        code: verifiable_case(phone=f"+1415555{1000 + i:04d}", assigned_agent=agent)
        for i, (code, _, _) in enumerate(CODES)
    }
    log_in(page, live_server.url, "agent1")

    for step, (code, needs_verified, extra) in enumerate(CODES, start=1):
        case = cases[code]
        _start_call(page, live_server.url, case)
        assert page.locator("#call-allowed").count() == 1
        assert "300.00" not in page.inner_text("#content")  # third-party-safe until verified
        if needs_verified:
            page.fill("#id_date_of_birth", DOB.isoformat())
            page.click("#call-verify-submit")
            page.wait_for_selector("#call-verified")
            assert "This is an attempt to collect a debt" in page.inner_text("#call-disclosure")
            assert "USD 300.00" in page.inner_text("#call-amount")
        page.select_option("#id_wrap_up", code)
        page.fill("#id_note", f"logged {code}")
        for selector, value in extra.items():
            typed = callback.strftime("%Y-%m-%dT%H:%M") if value == "callback" else value
            page.fill(selector, typed)
        snap(page, f"calls-wrap-{step:02d}-{code}")
        page.click("#call-log-submit")
        page.wait_for_selector(".messagelist")
        assert f"Call logged: {W(code).label}." in page.inner_text(".messagelist")
        if code == W.PROMISE:
            # promise opens the promise form; the agent records it there
            page.wait_for_selector("#case-action-form")
            page.fill("#id_amount", "150.00")
            page.fill("#id_due_date", (today + dt.timedelta(days=5)).isoformat())
            page.click("#case-action-form input[type=submit]")
            page.wait_for_selector("#case-timeline")
        snap(page, f"calls-wrap-{step:02d}-{code}-done")

        # every code: the call logged, one timeline entry credited to the agent
        event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.CALL)
        assert event.actor == agent and event.data["wrap_up"] == code
        assert CallLog.objects.get(case=case).status == "logged"

    # then: each code did what it says
    outcomes = dict(ContactAttempt.objects.values_list("case_id", "outcome"))
    assert outcomes[cases[W.NO_ANSWER].pk] == "unanswered"
    assert outcomes[cases[W.VOICEMAIL].pk] == "voicemail"
    assert outcomes[cases[W.RIGHT_PARTY].pk] == "connected"
    wrong = cases[W.WRONG_NUMBER].loan.borrower
    assert BadContactPoint.objects.filter(borrower=wrong, address=wrong.phone).count() == 2
    assert PromiseToPay.objects.get(case=cases[W.PROMISE]).created_by == agent
    callback_case = CollectionCase.objects.get(pk=cases[W.CALLBACK].pk)
    assert callback_case.next_action_at == callback.replace(second=0, microsecond=0)
    holds = {h.borrower_id: h for h in ContactHold.objects.all()}
    attorney = holds[cases[W.ATTORNEY].loan.borrower_id]
    assert (attorney.kind, attorney.attorney_contact) == ("attorney", "Kim Law LLP, 415 555 0111")
    assert "24-10532-B" in holds[cases[W.BANKRUPTCY].loan.borrower_id].note
    assert holds[cases[W.DECEASED].loan.borrower_id].kind == "deceased"
    for code in (W.ATTORNEY, W.BANKRUPTCY, W.DECEASED):
        assert CollectionCase.objects.get(pk=cases[code].pk).state == "paused"

    # ... and the callback shows in the agent's "Due today" queue
    page.goto(f"{live_server.url}/admin/collections_app/collectioncase/?queue=due_today")
    snap(page, "calls-due-today-with-callback")
    rows = page.locator("#result_list tbody tr").all_inner_texts()
    assert [r.split()[0] for r in rows] == [str(callback_case.pk)]
