"""Sending to a real receiver on loopback: signed, delivered once, retried with backoff after
failures, never sent again once delivered, 410 disables the endpoint, and a receiver that is
down rests its endpoint instead of timing out every delivery in turn."""

import datetime as dt
import json

import pytest

from collections_app.lender.deliveries import (
    lender_deliveries_drain,
    lender_deliveries_replay,
    lender_deliveries_send,
)
from collections_app.lender.events import lender_event_emit
from collections_app.models import LenderEvent, LenderEventDelivery, WebhookEndpoint
from collections_app.webhooks.signatures import payments_request_valid
from tests.factories import CaseFactory
from tests.lender.conftest import later, make_endpoint
from tests.lender.receiver import receiver

pytestmark = pytest.mark.django_db


def drain() -> int:
    return lender_deliveries_drain(batch=50, seconds=30).tried


def emit(kind: str = "promise.created", key: str = "promise.created:1", **payload) -> LenderEvent:
    return lender_event_emit(kind=kind, payload=payload or {"promise_id": 1}, dedupe_key=key)


def delivery() -> LenderEventDelivery:
    return LenderEventDelivery.objects.get()


def test_delivered_once_signed_with_the_endpoints_secret(lender) -> None:
    endpoint = make_endpoint(lender.url)
    case = CaseFactory()
    event = lender_event_emit(
        kind="case.state_changed", payload={"case_id": case.pk, "to_state": "negotiation"},
        case=case, dedupe_key="moved",
    )  # fmt: skip

    assert drain() == 1
    (got,) = lender.received
    assert payments_request_valid(got.headers["X-Signature"], got.body, endpoint.plain_secret)
    assert got.event_id == str(event.uuid) == got.json["id"]
    assert got.json["type"] == "case.state_changed"
    assert got.json["data"] == {"case_id": case.pk, "to_state": "negotiation"}
    assert got.json["occurred_at"].endswith("Z")
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["X-Delivery-Attempt"] == "1"
    sent = delivery()
    assert (sent.status, sent.attempts, sent.delivered_at is not None) == ("delivered", 1, True)
    (attempt,) = sent.attempt_rows.all()
    assert (attempt.number, attempt.http_status, attempt.response_excerpt) == (1, 200, "status 200")

    # never again: another drain, a redelivered task for the same row
    assert drain() == 0
    assert lender_deliveries_send(delivery_ids=[sent.pk]).tried == 0
    assert len(lender.received) == 1


def test_fails_twice_then_delivered_three_attempts_one_delivery(lender, clock) -> None:
    lender.script = [500, (503, "busy", {"Retry-After": "120"})]
    make_endpoint(lender.url)
    event = emit()

    assert drain() == 1
    assert delivery().status == "queued" and "HTTP 500" in delivery().last_error
    first_due = delivery().next_attempt_at
    assert dt.timedelta(seconds=15) <= first_due - clock.now <= dt.timedelta(seconds=31)
    assert drain() == 0  # not due yet: nothing is sent early

    later(clock, seconds=31)
    assert drain() == 1
    # the receiver asked for 120 s, more than the backoff (30-60 s)
    assert delivery().next_attempt_at - clock.now >= dt.timedelta(seconds=119)
    later(clock, seconds=121)
    assert drain() == 1

    assert delivery().status == "delivered"
    assert lender.event_ids() == [str(event.uuid)] * 3  # one event id, however often tried
    attempts = list(delivery().attempt_rows.order_by("number").values_list("number", "http_status"))
    assert attempts == [(1, 500), (2, 503), (3, 200)]
    later(clock, hours=2)
    assert drain() == 0


