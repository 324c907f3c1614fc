"""The lender's bulk upserts (services/lender.py) on PostgreSQL, in calls of 1,000 as the API's
bulk endpoint and an import chunk make them, next to a bare floor measured in the same run: an
`INSERT ... ON CONFLICT DO UPDATE` of the same loan rows with psycopg (no parsing of records, no
case, no audit row).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/collections_bench_lender \\
      .venv/bin/python benchmarks/lender.py --loans 10000

Steps: borrowers (created), loans (half of them created first, so that the measured call
stream is mixed: the other half created, the first half updated: amounts changed, a third
brought current, their cases resolved), then the same stream again (every row unchanged).
Prints a table and one JSON line. Target: >= 2,000 loans/s for the mixed stream.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import machine, peak_rss_mb, setup_django, use_database

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

CALL = 1_000  # records per call: the API's bulk limit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loans", type=int, default=10_000)
    parser.add_argument("--database", default="collections_bench_lender")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        use_database(args.database)
    setup_django()

    from django.db import connection
    from django.utils import timezone

    from collections_app.lender.records import parse_borrower, parse_loan
    from collections_app.services.lender import borrowers_upsert_many, loans_upsert_many

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE collections_app_borrower CASCADE")

    n = args.loans
    today = timezone.localdate()

    def borrower(i: int):
        record, problems = parse_borrower(
            {
                "external_id": f"BB-{i}",
                "name": f"Borrower {i}",
                "jurisdiction": "US" if i % 3 else "CN",
                "time_zone": "America/New_York" if i % 3 else "Asia/Shanghai",
                "language": "en" if i % 3 else "zh-Hans",
                "contact_points": [
                    {
                        "kind": "phone",
                        "address": f"+1212555{i % 10_000:04d}" if i % 3 else f"+86138{i:08d}",
                        "type": "mobile",
                    },
                    {"kind": "email", "address": f"b{i}@example.com"},
                ],
                "date_of_birth": "1990-01-01",
            }
        )
        assert not problems, problems
        return record

    def loan(i: int, *, version: int = 0):
        past_due = not (version and i % 3 == 0)  # the update brings a third current
        record, problems = parse_loan(
            {
                "external_id": f"BL-{i}",
                "borrower_external_id": f"BB-{i}",
                "product": "cash-12m",
                "currency": "USD" if i % 3 else "CNY",
                "principal": "1200.00",
                "balance_principal": "1000.00",
                "balance_interest": str(50 + version * 5),
                "balance_fees": "25.00",
                "balance_as_of": (today - dt.timedelta(days=1 - version)).isoformat(),
                "status": "past_due" if past_due else "current",
                "amount_past_due": str(300 + version * 5) if past_due else "0",
                "due_date": (today - dt.timedelta(days=20)).isoformat() if past_due else "",
            }
        )
        assert not problems, problems
        return record

    def run(records, upsert, source: str) -> tuple[float, dict[str, int]]:
        counts: dict[str, int] = {}
        start = time.perf_counter()
        for at in range(0, len(records), CALL):
            for result in upsert(records=records[at : at + CALL], source=source):
                counts[result.status] = counts.get(result.status, 0) + 1
        return time.perf_counter() - start, counts

    borrowers = [borrower(i) for i in range(n)]
    b_seconds, b_counts = run(borrowers, borrowers_upsert_many, "import:bench-borrowers")
    half = n // 2
    run([loan(i) for i in range(half)], loans_upsert_many, "import:bench-first-half")

    mixed = [loan(i, version=1) for i in range(half)] + [loan(i) for i in range(half, n)]
    m_seconds, m_counts = run(mixed, loans_upsert_many, "import:bench-mixed")
    r_seconds, r_counts = run(mixed, loans_upsert_many, "import:bench-again")

    with connection.cursor() as cursor:
        cursor.execute("SELECT state, count(*) FROM collections_app_collectioncase GROUP BY state")
        cases = dict(cursor.fetchall())
    floor_seconds = _floor(connection, mixed)

    rows = [
        ("borrowers, created", n, b_seconds, b_counts),
        ("loans, mixed (created + updated, cases synced)", n, m_seconds, m_counts),
        ("loans, the same again (unchanged)", n, r_seconds, r_counts),
        ("floor: INSERT ... ON CONFLICT of the loan rows", n, floor_seconds, {}),
    ]
    print(f"{'step':<52} {'rows':>7} {'s':>7} {'rows/s':>8}  results")
    for name, count, seconds, counts in rows:
        print(f"{name:<52} {count:>7} {seconds:>7.2f} {count / seconds:>8.0f}  {counts}")
    print(f"cases by state: {cases}; peak RSS {peak_rss_mb():.0f} MB; {machine()}")
    print(
        json.dumps(
            {
                "benchmark": "lender",
                "loans": n,
                "borrowers_per_s": round(n / b_seconds),
                "loans_mixed_per_s": round(n / m_seconds),
                "loans_unchanged_per_s": round(n / r_seconds),
                "floor_per_s": round(n / floor_seconds),
                "mixed": m_counts,
                "again": r_counts,
                "cases": cases,
                "peak_rss_mb": round(peak_rss_mb()),
            }
        )
    )


def _floor(connection, records) -> float:
    """The same loan rows upserted by hand: what the database itself needs."""
    from django.db import transaction

    sql = """
        INSERT INTO bench_floor_loan (external_id, currency, principal, balance_principal,
            balance_interest, balance_fees, balance_as_of, status, amount_past_due, due_date)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
        ON CONFLICT (external_id) DO UPDATE SET principal = EXCLUDED.principal,
            balance_principal = EXCLUDED.balance_principal,
            balance_interest = EXCLUDED.balance_interest, balance_fees = EXCLUDED.balance_fees,
            balance_as_of = EXCLUDED.balance_as_of, status = EXCLUDED.status,
            amount_past_due = EXCLUDED.amount_past_due, due_date = EXCLUDED.due_date
    """
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_floor_loan")
        cursor.execute(
            "CREATE TABLE bench_floor_loan (external_id varchar(64) PRIMARY KEY, "
            "currency varchar(3), principal numeric(14,2), balance_principal numeric(14,2), "
            "balance_interest numeric(14,2), balance_fees numeric(14,2), balance_as_of date, "
            "status varchar(12), amount_past_due numeric(14,2), due_date date)"
        )
    rows = [
        (
            r.external_id,
            r.currency,
            r.principal,
            r.balance_principal,
            r.balance_interest,
            r.balance_fees,
            r.balance_as_of,
            r.status,
            r.amount_past_due,
            r.due_date,
        )
        for r in records
    ]
    with connection.cursor() as cursor:  # as the engine had them: the first half exists
        cursor.executemany(sql, rows[: len(rows) // 2])
    start = time.perf_counter()
    for at in range(0, len(rows), CALL):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows[at : at + CALL])
    seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_floor_loan")
    return seconds


if __name__ == "__main__":
    main()
