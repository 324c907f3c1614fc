"""Admin: supervisors make endpoints (the secret shown once, never again), rotate, disable and
enable them, read events and deliveries with their tries, and replay a delivery."""

import re

import pytest
from django.urls import reverse

from collections_app.lender.deliveries import lender_deliveries_drain
from collections_app.lender.events import lender_event_emit
from collections_app.models import LenderEventDelivery, WebhookEndpoint
from collections_app.webhooks.signatures import payments_request_valid
from tests.factories import make_user
from tests.lender.conftest import make_endpoint

pytestmark = pytest.mark.django_db


def url(model: str, view: str = "changelist", *args: object) -> str:
    return reverse(f"admin:collections_app_{model}_{view}", args=args)


@pytest.fixture
def boss(client):
    client.force_login(make_user("boss", "supervisor"))
    return client


def shown_secrets(page: str) -> list[str]:
    return re.findall(r'<code class="lender-secret">([^<]+)</code>', page)


def test_a_new_endpoints_secret_is_shown_once_and_never_again(boss) -> None:
    response = boss.post(
        url("webhookendpoint", "add"),
        {"name": "core", "url": "https://lender.example/hooks", "event_kinds": ["hold.placed"]},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    (secret,) = shown_secrets(response.content.decode())
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.secret, endpoint.event_kinds, endpoint.is_active) == (
        secret, ["hold.placed"], True,
    )  # fmt: skip
    assert endpoint.created_by.username == "boss"
    for page in (url("webhookendpoint"), url("webhookendpoint", "change", endpoint.pk)):
        drawn = boss.get(page)
        assert drawn.status_code == 200 and secret not in drawn.content.decode()
    # and nothing about it waits in a message for the next page
    assert secret not in str(boss.cookies)


@pytest.mark.parametrize(
    ("posted", "field", "says"),
    [
        ({"url": "http://lender.example/hooks"}, "url", "https"),
        ({"url": "ftp://lender.example/hooks"}, "url", "https"),
        ({"url": "not a url"}, "url", "valid URL"),
        ({"event_kinds": ["case.exploded"]}, "event_kinds", "valid choice"),
        ({"name": ""}, "name", "required"),
    ],
)
def test_a_bad_endpoint_is_refused_beside_its_field(boss, posted, field, says) -> None:
    data = {"name": "core", "url": "https://lender.example/hooks"} | posted
    response = boss.post(url("webhookendpoint", "add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert says in " ".join(errors[field])
    assert not WebhookEndpoint.objects.exists()


def test_http_to_loopback_needs_the_setting(boss, settings) -> None:
    data = {"name": "laptop", "url": "http://127.0.0.1:9000/hooks"}
    settings.LENDER_WEBHOOK_ALLOW_HTTP = False
    assert boss.post(url("webhookendpoint", "add"), data).context["adminform"].form.errors
    settings.LENDER_WEBHOOK_ALLOW_HTTP = True
    assert shown_secrets(boss.post(url("webhookendpoint", "add"), data).content.decode())


def test_rotating_shows_the_new_secret_and_both_sign_meanwhile(boss, lender) -> None:
    endpoint = make_endpoint(lender.url)
    old = endpoint.plain_secret
    response = boss.post(
        url("webhookendpoint"), {"action": "rotate_secret", "_selected_action": [endpoint.pk]}
    )
    (new,) = shown_secrets(response.content.decode())
    assert new != old
    lender_event_emit(kind="hold.placed", payload={}, dedupe_key="h")
    lender_deliveries_drain(batch=10, seconds=10)
    (got,) = lender.received
    assert payments_request_valid(got.headers["X-Signature"], got.body, old)
    assert payments_request_valid(got.headers["X-Signature"], got.body, new)

    boss.post(url("webhookendpoint"), {"action": "end_rotation", "_selected_action": [endpoint.pk]})
    lender_event_emit(kind="hold.placed", payload={}, dedupe_key="h2")
    lender_deliveries_drain(batch=10, seconds=10)
    last = lender.received[-1]
    assert not payments_request_valid(last.headers["X-Signature"], last.body, old)
    assert payments_request_valid(last.headers["X-Signature"], last.body, new)


def test_disable_and_enable_from_the_list(boss) -> None:
    endpoint = make_endpoint()
    boss.post(url("webhookendpoint"), {"action": "disable", "_selected_action": [endpoint.pk]})
    endpoint.refresh_from_db()
    assert not endpoint.is_active and "boss" in endpoint.disabled_reason
    assert lender_event_emit(kind="hold.placed", payload={}, dedupe_key="h") is None
    boss.post(url("webhookendpoint"), {"action": "enable", "_selected_action": [endpoint.pk]})
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.disabled_reason == ""


def _sent_delivery(lender) -> LenderEventDelivery:
    make_endpoint(lender.url)
    lender_event_emit(kind="promise.created", payload={"promise_id": 7}, dedupe_key="p:7")
    lender_deliveries_drain(batch=10, seconds=10)
    return LenderEventDelivery.objects.get(status="delivered")


def test_replay_from_the_list_and_from_the_delivery_page(boss, lender) -> None:
    delivery = _sent_delivery(lender)
    response = boss.post(
        url("lendereventdelivery"), {"action": "replay", "_selected_action": [delivery.pk]}
    )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.replayed_by.username) == ("queued", "boss")
    lender_deliveries_drain(batch=10, seconds=10)

    page = boss.get(url("lendereventdelivery", "change", delivery.pk)).content.decode()
    assert "Replay (same event id)" in page
    replay = url("lendereventdelivery", "replay", delivery.pk)
    assert boss.get(replay).status_code == 405
    assert boss.post(replay).status_code == 302
    lender_deliveries_drain(batch=10, seconds=10)
    assert len(set(lender.event_ids())) == 1 and len(lender.received) == 3
    # each try is on the delivery's page
    page = boss.get(url("lendereventdelivery", "change", delivery.pk)).content.decode()
    assert page.count("status 200") == 3


def test_only_who_may_replay_sees_and_presses_the_button(client, lender) -> None:
    delivery = _sent_delivery(lender)
    client.force_login(make_user("clerk", "compliance"))
    assert client.post(url("lendereventdelivery", "replay", delivery.pk)).status_code == 403
    delivery.refresh_from_db()
    assert delivery.status == "delivered"


def test_the_event_page_shows_its_data_and_deliveries_and_search_never_fails(boss, lender) -> None:
    delivery = _sent_delivery(lender)
    event = delivery.event
    page = boss.get(url("lenderevent", "change", event.pk)).content.decode()
    assert "promise_id&quot;: 7" in page and str(event.uuid) in page
    assert url("lendereventdelivery", "change", delivery.pk) in page
    for term in (str(event.uuid), "not-a-uuid", "12", "%", ""):
        assert boss.get(url("lenderevent"), {"q": term}).status_code == 200, term
        assert boss.get(url("lendereventdelivery"), {"q": term}).status_code == 200, term
    found = boss.get(url("lendereventdelivery"), {"q": str(event.uuid)})
    assert list(found.context["cl"].result_list) == [delivery]
