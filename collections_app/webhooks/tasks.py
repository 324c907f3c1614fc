"""Celery tasks for webhooks: thin, they carry the stored row's id."""

from __future__ import annotations

from celery import shared_task

# Seconds before a handler that failed (a database hiccup) is tried again.
RETRY_DELAY = 5


@shared_task(name="collections.process_webhook_event")
def process_webhook_event(event_id: int) -> str | None:
    from collections_app.webhooks.processing import webhook_process

    outcome = webhook_process(event_id=event_id)
    if outcome is None:
        return None
    if outcome.retry:
        # Also found by the sweeper if this hint is lost.
        process_webhook_event.apply_async((event_id,), countdown=RETRY_DELAY)
    return outcome.note


# Rows one drain task processes before it hands the rest to a fresh task (other workers may
# take those meanwhile: rows are claimed with SKIP LOCKED).
DRAIN_BATCH = 500


@shared_task(name="collections.drain_webhooks")
def drain_webhooks(retries: bool = False) -> int:
    """Process stored webhooks, oldest first. Woken by the intake (wakeup.wake_worker), and
    with `retries` a few seconds after an attempt that has to be repeated."""
    from collections_app.webhooks import wakeup
    from collections_app.webhooks.processing import webhooks_drain

    cleared_at = wakeup.drain_starting() if not retries else 0.0
    result = webhooks_drain(limit=DRAIN_BATCH, retries=retries)
    if not retries:
        # Rows whose process skipped the flag (wakeup.py) are committed by now: read once more.
        wakeup.settle(cleared_at)
        result += webhooks_drain(limit=DRAIN_BATCH, retries=False)
    if result.seen >= DRAIN_BATCH:
        drain_webhooks.delay(retries)
    if result.to_retry:
        drain_webhooks.apply_async((True,), countdown=RETRY_DELAY)
    return result.processed


@shared_task(name="collections.sweep_webhooks")
def sweep_webhooks() -> int:
    from collections_app.webhooks.processing import webhooks_sweep

    return webhooks_sweep()
