"""A paginator that never counts a million rows to draw a page."""

from __future__ import annotations

import json

from django.core.paginator import Page, Paginator
from django.db import OperationalError, connections, transaction
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Up to this many matching rows the count is exact (counting them is cheap); above it the
# planner's estimate is shown: 20 pages of 50 are exact, nobody pages further by hand.
EXACT_COUNT_CAP = 1_000
# ... and counting them may take this long (ms). A queue defined by a subquery (promises due,
# new replies) can need a large scan to find even 1,000 rows; past the budget the planner's
# estimate is shown instead of keeping the agent waiting.
COUNT_BUDGET_MS = 40


def table_estimate(queryset: QuerySet) -> int | None:
    """PostgreSQL's own row estimate for the whole table (kept by autovacuum / ANALYZE)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [queryset.model._meta.db_table],
        )
        row = cursor.fetchone()
    # -1: the table was never analyzed; no estimate to give.
    return int(row[0]) if row and row[0] >= 0 else None


def planner_estimate(queryset: QuerySet) -> int | None:
    """How many rows PostgreSQL's planner expects the query to return (EXPLAIN, not run)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def bounded_count(queryset: QuerySet, *, cap: int, budget_ms: int) -> int | None:
    """min(count, cap + 1), or None when PostgreSQL could not count it within budget_ms."""
    connection = connections[queryset.db]
    try:
        with transaction.atomic(using=queryset.db):
            with connection.cursor() as cursor:
                # LOCAL: only this transaction (or savepoint, if a caller's one is open).
                cursor.execute(f"SET LOCAL statement_timeout = {int(budget_ms)}")
            count = queryset.order_by()[: cap + 1].count()
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = DEFAULT")
            return count
    except OperationalError:  # canceled by the timeout; the savepoint is rolled back
        return None


class EstimatedCountPaginator(Paginator):
    """Exact counts for small results, estimates for large ones (PostgreSQL).

    The unfiltered list reads pg_class.reltuples; a filtered one counts at most
    EXACT_COUNT_CAP + 1 rows within COUNT_BUDGET_MS and, past either, asks the planner.
    Elsewhere (SQLite) it counts.

    A page is read in two steps: the ids of its rows (filters and ordering only, no joins),
    then those rows with their joins (select_related). Otherwise PostgreSQL may join every
    matching case to its loan and borrower before sorting, to keep 50 of thousands.
    """

    def page(self, number: int | str) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        queryset = self.object_list
        if not isinstance(queryset, QuerySet) or queryset.query.distinct:
            return super().page(number)
        ids = list(queryset.values_list("pk", flat=True)[bottom:top])
        return self._get_page(queryset.filter(pk__in=ids), number, self)

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet) or connections[queryset.db].vendor != "postgresql":
            return super().count
        if not queryset.query.where:
            estimate = table_estimate(queryset)
            if estimate is not None and estimate > EXACT_COUNT_CAP:
                return estimate
        capped = bounded_count(queryset, cap=EXACT_COUNT_CAP, budget_ms=COUNT_BUDGET_MS)
        if capped is not None and capped <= EXACT_COUNT_CAP:
            return capped
        return max(planner_estimate(queryset) or 0, capped or 0)
