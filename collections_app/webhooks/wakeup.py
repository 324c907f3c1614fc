"""Waking a worker for stored webhooks, without a Celery publish per request.

One Celery publish costs about as much CPU as the rest of the request (kombu), so with Redis a
request sets a flag instead (SET NX) and only the request that set it publishes a drain task.
The drain clears the flag *before* it reads the unprocessed rows: a row committed before the
clear is read by that drain; a row committed after it sets the flag again and wakes another.

Under load even the SET NX round trip is skipped: a process that saw the flag set less than
`MEMORY_SECONDS` ago does not look again. Such a process commits its rows at most
`MEMORY_SECONDS` after the clear of the drain that owned the flag it saw, so every drain reads the
rows a second time `SETTLE_SECONDS` after its clear. The flag expires in case the drain task is
lost; the sweeper covers the rest.
"""

from __future__ import annotations

import functools
import time

import redis
from django.conf import settings

KEY = "collections:webhooks:drain-pending:{queue}"  # per queue: test sessions run their own
TTL_SECONDS = 10
MEMORY_SECONDS = 0.05
# Twice the memory: margin for the time between a row's commit and its process's look.
SETTLE_SECONDS = 2 * MEMORY_SECONDS

_flag_seen_at = float("-inf")  # per process (gunicorn and Celery prefork: one thread each)


@functools.cache
def _redis(url: str) -> redis.Redis:
    # Short timeouts: a hung Redis must not hold the answer to a provider (the sweeper catches up).
    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


def client() -> redis.Redis | None:
    url = settings.CELERY_BROKER_URL
    return _redis(url) if url.startswith(("redis://", "rediss://")) else None


def _key() -> str:
    return KEY.format(queue=settings.CELERY_TASK_DEFAULT_QUEUE)


def wake_worker(event_id: int) -> None:
    """After a new row is committed: make sure a drain will read it."""
    global _flag_seen_at
    from collections_app.webhooks.tasks import drain_webhooks, process_webhook_event

    redis_client = client()
    if redis_client is None:  # filesystem broker (development): a task per row is cheap enough
        process_webhook_event.delay(event_id)
        return
    now = time.monotonic()
    if now - _flag_seen_at < MEMORY_SECONDS:
        return
    if redis_client.set(_key(), "1", nx=True, ex=TTL_SECONDS):
        drain_webhooks.delay()
    _flag_seen_at = now


def forget() -> None:
    """This process looks at the flag again on its next row (tests)."""
    global _flag_seen_at
    _flag_seen_at = float("-inf")


def drain_starting() -> float:
    """Clear the flag (rows stored from now on wake another drain); returns when."""
    redis_client = client()
    if redis_client is not None:
        redis_client.delete(_key())
    return time.monotonic()


def settle(cleared_at: float) -> None:
    """Wait until rows of processes that skipped the flag since `cleared_at` are committed."""
    remaining = SETTLE_SECONDS - (time.monotonic() - cleared_at)
    if remaining > 0:
        time.sleep(remaining)
