"""Database helpers for hot paths."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.models.expressions import RawSQL


def fast_update(objs: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Write `fields` of each object by primary key, in one pipelined executemany.

    Django's bulk_update builds one CASE WHEN per field over every row: for a batch of 500
    messages and 10 fields that cost seconds of Python. This sends the same UPDATE per row with
    parameters, which psycopg pipelines and SQLite runs as a prepared statement.
    """
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in columns)
    # Only quoted model metadata goes into the text; every value is a parameter.
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
    params = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def any_of(model: type[models.Model], field: str, values: Sequence) -> models.Q | RawSQL:
    """A filter for `field IN values` that stays cheap for thousands of values: on PostgreSQL
    one array parameter (`= ANY(%s)`), because Django's `__in` renders a placeholder per value
    and building them cost more than the query (10 ms for 1,400 keys); elsewhere `__in`. For a
    field of the queried model itself: `Model.objects.filter(any_of(Model, "pk", ids))`."""
    if connection.vendor != "postgresql":
        return models.Q(**{f"{field}__in": list(values)})
    meta = model._meta
    column = meta.pk.column if field == "pk" else meta.get_field(field).column
    quote = connection.ops.quote_name
    # Only quoted model metadata goes into the text; the values are one parameter.
    return RawSQL(  # noqa: S611
        f"{quote(meta.db_table)}.{quote(column)} = ANY(%s)",
        [list(values)],
        output_field=models.BooleanField(),
    )


def _copy_value(field: models.Field) -> Callable[[models.Model], Any]:
    """How COPY gets one field's value from an instance: its attribute as Python holds it
    (psycopg dumps str, int, Decimal, date, datetime, bool and None itself), JSON encoded."""
    attname = field.attname
    if isinstance(field, models.JSONField):
        encoder = field.encoder or DjangoJSONEncoder
        return lambda obj: json.dumps(getattr(obj, attname), cls=encoder)
    if field.is_relation and field.many_to_one:
        name = field.name

        def related(obj: models.Model) -> Any:
            # An instance given its parent before the parent had a pk: read it now, as
            # bulk_create does.
            value = getattr(obj, attname)
            if value is None and field.is_cached(obj):
                parent = getattr(obj, name)
                value = parent.pk if parent is not None else None
            return value

        return related
    return lambda obj: getattr(obj, attname)


def insert_models(objs: Sequence[models.Model]) -> None:
    """Insert new instances of one model, setting their primary keys, like bulk_create.

    On PostgreSQL: the keys are taken from the table's sequence in one query, then the rows go
    in with one COPY. bulk_create renders a placeholder and prepares a parameter per value
    (over half of an import's time went there); COPY streams the tuples. Elsewhere (SQLite,
    the suite's default) bulk_create itself. No signals either way (bulk_create sends none).
    """
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs, batch_size=1000)
        return
    meta = model._meta
    fields = list(meta.concrete_fields)
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                field.pre_save(obj, True)
    getters = [_copy_value(f) for f in fields]
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = connection.alias
        # Only quoted model metadata goes into the text; the rows are COPY data. The raw
        # cursor's errors come out as Django's (a unique key a concurrent call took first is an
        # IntegrityError, which the lender services retry on).
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for obj in objs:
                copy.write_row([get(obj) for get in getters])


def update_rows(objs: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Write `fields` of each object by primary key (fast_update's contract).

    On PostgreSQL one `UPDATE ... FROM unnest(%s::type[], ...)`: an array parameter per column,
    one statement and one plan for the batch, where fast_update's pipelined statement per row
    still costs a round of the protocol each. Elsewhere fast_update."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        fast_update(objs, fields)
        return
    model = type(objs[0])
    meta = model._meta
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    quote = connection.ops.quote_name
    names = [f"c{i}" for i in range(len(columns))]
    casts = []
    arrays = []
    for field in columns:
        kind = field.db_type(connection)
        if isinstance(field, models.JSONField):
            encoder = field.encoder or DjangoJSONEncoder
            casts.append("%s::text[]")
            arrays.append([json.dumps(getattr(o, field.attname), cls=encoder) for o in objs])
            continue
        casts.append(f"%s::{kind}[]")
        arrays.append([field.get_db_prep_save(getattr(o, field.attname), connection) for o in objs])
    assignments = ", ".join(
        f"{quote(f.column)} = v.{n}::jsonb"
        if isinstance(f, models.JSONField)
        else f"{quote(f.column)} = v.{n}"
        for f, n in zip(columns[1:], names[1:], strict=True)
    )
    table = quote(meta.db_table)
    # Only quoted model metadata and the columns' own types go into the text.
    sql = (
        f"UPDATE {table} SET {assignments} FROM unnest({', '.join(casts)}) "  # noqa: S608
        f"AS v({', '.join(names)}) WHERE {table}.{quote(meta.pk.column)} = v.c0"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)
