"""The API's background work: forgetting old Idempotency-Key answers."""

from __future__ import annotations

from celery import shared_task

from collections_app.api.idempotency import idempotency_records_sweep


@shared_task(name="collections.sweep_idempotency_records")
def sweep_idempotency_records() -> int:
    return idempotency_records_sweep()
