"""One POST to a lender endpoint: the only place that talks HTTP to the lender's systems.

Every connection is checked after it is made, against the address it actually reached (after
DNS, so a name that resolves to 169.254.169.254 or 10.x is refused like the literal address),
before a byte of the request is sent (for https, before the TLS handshake):
lender/endpoint_urls.address_refusal with LENDER_WEBHOOK_PRIVATE_NETWORKS. Proxies from the
environment are not used: a proxy would be the address checked, not the receiver.
"""

from __future__ import annotations

import functools
import os
import socket
from dataclasses import dataclass

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

from collections_app.lender.endpoint_urls import address_refusal

# Enough of an answer to see what the receiver said, not a page of HTML.
EXCERPT_BYTES = 1000
USER_AGENT = "collections-engine-webhooks/1"


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no answer (refused, timed out, reset)
    excerpt: str = ""
    retry_after: str = ""
    error: str = ""
    # The address it resolved to may not be sent to: our configuration, not the receiver's
    # trouble (the endpoint is disabled until a person looks).
    refused_address: bool = False


class AddressRefused(NewConnectionError):
    """The connection reached an address events may not go to; nothing was sent."""

    def __init__(self, connection: HTTPConnection, refusal: str) -> None:
        super().__init__(connection, refusal)
        self.refusal = refusal


def _checked(connection: HTTPConnection, sock: socket.socket) -> socket.socket:
    address = sock.getpeername()[0]
    refusal = address_refusal(
        address,
        allow_loopback=settings.LENDER_WEBHOOK_ALLOW_HTTP,
        private_networks=settings.LENDER_WEBHOOK_PRIVATE_NETWORKS,
    )
    if refusal:
        sock.close()
        raise AddressRefused(connection, refusal)
    return sock


class _CheckedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _checked(self, super()._new_conn())


class _CheckedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _checked(self, super()._new_conn())


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class _CheckedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: object, **kwargs: object) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _CheckedHTTPPool,
            "https": _CheckedHTTPSPool,
        }


@functools.cache
def _session() -> requests.Session:
    # One per process (Celery prefork: one thread each): connections to a receiver are reused.
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    session.trust_env = False  # no proxies from the environment (see the module's docstring)
    session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or True  # a private CA still works
    for scheme in ("http://", "https://"):
        session.mount(scheme, _CheckedAdapter())
    return session


def _refused(exc: requests.RequestException) -> AddressRefused | None:
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return reason if isinstance(reason, AddressRefused) else None


def post(
    url: str, *, body: bytes, headers: dict[str, str], connect_timeout: float, read_timeout: float
) -> Answer:
    """POST `body`; never raises for what the network or the receiver does."""
    try:
        response = _session().post(
            url,
            data=body,
            headers={"Content-Type": "application/json", **headers},
            timeout=(connect_timeout, read_timeout),
            # A redirect is not a delivery: it is retried as an error, never followed (a
            # 30x to an internal address must not get our signed body).
            allow_redirects=False,
            stream=True,
        )
    except requests.Timeout as exc:
        return Answer(None, error=f"timeout: {exc}"[:500])
    except requests.RequestException as exc:
        if refused := _refused(exc):
            return Answer(None, error=f"not sent: {refused.refusal}"[:500], refused_address=True)
        return Answer(None, error=f"{type(exc).__name__}: {exc}"[:500])
    try:
        raw = response.raw.read(EXCERPT_BYTES, decode_content=True) or b""
    except Exception as exc:  # the answer's status came; its body broke off
        raw = f"(body unreadable: {type(exc).__name__})".encode()
    finally:
        response.close()
    return Answer(
        response.status_code,
        excerpt=raw.decode("utf-8", "replace"),
        retry_after=response.headers.get("Retry-After", ""),
    )