def test_a_410_disables_the_endpoint_and_nothing_more_is_sent(lender, clock) -> None:
    lender.script = [410]
    endpoint = make_endpoint(lender.url)
    emit(key="a")
    emit(key="b")

    drain()
    assert len(lender.received) == 1
    endpoint.refresh_from_db()
    assert not endpoint.is_active and "410" in endpoint.disabled_reason
    later(clock, hours=1)
    assert drain() == 0
    assert len(lender.received) == 1
    # what waits is sent when a person switches the endpoint on again
    from collections_app.lender.endpoints import webhook_endpoint_enable

    assert set(LenderEventDelivery.objects.values_list("status", flat=True)) == {"queued"}
    webhook_endpoint_enable(endpoint=endpoint)
    assert drain() == 2
    assert set(LenderEventDelivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_two_endpoints_each_get_their_one_delivery(allow_http) -> None:
    with receiver() as first, receiver() as second:
        make_endpoint(first.url)
        make_endpoint(second.url)
        event = emit()
        drain()
        assert first.event_ids() == second.event_ids() == [str(event.uuid)]
    assert LenderEventDelivery.objects.filter(status="delivered").count() == 2


def test_a_kind_the_endpoint_does_not_subscribe_to_is_not_sent(allow_http) -> None:
    with receiver() as holds_only, receiver() as everything:
        make_endpoint(holds_only.url, kinds=("hold.placed",))
        make_endpoint(everything.url)
        emit(kind="promise.created", key="p")
        emit(kind="hold.placed", key="h")
        drain()
        assert [r.json["type"] for r in holds_only.received] == ["hold.placed"]
        assert sorted(r.json["type"] for r in everything.received) == [
            "hold.placed",
            "promise.created",
        ]


def test_the_last_allowed_try_marks_the_delivery_failed(lender, clock, settings) -> None:
    settings.LENDER_WEBHOOK_MAX_ATTEMPTS = 2
    lender.then = 400
    make_endpoint(lender.url)
    emit()
    drain()
    later(clock, minutes=5)
    drain()
    later(clock, hours=5)
    assert drain() == 0
    failed = delivery()
    assert (failed.status, failed.attempts) == ("failed", 2)
    assert "HTTP 400" in failed.last_error


def test_a_receiver_that_is_down_rests_its_endpoint(allow_http, clock) -> None:
    from tests.conftest import free_port

    # a closed port: every try is refused at once
    endpoint = make_endpoint(f"http://127.0.0.1:{free_port()}/hooks")
    for n in range(6):
        emit(key=f"k{n}")
    # three refused in a row and the endpoint rests: the other three are not tried
    assert drain() == 3
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 3 and endpoint.blocked_until > clock.now
    assert LenderEventDelivery.objects.filter(attempts=0, status="queued").count() == 3
    assert all(
        "ConnectionError" in e
        for e in LenderEventDelivery.objects.exclude(attempts=0).values_list(
            "last_error", flat=True
        )
    )


def test_a_healthy_answer_ends_the_rest(lender, clock) -> None:
    lender.script = [500, 500, 500]
    endpoint = make_endpoint(lender.url)
    for n in range(4):
        emit(key=f"k{n}")
    drain()
    endpoint.refresh_from_db()
    assert endpoint.blocked_until is not None
    later(clock, hours=2)
    assert drain() == 4
    endpoint.refresh_from_db()
    assert (endpoint.consecutive_failures, endpoint.blocked_until) == (0, None)
    assert LenderEventDelivery.objects.filter(status="delivered").count() == 4


def test_a_timeout_is_retried(lender, clock, settings) -> None:
    settings.LENDER_WEBHOOK_READ_TIMEOUT = 0.3
    lender.script = ["hang"]
    make_endpoint(lender.url)
    event = emit()
    drain()
    lender.release.set()
    assert delivery().status == "queued" and "timeout" in delivery().last_error
    later(clock, minutes=2)
    drain()
    assert delivery().status == "delivered"
    assert lender.event_ids() == [str(event.uuid)] * 2


def test_replay_sends_the_same_event_id_again(lender, supervisor) -> None:
    make_endpoint(lender.url)
    event = emit()
    drain()
    sent = delivery()

    assert lender_deliveries_replay(delivery_ids=[sent.pk], actor=supervisor) == 1
    replayed = delivery()
    assert (replayed.status, replayed.replayed_by, replayed.attempt_limit) == (
        "queued", supervisor, 1 + 12,
    )  # fmt: skip
    assert drain() == 1
    assert lender.event_ids() == [str(event.uuid)] * 2
    assert lender.delivered_ids() == {str(event.uuid)}  # what a deduplicating receiver keeps
    assert list(delivery().attempt_rows.values_list("number", flat=True)) == [1, 2]


def test_a_failed_delivery_replayed_gets_a_fresh_allowance(lender, clock, settings) -> None:
    settings.LENDER_WEBHOOK_MAX_ATTEMPTS = 1
    lender.script = [500]
    make_endpoint(lender.url)
    emit()
    drain()
    assert delivery().status == "failed"
    lender_deliveries_replay(delivery_ids=[delivery().pk], actor=None)
    later(clock, hours=1)  # past the endpoint's rest too, if any
    drain()
    assert (delivery().status, delivery().attempts) == ("delivered", 2)


def test_a_delivery_being_sent_is_not_replayed(lender) -> None:
    make_endpoint(lender.url)
    emit()
    LenderEventDelivery.objects.update(status="sending")
    assert lender_deliveries_replay(delivery_ids=[delivery().pk], actor=None) == 0
    assert delivery().status == "sending"


def test_an_endpoint_url_no_longer_allowed_is_not_called(lender, settings) -> None:
    endpoint = make_endpoint(lender.url)
    emit()
    settings.LENDER_WEBHOOK_ALLOW_HTTP = False  # e.g. production settings on a copied database
    drain()
    assert lender.received == []
    endpoint.refresh_from_db()
    assert not endpoint.is_active and "https" in endpoint.disabled_reason
    assert delivery().status == "queued"


def test_the_stored_payload_is_what_the_receiver_gets(lender) -> None:
    from decimal import Decimal

    make_endpoint(lender.url)
    emit(amount=Decimal("120.50"), due_date=dt.date(2026, 3, 9))
    drain()
    assert lender.received[0].json["data"] == {"amount": "120.50", "due_date": "2026-03-09"}
    assert json.loads(lender.received[0].body) == lender.received[0].json


def test_only_real_loopback_endpoints_for_the_tests() -> None:
    # make_endpoint refuses an http URL elsewhere even when http is allowed
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_endpoint("http://lender.example/hooks")
    assert not WebhookEndpoint.objects.exists()
