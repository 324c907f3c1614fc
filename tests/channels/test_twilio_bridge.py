"""Click-to-call: Twilio rings the agent's phone and bridges the borrower, through the real SDK
to the loopback server that checks Twilio's published contract; only after the gate allowed."""

from __future__ import annotations

import pytest

from collections_app.models import AgentProfile, CallLog
from collections_app.services.calls import CallError, call_bridge, call_check
from tests.calls.world import EVENING, MORNING, PHONE, verifiable_case
from tests.channels.conftest import FROM_NUMBER
from tests.factories import make_user

pytestmark = pytest.mark.django_db
AGENT_PHONE = "+14155550123"


@pytest.fixture
def agent(on_contract, settings):
    settings.CLICK_TO_CALL = True
    # The first request loads the contract: a loaded machine needs more than on_contract's 0.5 s.
    settings.TWILIO_READ_TIMEOUT = 10
    user = make_user("caller", "agent")
    AgentProfile.objects.create(user=user, phone=AGENT_PHONE)
    return user


def _calls(server) -> list[dict[str, str]]:
    return [dict(r.form) for r in server.requests if r.path.endswith("/Calls.json")]


def test_an_allowed_call_rings_the_agent_and_dials_the_borrower(on_contract, agent) -> None:
    call = call_check(case=verifiable_case(), agent=agent, number=PHONE, at=MORNING)

    call = call_bridge(call=call, agent=agent)

    assert call.bridge_provider_id.startswith("CA") and len(call.bridge_provider_id) == 34
    (sent,) = _calls(on_contract)
    assert (sent["To"], sent["From"]) == (AGENT_PHONE, FROM_NUMBER)
    # The borrower sees our number, never the agent's.
    assert f'<Dial callerId="{FROM_NUMBER}"><Number>{PHONE}</Number></Dial>' in sent["Twiml"]
    with pytest.raises(CallError):
        call_bridge(call=call, agent=agent)  # placed once
    assert len(_calls(on_contract)) == 1


def test_a_refused_call_is_never_dialled(on_contract, agent) -> None:
    call = call_check(case=verifiable_case(), agent=agent, number=PHONE, at=EVENING)
    assert call.status == CallLog.Status.REFUSED
    with pytest.raises(CallError):
        call_bridge(call=call, agent=agent)
    assert _calls(on_contract) == []


def test_without_the_setting_or_the_agents_phone_the_agent_dials(on_contract, settings) -> None:
    settings.CLICK_TO_CALL = True
    user = make_user("caller", "agent")
    call = call_check(case=verifiable_case(), agent=user, number=PHONE, at=MORNING)
    with pytest.raises(CallError, match="agent profile"):
        call_bridge(call=call, agent=user)
    settings.CLICK_TO_CALL = False
    with pytest.raises(CallError, match="not configured"):
        call_bridge(call=call, agent=user)
    assert _calls(on_contract) == []


def test_the_call_screen_offers_click_to_call_and_keeps_the_number_masked(
    on_contract, agent, client, monkeypatch
) -> None:
    from django.urls import reverse

    monkeypatch.setattr("collections_app.services.calls.now", lambda: MORNING)
    case = verifiable_case()
    client.force_login(agent)
    start = reverse("admin:collections_app_collectioncase_call", args=[case.pk])
    screen = client.post(start, {"direction": "outbound", "number": "0"})["Location"]
    page = client.get(screen).content.decode()
    assert 'id="call-bridge"' in page
    assert PHONE not in page  # Twilio dials it: the agent never needs to see it

    page = client.post(screen, {"action": "bridge"}, follow=True).content.decode()

    assert "Your phone is ringing" in page and 'id="call-placed"' in page
    assert len(_calls(on_contract)) == 1
