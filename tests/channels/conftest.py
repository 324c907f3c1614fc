from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

import pytest

from collections_app.channels.twilio_client import close_async_twilio_clients
from tests.channels.seam import SeamHTTPServer
from tests.contracts.twilio_contract import violations_of
from tests.contracts.twilio_server import ContractTwilioServer

T = TypeVar("T")

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "test-auth-token"
FROM_NUMBER = "+14155550199"
MESSAGING_SERVICE_SID = "MG" + "fedcba9876543210" * 2


@pytest.fixture(scope="session")
def contract_server() -> Iterator[ContractTwilioServer]:
    """Twilio's published contract (tests/contracts/), checked on a loopback server."""
    server = ContractTwilioServer().start()
    yield server
    server.stop()


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
def on_contract(settings, contract_server: ContractTwilioServer) -> Iterator[ContractTwilioServer]:
    """Twilio pointed at the contract server. A request it refused fails the test, unless the
    test took it with `take_violations()`; so does an answer not shaped like Twilio's."""
    contract_server.reset()
    point_twilio_at(settings, contract_server.url)
    yield contract_server
    assert contract_server.violations == [], "requests Twilio's contract refuses"
    assert contract_server.bad_answers == [], "the server's answers are not Twilio-shaped"


@pytest.fixture
def seam(settings) -> Iterator[SeamHTTPServer]:
    server = SeamHTTPServer().start()
    point_twilio_at(settings, server.url)
    yield server
    server.stop()
    # Whatever the seam answered, what our code sent must be a request Twilio takes.
    assert violations_of(r.as_contract_request() for r in server.received) == []


def run_async(make: Callable[[], Awaitable[T]]) -> T:
    """Run one coroutine in a fresh loop, closing that loop's Twilio client after it."""

    async def main() -> T:
        try:
            return await make()
        finally:
            await close_async_twilio_clients()

    return asyncio.run(main())
