"""The case list never counts every case: estimates past a small exact range (PostgreSQL)."""

import pytest
from django.db import connection

from collections_app.admin import paginator as module
from collections_app.admin.paginator import EstimatedCountPaginator, bounded_count
from collections_app.models import CollectionCase
from tests.factories import CaseFactory


@pytest.mark.django_db
def test_small_results_are_counted_exactly() -> None:
    for _ in range(7):
        CaseFactory()
    cases = CollectionCase.objects.order_by("-pk")
    assert EstimatedCountPaginator(cases, 5).count == 7
    assert EstimatedCountPaginator(cases.filter(segment="hardship"), 5).count == 0


@pytest.mark.needs_postgres
@pytest.mark.django_db
def test_past_the_cap_the_planner_estimates_and_the_unfiltered_list_reads_pg_class(
    monkeypatch,
) -> None:
    # given: 30 cases, analyzed, and an exact range of 10
    for _ in range(30):
        CaseFactory()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE collections_app_collectioncase")
    monkeypatch.setattr(module, "EXACT_COUNT_CAP", 10)
    counted: list[str] = []

    def spy(execute, sql, params, many, context):
        counted.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        unfiltered = EstimatedCountPaginator(CollectionCase.objects.order_by("-pk"), 5).count
        filtered = EstimatedCountPaginator(
            CollectionCase.objects.filter(state="reminder").order_by("-pk"), 5
        ).count

    # then: estimates in the right range, and no COUNT(*) over the whole table
    assert unfiltered == 30  # reltuples after ANALYZE
    assert filtered >= 11
    assert any("reltuples" in sql for sql in counted)
    assert any(sql.startswith("EXPLAIN") for sql in counted)
    assert not any(
        "COUNT(*)" in sql and "LIMIT" not in sql and "reltuples" not in sql for sql in counted
    )


@pytest.mark.needs_postgres
@pytest.mark.django_db
def test_a_count_over_its_time_budget_gives_up_without_breaking_the_transaction() -> None:
    slow = CollectionCase.objects.extra(where=["pg_sleep(0.2) IS NOT NULL"])
    CaseFactory()
    assert bounded_count(slow, cap=10, budget_ms=20) is None
    assert CollectionCase.objects.count() == 1  # the connection is still usable
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"


@pytest.mark.django_db
def test_a_page_reads_ids_first_then_the_rows_in_the_same_order() -> None:
    cases = [CaseFactory() for _ in range(7)]
    queryset = CollectionCase.objects.select_related("loan__borrower").order_by("-pk")
    captured: list[str] = []

    def spy(execute, sql, params, many, context):
        captured.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        page = EstimatedCountPaginator(queryset, 3).page(2)
        rows = [(c.pk, c.loan.borrower.name) for c in page.object_list]

    expected = sorted(cases, key=lambda c: -c.pk)[3:6]
    assert rows == [(c.pk, c.loan.borrower.name) for c in expected]
    ids_query = next(sql for sql in captured if "LIMIT 3 OFFSET 3" in sql)
    assert "JOIN" not in ids_query  # the offset walks the case table alone
