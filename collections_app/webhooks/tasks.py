"""Celery tasks for webhooks: thin, they carry the stored row's id."""

from __future__ import annotations

from celery import shared_task

# Seconds before a callback that overtook the sender's own write is tried again.
NOT_YET_DELAY = 5


@shared_task(name="collections.process_webhook_event")
def process_webhook_event(event_id: int) -> str | None:
    from collections_app.webhooks.processing import webhook_process

    outcome = webhook_process(event_id=event_id)
    if outcome is None:
        return None
    if outcome.retry:
        # Also found by the sweeper if this hint is lost.
        process_webhook_event.apply_async((event_id,), countdown=NOT_YET_DELAY)
    return outcome.note


@shared_task(name="collections.sweep_webhooks")
def sweep_webhooks() -> int:
    from collections_app.webhooks.processing import webhooks_sweep

    return webhooks_sweep()
