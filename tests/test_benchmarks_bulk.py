"""benchmarks/_bulk.py: the rows SQL-built benchmarks insert follow the model, whatever was added.

Runs on SQLite and PostgreSQL (the SELECTs here need no generate_series)."""

import pytest
from django.db import connection, models
from django.test.utils import isolate_apps

from benchmarks._bulk import BulkInsertError, insert_select, insert_select_sql
from collections_app.models import Borrower, CaseEvent, CollectionCase
from tests.factories import CaseFactory

ONE_ROW = "FROM (SELECT 1 AS i) AS one"


@pytest.mark.django_db
def test_a_column_not_named_gets_what_the_orm_would_save() -> None:
    # given: a case, and an event given only the columns a benchmark cares about
    case = CaseFactory()
    with connection.cursor() as cursor:
        inserted = insert_select(
            cursor,
            CaseEvent,
            {"case_id": "%(case)s", "kind": "'note'", "reason": "'left a message'"},
            ONE_ROW,
            {"case": case.pk},
        )
    # then: the rest is filled in: a default callable (created_at), a JSON default, blank
    # strings, NULL for a nullable foreign key; the id from the sequence
    assert inserted == 1
    event = CaseEvent.objects.get(case=case, kind="note")
    assert (event.reason, event.data, event.from_state, event.actor_id) == (
        "left a message",
        {},
        "",
        None,
    )
    assert event.created_at is not None and event.pk is not None


@pytest.mark.django_db
def test_defaults_and_auto_now_fill_a_row_built_from_a_series_of_rows() -> None:
    # given: two borrowers, only their names and external ids given, one id given too
    with connection.cursor() as cursor:
        insert_select(
            cursor,
            Borrower,
            {"id": "9000 + i", "external_id": "'X' || i", "name": "'Borrower ' || i"},
            "FROM (SELECT 1 AS i UNION ALL SELECT 2) AS s",
        )
    rows = Borrower.objects.filter(pk__in=[9001, 9002]).order_by("pk")
    # then: the model's defaults (en, US), blank strings, auto_now / auto_now_add set
    assert [(b.external_id, b.preferred_language, b.jurisdiction, b.phone) for b in rows] == [
        ("X1", "en", "US", ""),
        ("X2", "en", "US", ""),
    ]
    assert all(b.created_at and b.updated_at for b in rows)


def test_a_not_null_column_without_default_left_out_raises_naming_it() -> None:
    # amount_overdue is NOT NULL with no default: a benchmark must say what goes there
    with pytest.raises(BulkInsertError, match=r"CollectionCase\.amount_overdue"):
        insert_select_sql(
            CollectionCase,
            {"loan_id": "i", "overdue_since": "current_date"},
            "FROM generate_series(1, 10) AS i",
        )


def test_an_unknown_column_raises() -> None:
    # "loan" is the field's name; the column is loan_id
    with pytest.raises(BulkInsertError, match=r"CollectionCase has no column loan\b"):
        insert_select_sql(CollectionCase, {"loan": "i"}, "FROM generate_series(1, 10) AS i")


def test_a_caller_parameter_may_not_take_a_filled_column_name() -> None:
    with pytest.raises(BulkInsertError, match="taken"):
        insert_select_sql(CaseEvent, {}, ONE_ROW, {"_fill_kind": "x"})


@isolate_apps("collections_app")
def test_a_db_default_is_left_to_the_table_and_a_nullable_column_gets_null() -> None:
    class Thing(models.Model):
        label = models.CharField(max_length=10)
        counted = models.IntegerField(db_default=7)
        seen_at = models.DateTimeField(null=True)

        class Meta:
            app_label = "collections_app"

        def __str__(self) -> str:
            return self.label

    sql, params = insert_select_sql(Thing, {"label": "'a'"}, ONE_ROW)
    assert "counted" not in sql and '"id"' not in sql
    assert params == {"_fill_seen_at": None}
    assert "CAST(%(_fill_seen_at)s AS" in sql
