"""Celery tasks: thin. Each takes a row id, calls a service, and owns its retry policy."""

from __future__ import annotations

from celery import shared_task

from collections_app.services.bulk import bulk_action_run, bulk_actions_requeue_stale


@shared_task(name="collections.run_bulk_action")
def run_bulk_action(action_id: int) -> dict | None:
    action = bulk_action_run(action_id=action_id)
    return action.result if action else None


@shared_task(name="collections.sweep_bulk_actions")
def sweep_bulk_actions() -> int:
    ids = bulk_actions_requeue_stale()
    for action_id in ids:
        run_bulk_action.delay(action_id)
    return len(ids)
