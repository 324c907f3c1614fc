"""Twilio REST clients built from settings, one per process (sync) or event loop (async).

Both HTTP clients rewrite `https://api.twilio.com` to settings.TWILIO_API_BASE_URL when that
differs (tests point it at the contract mock or a local server), and both use two timeouts:
connect (the request was not sent: retrying is safe) and read (it may have reached Twilio).
"""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import weakref
from typing import Any

import aiohttp
from django.conf import settings
from requests.adapters import HTTPAdapter
from twilio.http import AsyncHttpClient
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

logger = logging.getLogger(__name__)

TWILIO_API = "https://api.twilio.com"


def rewrite_url(url: str, base_url: str) -> str:
    if base_url == TWILIO_API or not url.startswith(TWILIO_API):
        return url
    return base_url + url[len(TWILIO_API) :]


def form_fields(data: dict[str, object] | None) -> list[tuple[str, Any]]:
    """The form body as (name, value) pairs; a list becomes one pair per item, a repeated field
    (`StatusCallbackEvent=a&StatusCallbackEvent=b`), which is how Twilio reads an array."""
    fields: list[tuple[str, Any]] = []
    for name, value in (data or {}).items():
        if isinstance(value, list | tuple):
            fields.extend((name, item) for item in value)
        else:
            fields.append((name, value))
    return fields


def basic_auth(username: str, password: str) -> str:
    # aiohttp deprecates both its `auth=` argument and BasicAuth (3.14); the header is simple.
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


class RewritingHttpClient(TwilioHttpClient):
    """The SDK's requests-based client, with connect/read timeouts and a configurable base URL."""

    def __init__(
        self, base_url: str, connect_timeout: float, read_timeout: float, pool_size: int
    ) -> None:
        # No retries (the default adapter's): a retried POST could send a message twice.
        super().__init__(pool_connections=True)
        # requests takes (connect, read); the SDK's constructor only checks a single number.
        self.timeout = (connect_timeout, read_timeout)  # type: ignore[assignment]
        self.base_url = base_url.rstrip("/")
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=pool_size)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        return super().request(
            method,
            rewrite_url(url, self.base_url),
            params=params,
            data=form_fields(data) if data is not None else None,
            headers=headers,
            auth=auth,
            timeout=timeout,
            allow_redirects=allow_redirects,
        )


class AsyncRewritingHttpClient(AsyncTwilioHttpClient):
    """The SDK's aiohttp client, with the same timeouts and base URL.

    The parent passes `timeout=None` to aiohttp, which means no timeout at all: this one always
    sends its own ClientTimeout. The session is created on first use, inside the running loop.
    """

    def __init__(
        self, base_url: str, connect_timeout: float, read_timeout: float, pool_size: int
    ) -> None:
        AsyncHttpClient.__init__(self, logging.getLogger("twilio.async_http_client"), True, None)
        self.base_url = base_url.rstrip("/")
        self.client_timeout = aiohttp.ClientTimeout(
            total=None,
            connect=connect_timeout,
            sock_connect=connect_timeout,
            sock_read=read_timeout,
        )
        self.pool_size = pool_size
        self.session: aiohttp.ClientSession | None = None
        self.proxy_url = None
        self.trace_configs = None

    def _session(self) -> aiohttp.ClientSession:
        if self.session is None or self.session.closed:
            self.session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.pool_size),
                timeout=self.client_timeout,
            )
        return self.session

    async def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        headers = dict(headers or {})
        if auth:
            headers["Authorization"] = basic_auth(*auth)
        kwargs: dict[str, Any] = {
            "method": method.upper(),
            "url": rewrite_url(url, self.base_url),
            "params": params,
            "data": form_fields(data) if data is not None else None,
            "headers": headers,
            "allow_redirects": allow_redirects,
        }
        self.log_request(kwargs)
        async with self._session().request(
            **kwargs,
            timeout=aiohttp.ClientTimeout(total=timeout) if timeout else self.client_timeout,
        ) as response:
            text = await response.text()
        self.log_response(response.status, response)
        return Response(response.status, text, response.headers)

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()
            self.session = None


def _config() -> tuple:
    return (
        settings.TWILIO_ACCOUNT_SID,
        settings.TWILIO_AUTH_TOKEN,
        settings.TWILIO_API_BASE_URL,
        settings.TWILIO_CONNECT_TIMEOUT,
        settings.TWILIO_READ_TIMEOUT,
        settings.TWILIO_MAX_CONNECTIONS,
    )


def _build(config: tuple, http_class: type) -> Client:
    sid, token, base_url, connect_timeout, read_timeout, pool_size = config
    http_client = http_class(base_url, connect_timeout, read_timeout, pool_size)
    return Client(sid, token, http_client=http_client)


# Keyed by the process id too: a client made before a fork (Celery prefork) would share its
# pooled sockets with the child.
_sync_clients: dict[tuple, Client] = {}
_async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple, Client]] = (
    weakref.WeakKeyDictionary()
)


def twilio_client() -> Client:
    """The process's synchronous Twilio client for the current settings."""
    key = (os.getpid(), *_config())
    client = _sync_clients.get(key)
    if client is None:
        client = _sync_clients[key] = _build(key[1:], RewritingHttpClient)
    return client


def async_twilio_client() -> Client:
    """The running event loop's async Twilio client (aiohttp sessions belong to one loop).

    Close it with `await close_async_twilio_clients()` before the loop ends.
    """
    loop = asyncio.get_running_loop()
    clients = _async_clients.setdefault(loop, {})
    config = _config()
    client = clients.get(config)
    if client is None:
        client = clients[config] = _build(config, AsyncRewritingHttpClient)
    return client


async def close_async_twilio_clients() -> None:
    """Close the running loop's async clients (their aiohttp sessions)."""
    clients = _async_clients.pop(asyncio.get_running_loop(), {})
    for client in clients.values():
        await client.http_client.close()
