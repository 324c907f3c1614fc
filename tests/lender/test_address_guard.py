"""The address check at connect time (lender/http.py): a name that resolves into our own
networks is refused after DNS, before a byte is sent, and the endpoint stops until a person
looks. DNS is the edge of the world here: `socket.getaddrinfo` answers for one made-up name."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from collections_app.lender import http
from collections_app.lender.deliveries import lender_deliveries_drain
from collections_app.lender.events import lender_event_emit
from collections_app.models import LenderEventDelivery
from tests.lender.conftest import make_endpoint

pytestmark = pytest.mark.django_db
NAME = "hooks.lender.example"


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A plain TCP server on loopback that records every byte it is sent."""
    server = socket.create_server(("127.0.0.1", 0))
    got: list[bytes] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    data = conn.recv(65536)
                except OSError:
                    data = b""
                got.append(data)
                if data.startswith(b"POST"):
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], got
    server.close()
    thread.join(timeout=5)


@pytest.fixture
def name_resolves_to_loopback(monkeypatch) -> None:
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        return real("127.0.0.1" if host == NAME else host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def post(url: str) -> http.Answer:
    return http.post(url, body=b"{}", headers={}, connect_timeout=2, read_timeout=2)


def test_a_private_address_is_refused_before_anything_is_sent(listener, settings) -> None:
    port, got = listener
    settings.LENDER_WEBHOOK_ALLOW_HTTP = False
    answer = post(f"http://127.0.0.1:{port}/h")
    assert answer.refused_address and answer.status is None
    assert "127.0.0.1 is not a public address" in answer.error
    assert got in ([], [b""])  # connected, checked, closed: not one byte of the request


def test_a_listed_network_is_sent_to(listener, settings) -> None:
    port, got = listener
    settings.LENDER_WEBHOOK_ALLOW_HTTP = False
    settings.LENDER_WEBHOOK_PRIVATE_NETWORKS = ["127.0.0.0/8"]
    answer = post(f"http://127.0.0.1:{port}/h")
    assert (answer.status, answer.refused_address) == (200, False)
    assert got[0].startswith(b"POST /h")


def test_a_name_resolving_into_our_network_disables_the_endpoint(
    listener, settings, name_resolves_to_loopback
) -> None:
    port, got = listener
    settings.LENDER_WEBHOOK_ALLOW_HTTP = False
    endpoint = make_endpoint(f"https://{NAME}:{port}/hooks")  # a name: saved
    lender_event_emit(kind="promise.created", payload={"promise_id": 1}, dedupe_key="p1")

    assert lender_deliveries_drain(batch=10, seconds=10).tried == 1
    assert got in ([], [b""])  # refused before the TLS handshake
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert "not a public address" in endpoint.disabled_reason
    delivery = LenderEventDelivery.objects.get()
    assert delivery.status == "queued"  # waits for a person, then goes when re-enabled
    (attempt,) = delivery.attempt_rows.all()
    assert "not sent" in attempt.error


def test_a_malformed_private_network_is_a_system_check_error(settings) -> None:
    from collections_app.lender.checks import lender_private_networks_parse

    settings.LENDER_WEBHOOK_PRIVATE_NETWORKS = ["10.0.0.0/8", "10.0.0/33"]
    (error,) = lender_private_networks_parse()
    assert error.id == "collections.E602" and "10.0.0/33" in error.msg
