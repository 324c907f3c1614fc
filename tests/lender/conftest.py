"""Endpoints on a loopback receiver, and a clock the tests move (retries come due by time)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone

from collections_app.lender.endpoints import webhook_endpoint_create
from collections_app.models import WebhookEndpoint
from collections_app.simulation.clock import SimClock, simulated_time
from tests.lender.receiver import Receiver, receiver


def make_endpoint(
    url: str = "https://lender.example/hooks", kinds: tuple[str, ...] = (), name: str = ""
) -> WebhookEndpoint:
    endpoint, secret = webhook_endpoint_create(
        name=name or f"lender {WebhookEndpoint.objects.count() + 1}", url=url, event_kinds=kinds
    )
    endpoint.plain_secret = secret  # what admin showed once
    return endpoint


@pytest.fixture
def allow_http(settings) -> None:
    settings.LENDER_WEBHOOK_ALLOW_HTTP = True


@pytest.fixture
def lender(db, allow_http) -> Iterator[Receiver]:
    """A receiver answering 200 (set `.script` for other answers)."""
    with receiver() as state:
        yield state


@pytest.fixture
def clock() -> Iterator[SimClock]:
    with simulated_time(SimClock(timezone.now())) as sim:
        yield sim


def later(clock: SimClock, **delta: float) -> None:
    clock.set(clock.now + dt.timedelta(**delta))
