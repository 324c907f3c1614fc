"""The call screen through Django's test client: what it shows before and after verification,
the gate's refusal, where promise and dispute lead, and who may open it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from collections_app.models import CallLog, CaseEvent, PiiAccessLog
from tests.calls.world import DOB, EVENING, MORNING, PHONE, verifiable_case
from tests.factories import make_user

pytestmark = pytest.mark.django_db
MINI_MIRANDA = "This is an attempt to collect a debt"


@pytest.fixture
def agent_client(client):
    client.force_login(make_user("caller", "agent"))
    return client


def _clock(monkeypatch, at) -> None:
    monkeypatch.setattr("collections_app.services.calls.now", lambda: at)


def _start(client, case, direction="outbound") -> str:
    url = reverse("admin:collections_app_collectioncase_call", args=[case.pk])
    response = client.post(url, {"direction": direction, "number": "0"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_before_verification_the_screen_says_nothing_about_the_debt(
    agent_client, monkeypatch
) -> None:
    _clock(monkeypatch, MORNING)
    case = verifiable_case()
    screen = _start(agent_client, case)
    page = _text(agent_client.get(screen))

    assert "Allowed: you may call now." in page
    assert PHONE in page  # the agent dials it: shown, and logged
    assert PiiAccessLog.objects.filter(case=case, fields="phone").exists()
    assert "This is a message for Avery from" in page  # what a third party may hear
    for secret in ("300.00", MINI_MIRANDA, case.loan.external_id, "days past due"):
        assert secret not in page, secret

    response = agent_client.post(screen, {"action": "verify", "date_of_birth": DOB.isoformat()})
    assert response.status_code == 302
    page = _text(agent_client.get(screen))
    assert "Borrower verified." in page
    assert MINI_MIRANDA in page and "USD 300.00" in page
    assert DOB.isoformat() not in page  # checked, never shown


def test_a_failed_verification_says_how_many_tries_are_left_then_locks(
    agent_client, monkeypatch
) -> None:
    _clock(monkeypatch, MORNING)
    screen = _start(agent_client, verifiable_case())
    for left in (2, 1, 0):
        agent_client.post(screen, {"action": "verify", "id_last_digits": "0000"})
        page = _text(agent_client.get(screen))
        assert f"{left} tries left today" in page
    assert 'id="call-rpv-locked"' in page
    assert 'id="call-verify-form"' not in page


def test_at_21_30_the_screen_shows_the_refusal_and_offers_no_log(agent_client, monkeypatch):
    _clock(monkeypatch, EVENING)
    case = verifiable_case()
    screen = _start(agent_client, case)
    page = _text(agent_client.get(screen))

    assert "Refused: outside allowed hours, next allowed at 2026-12-02 08:00 PST" in page
    assert 'id="call-log-form"' not in page and PHONE not in page
    response = agent_client.post(screen, {"action": "log", "wrap_up": "no_answer"}, follow=True)
    assert "cannot be logged" in _text(response)
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.CALL).exists()


def test_promise_continues_on_the_promise_form(agent_client, monkeypatch) -> None:
    _clock(monkeypatch, MORNING)
    case = verifiable_case()
    screen = _start(agent_client, case)
    agent_client.post(screen, {"action": "verify", "date_of_birth": DOB.isoformat()})
    response = agent_client.post(screen, {"action": "log", "wrap_up": "promise"})
    assert response["Location"] == reverse(
        "admin:collections_app_collectioncase_promise", args=[case.pk]
    )


def test_dispute_continues_on_the_dispute_page_or_the_case(agent_client, monkeypatch) -> None:
    from django.urls import NoReverseMatch

    _clock(monkeypatch, MORNING)
    case = verifiable_case()
    screen = _start(agent_client, case)
    agent_client.post(screen, {"action": "verify", "date_of_birth": DOB.isoformat()})
    response = agent_client.post(screen, {"action": "log", "wrap_up": "dispute"})
    try:
        expected = reverse("admin:collections_app_collectioncase_dispute", args=[case.pk])
    except NoReverseMatch:  # the dispute page is another part of the issue
        expected = reverse("admin:collections_app_collectioncase_change", args=[case.pk])
    assert response["Location"] == expected
    assert CallLog.objects.get().wrap_up == "dispute"


def test_a_wrap_up_missing_its_details_is_a_form_error(agent_client, monkeypatch) -> None:
    _clock(monkeypatch, MORNING)
    screen = _start(agent_client, verifiable_case())
    page = _text(agent_client.post(screen, {"action": "log", "wrap_up": "attorney"}))
    assert "The attorney&#x27;s name and contact" in page
    assert CallLog.objects.get().status == CallLog.Status.OPEN


def test_an_inbound_call_is_logged_from_the_same_screen(agent_client, monkeypatch) -> None:
    _clock(monkeypatch, EVENING)  # they called us: no allowed hours to respect
    case = verifiable_case()
    screen = _start(agent_client, case, direction="inbound")
    page = _text(agent_client.get(screen))
    assert 'id="call-refused"' not in page and 'id="call-log-form"' in page
    response = agent_client.post(screen, {"action": "log", "wrap_up": "third_party"})
    assert response.status_code == 302
    event = CaseEvent.objects.get(kind=CaseEvent.Kind.CALL)
    assert event.reason.startswith("Inbound call: Third party")


ROLE_MAY_CALL = [("agent", True), ("supervisor", True), ("legal", False), ("compliance", False)]


@pytest.mark.parametrize(("role", "allowed"), ROLE_MAY_CALL)
def test_the_call_button_and_screen_follow_the_role(client, role, allowed) -> None:
    case = verifiable_case()
    client.force_login(make_user(f"u-{role}", role))
    start = reverse("admin:collections_app_collectioncase_call", args=[case.pk])
    assert client.get(start).status_code == (200 if allowed else 403)
    page = client.get(reverse("admin:collections_app_collectioncase_change", args=[case.pk]))
    assert (start in page.content.decode()) == allowed


def test_a_callback_is_typed_in_the_borrowers_time(agent_client, monkeypatch) -> None:
    from collections_app.models import CollectionCase
    from tests.calls.world import LA, local

    _clock(monkeypatch, MORNING)
    case = verifiable_case()
    screen = _start(agent_client, case)
    page = _text(agent_client.get(screen))
    assert "time (America/Los_Angeles)." in page
    response = agent_client.post(
        screen, {"action": "log", "wrap_up": "callback", "callback_at": "2026-12-03T18:00"}
    )
    assert response.status_code == 302
    assert CollectionCase.objects.get(pk=case.pk).next_action_at == local(LA, 2026, 12, 3, 18, 0)
    event = CaseEvent.objects.get(kind=CaseEvent.Kind.CALL)
    assert "call back 2026-12-03 18:00 PST" in event.reason


def test_another_persons_call_in_progress_is_only_summarised(client, monkeypatch) -> None:
    _clock(monkeypatch, MORNING)
    case = verifiable_case()
    client.force_login(make_user("caller", "agent"))
    screen = _start(client, case)
    client.force_login(make_user("other", "agent"))
    page = _text(client.get(screen))
    assert "This call is in progress with caller." in page
    assert PHONE not in page and 'id="call-log-form"' not in page
    assert client.post(screen, {"action": "cancel"}).status_code == 403
