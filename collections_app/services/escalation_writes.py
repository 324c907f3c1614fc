"""Inserting many rows: PostgreSQL's COPY where available, bulk_create elsewhere.

The nightly run writes one audit row per change and one outbox row per step, a million on a busy
night. Building model instances and one multi-row INSERT with a placeholder per value costs more
than the database's work; COPY streams plain tuples. Insert only: CaseEvent stays append-only.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction


def _converter(field: models.Field) -> Callable[[Any], Any]:
    if isinstance(field, models.JSONField):
        encoder = field.encoder or DjangoJSONEncoder
        return lambda value: json.dumps(value, cls=encoder)
    return lambda value: value


def bulk_insert(
    model: type[models.Model],
    rows: list[dict[str, Any]],
    now: dt.datetime,
    *,
    ignore_conflicts: bool = False,
) -> None:
    """Insert `rows` ({attname: value}; omitted fields take their default). With
    `ignore_conflicts`, a row whose unique key another transaction wrote first is skipped
    (PostgreSQL: COPY into a temporary table, then INSERT ... ON CONFLICT DO NOTHING)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            [model(**row) for row in rows], batch_size=1000, ignore_conflicts=ignore_conflicts
        )
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {
        f.attname: now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        # a fresh default per call: callable defaults (dict, timezone.now) are evaluated once
        else f.get_default()
        for f in fields
    }
    plan = [(f.attname, _converter(f), defaults[f.attname]) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    if not ignore_conflicts:
        _copy(f"COPY {table} ({columns}) FROM STDIN", rows, plan)
        return
    staging = connection.ops.quote_name(f"staging_{model._meta.db_table}")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {staging}")
        # The columns' types only (no key, no constraints): the INSERT below checks them.
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        _copy(f"COPY {staging} ({columns}) FROM STDIN", rows, plan)
        # Names from the model's meta, quoted: no input reaches this text.
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging} "  # noqa: S608
            "ON CONFLICT DO NOTHING"
        )
        cursor.execute(f"DROP TABLE {staging}")


def _copy(copy_sql: str, rows: list[dict[str, Any]], plan: list[tuple]) -> None:
    with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
        for row in rows:
            copy.write_row([convert(row.get(name, default)) for name, convert, default in plan])
