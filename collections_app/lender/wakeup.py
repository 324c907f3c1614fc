"""Waking a worker to send lender deliveries, without a Celery publish per emitting request.

With Redis, the transaction that wrote deliveries sets a flag after its commit (SET NX) and only
the one that set it publishes a drain task; the drain clears the flag *before* it looks for due
deliveries, so a delivery committed before the clear is found by that drain, and one committed
after it sets the flag again and wakes another. The flag expires in case the drain task is lost;
the sweeper (every 30 s) covers the rest. The same idea as webhooks/wakeup.py, for one task.
"""

from __future__ import annotations

import logging

from django.conf import settings

from collections_app.webhooks.wakeup import client

logger = logging.getLogger(__name__)

KEY = "collections:lender-deliveries:drain-pending:{queue}"  # per queue: test sessions own theirs
TTL_SECONDS = 10


def _key() -> str:
    return KEY.format(queue=settings.CELERY_TASK_DEFAULT_QUEUE)


def wake() -> None:
    """After deliveries are committed (or became due): make sure a drain will look."""
    from collections_app.lender.tasks import drain_lender_deliveries

    redis_client = client()
    if redis_client is None:  # filesystem broker (development): a task per wake is cheap enough
        drain_lender_deliveries.delay()
        return
    if redis_client.set(_key(), "1", nx=True, ex=TTL_SECONDS):
        drain_lender_deliveries.delay()


def drain_starting() -> None:
    """Clear the flag: deliveries committed from now on wake another drain."""
    redis_client = client()
    if redis_client is not None:
        redis_client.delete(_key())
