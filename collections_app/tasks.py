"""Celery tasks: thin. Each takes row ids, calls a service, and owns its retry policy."""

from __future__ import annotations

import dataclasses

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


@shared_task(name="collections.dispatch_outbox")
def dispatch_outbox() -> dict:
    """Every minute (beat): claim due messages, gate them, hand allowed ones to send tasks."""
    from collections_app.outreach.dispatch import dispatch_due

    result = dispatch_due()
    return {
        "allowed": len(result.allowed),
        "rescheduled": result.rescheduled,
        "cancelled": result.cancelled,
        "failed": result.failed,
    }


@shared_task(name="collections.send_messages")
def send_messages(message_ids: list[int]) -> dict:
    """Send a batch of claimed messages. Safe to run twice: only one worker takes each."""
    from collections_app.outreach.sender import send_claimed

    return dataclasses.asdict(send_claimed(message_ids))


@shared_task(name="collections.sweep_outbox")
def sweep_outbox() -> dict:
    from collections_app.outreach.sweeper import sweep_outbox as sweep

    return dataclasses.asdict(sweep())


# --- The nightly escalation run (services/escalation.py) -------------------------------------


@shared_task(name="collections.start_nightly_escalation")
def start_nightly_escalation() -> int:
    """Beat fires this at the configured hour; a second beat firing it finds the same run."""
    from collections_app.services.escalation import escalation_run_start

    return escalation_run_start().pk


@shared_task(
    name="collections.process_escalation_chunk",
    autoretry_for=(Exception,),
    retry_backoff=5,
    max_retries=3,
)
def process_escalation_chunk(chunk_id: int) -> dict | None:
    from collections_app.services.escalation import escalation_chunk_process

    chunk = escalation_chunk_process(chunk_id=chunk_id)
    return chunk.stats if chunk else None


@shared_task(name="collections.sweep_escalation_runs")
def sweep_escalation_runs() -> int:
    from collections_app.services.escalation import escalation_runs_resume

    ids = escalation_runs_resume()
    for chunk_id in ids:
        process_escalation_chunk.delay(chunk_id)
    return len(ids)


# --- Portfolio imports (services/imports.py) ----------------------------------------------------


@shared_task(name="collections.run_import_job")
def run_import_job(job_id: int) -> dict | None:
    from collections_app.services.imports import import_job_run

    job = import_job_run(job_id=job_id)
    return {"status": job.status, "rows_done": job.rows_done} if job else None


@shared_task(name="collections.sweep_import_jobs")
def sweep_import_jobs() -> int:
    from collections_app.services.imports import import_jobs_requeue_stale

    ids = import_jobs_requeue_stale()
    for job_id in ids:
        run_import_job.delay(job_id)
    return len(ids)


# The API's, webhook and lender-event tasks live beside their code; imported here so every
# worker registers them.
from collections_app.api import tasks as api_tasks  # noqa: E402, F401
from collections_app.lender import tasks as lender_tasks  # noqa: E402, F401
from collections_app.webhooks import tasks as webhook_tasks  # noqa: E402, F401

# --- Retention (services/retention.py) ----------------------------------------------------------


@shared_task(name="collections.purge_personal_data")
def purge_personal_data() -> int | None:
    """Beat's hourly tick: today's purge once, or the one a dead worker left, finished."""
    from collections_app.services.retention import purge_scheduled

    run = purge_scheduled()
    return run.pk if run else None
