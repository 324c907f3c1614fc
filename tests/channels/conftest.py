from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

import pytest

from collections_app.channels.twilio_client import close_async_twilio_clients
from tests.channels.seam import SeamHTTPServer
from tests.channels.twilio_mock import TwilioMock
from tests.conftest import REQUIRE_SERVICES

T = TypeVar("T")

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "test-auth-token"
FROM_NUMBER = "+14155550199"
MESSAGING_SERVICE_SID = "MG" + "fedcba9876543210" * 2


@pytest.fixture(scope="session")
def twilio_mock() -> Iterator[TwilioMock]:
    """Twilio's published contract, served by Prism on a free loopback port for the session."""
    mock = TwilioMock()
    problem = mock.start()
    if problem:
        if REQUIRE_SERVICES:
            pytest.fail(f"required service missing: {problem}")
        pytest.skip(problem)
    yield mock
    mock.stop()


def point_twilio_at(settings, base_url: str) -> None:
    settings.TWILIO_API_BASE_URL = base_url
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_FROM_NUMBER = FROM_NUMBER
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.SMS_PROVIDER = "twilio"
    settings.VOICE_PROVIDER = "twilio"
    # Short, so the read-timeout cases take a second, not a minute.
    settings.TWILIO_CONNECT_TIMEOUT = 0.5
    settings.TWILIO_READ_TIMEOUT = 0.5


@pytest.fixture
def on_mock(settings, twilio_mock: TwilioMock) -> TwilioMock:
    point_twilio_at(settings, twilio_mock.url)
    return twilio_mock


@pytest.fixture
def seam(settings) -> Iterator[SeamHTTPServer]:
    server = SeamHTTPServer().start()
    point_twilio_at(settings, server.url)
    yield server
    server.stop()


def run_async(make: Callable[[], Awaitable[T]]) -> T:
    """Run one coroutine in a fresh loop, closing that loop's Twilio client after it."""

    async def main() -> T:
        try:
            return await make()
        finally:
            await close_async_twilio_clients()

    return asyncio.run(main())
