"""Storing a webhook: one INSERT that is a no-op when the same callback was stored before.

`INSERT ... ON CONFLICT (dedupe_key) DO NOTHING RETURNING id` works on PostgreSQL and SQLite,
needs no savepoint (a failed insert would poison the surrounding transaction) and tells us in
the same round trip whether the row is new, so only a new row is handed to a worker.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from collections_app.models import WebhookEvent

logger = logging.getLogger(__name__)
_FIELDS = ("provider", "kind", "dedupe_key", "payload", "received_at", "attempts", "error")


@functools.cache
def _insert_sql(vendor: str) -> str:
    """Built once per database vendor (this runs on every callback)."""
    table = connection.ops.quote_name(WebhookEvent._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f) for f in _FIELDS)
    values = ", ".join(["%s"] * len(_FIELDS))
    # Only our own model's quoted names are formatted in; every value is a parameter.
    return (
        f"INSERT INTO {table} ({columns}) VALUES ({values}) "  # noqa: S608
        f"ON CONFLICT ({connection.ops.quote_name('dedupe_key')}) DO NOTHING RETURNING id"
    )


def webhook_store(
    *, provider: str, kind: str, dedupe_key: str, payload: dict[str, Any], enqueue: bool = True
) -> int | None:
    """Store one accepted request. Returns the new row's id, or None for a duplicate.

    A new row is handed to a worker after commit; if the broker loses that hint, the sweeper
    finds the row unprocessed and drives it again.
    """
    meta = WebhookEvent._meta
    params = [
        provider[:40],
        kind[:40],
        dedupe_key[:200],
        meta.get_field("payload").get_db_prep_save(payload, connection),
        meta.get_field("received_at").get_db_prep_save(timezone.now(), connection),
        0,
        "",
    ]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(connection.vendor), params)
        row = cursor.fetchone()
    if row is None:
        return None
    event_id = int(row[0])
    if enqueue:
        transaction.on_commit(lambda: _enqueue(event_id))
    return event_id


def _enqueue(event_id: int) -> None:
    from collections_app.webhooks.wakeup import wake_worker

    try:
        wake_worker(event_id)
    except Exception:  # the broker is down: the row is stored, the sweeper will process it
        logger.warning("webhook %s: could not wake a worker", event_id, exc_info=True)
