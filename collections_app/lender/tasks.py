"""Celery tasks for the lender's events: thin; the rows are the work."""

from __future__ import annotations

import dataclasses

from celery import shared_task

# How long one drain sends before it hands over to a fresh task (others may run meanwhile:
# every delivery is claimed on its own).
DRAIN_SECONDS = 60.0


@shared_task(name="collections.drain_lender_deliveries")
def drain_lender_deliveries() -> dict:
    """Send the due deliveries. Woken after a commit that wrote some (lender/wakeup.py) and by
    the sweeper when retries come due."""
    from django.conf import settings

    from collections_app.lender import wakeup
    from collections_app.lender.deliveries import lender_deliveries_drain

    wakeup.drain_starting()
    result = lender_deliveries_drain(
        batch=settings.LENDER_WEBHOOK_SEND_BATCH, seconds=DRAIN_SECONDS
    )
    if result.more:
        drain_lender_deliveries.delay()
    return dataclasses.asdict(result)


@shared_task(name="collections.sweep_lender_deliveries")
def sweep_lender_deliveries() -> int:
    """Every 30 s (beat): claims of stopped workers back to the queue; a drain if anything is
    due. Returns how many claims were put back."""
    from collections_app.lender import wakeup
    from collections_app.lender.deliveries import lender_deliveries_sweep

    swept = lender_deliveries_sweep()
    if swept.due:
        wakeup.wake()
    return len(swept.returned)
