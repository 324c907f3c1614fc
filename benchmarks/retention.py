"""The retention purge (services/retention.py) on PostgreSQL, next to a floor measured in the
same run: hand-written UPDATEs of the same columns of the same rows in one transaction (rolled
back), with no eligibility rules (no activity checks, disputes, holds, legal), no batching and
no run record.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/collections_bench_retention \\
      .venv/bin/python benchmarks/retention.py --cases 100000

Builds N closed cases (each: a borrower, a loan, a message, a contact attempt and 3 timeline
events, one a note with a phone number in it), closed 4 years ago, and a tenth of them closed a
year ago (still in their period). Then: the floor; the dry run; the purge; the same purge again
(nothing left). Prints a table and one JSON line.
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

PHONE = "+14155550123"


def build(n: int) -> None:
    from decimal import Decimal

    from django.db import connection, transaction
    from django.utils import timezone

    from collections_app.models import (
        Borrower,
        CaseEvent,
        CollectionCase,
        ContactAttempt,
        Loan,
        OutboundMessage,
    )

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE collections_app_borrower, collections_app_purgerun CASCADE")
    now = timezone.now()
    old, recent = now - dt.timedelta(days=4 * 365), now - dt.timedelta(days=365)
    step = 5_000
    for at in range(0, n, step):
        ids = range(at, min(at + step, n))
        with transaction.atomic():
            borrowers = Borrower.objects.bulk_create(
                Borrower(
                    external_id=f"RB-{i}",
                    name=f"Borrower {i}",
                    phone=f"+1415{i % 10_000_000:07d}",
                    email=f"b{i}@example.com",
                    jurisdiction="US",
                )
                for i in ids
            )
            loans = Loan.objects.bulk_create(
                Loan(
                    external_id=f"RL-{i}",
                    borrower=b,
                    product="cash",
                    currency="USD",
                    principal=Decimal("100.00"),
                    balance_principal=Decimal("0.00"),
                    outstanding_balance=Decimal("0.00"),
                    due_date=(old - dt.timedelta(days=60)).date(),
                )
                for i, b in zip(ids, borrowers, strict=True)
            )
            when = [recent if i % 10 == 0 else old for i in ids]
            cases = CollectionCase.objects.bulk_create(
                CollectionCase(
                    loan=loan,
                    state="resolved",
                    close_reason="paid",
                    amount_overdue=Decimal("0.00"),
                    overdue_since=(w - dt.timedelta(days=59)).date(),
                    opened_at=w - dt.timedelta(days=30),
                    closed_at=w,
                )
                for loan, w in zip(loans, when, strict=True)
            )
            CaseEvent.objects.bulk_create(
                CaseEvent(
                    case=c, kind=kind, reason=reason, data=data, created_at=w, to_state=to_state
                )
                for c, w in zip(cases, when, strict=True)
                for kind, reason, data, to_state in (
                    ("opened", "", {}, "reminder"),
                    ("note", f"call the sister on {PHONE}", {}, ""),
                    ("reply", "", {"intent": "other", "body": f"I am at {PHONE}"}, ""),
                )
            )
            messages = OutboundMessage.objects.bulk_create(
                OutboundMessage(
                    case=c,
                    borrower=b,
                    channel="sms",
                    template_key="reminder-day0",
                    scheduled_at=w,
                    created_at=w,
                    idempotency_key=f"R-{c.pk}",
                    status="delivered",
                    to_address=b.phone,
                    body=f"Hello {b.name}, you owe 100.00 USD",
                )
                for c, b, w in zip(cases, borrowers, when, strict=True)
            )
            ContactAttempt.objects.bulk_create(
                ContactAttempt(
                    borrower=b,
                    case=c,
                    message=m,
                    channel="sms",
                    address=b.phone,
                    occurred_at=w,
                    outcome="delivered",
                )
                for c, b, m, w in zip(cases, borrowers, messages, when, strict=True)
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


FLOOR_SQL = [
    """UPDATE collections_app_outboundmessage m SET subject='', body='', html_body='',
       to_address='', error_message='' FROM collections_app_collectioncase c
       WHERE m.case_id = c.id AND c.closed_at < %(cutoff)s""",
    """UPDATE collections_app_contactattempt a SET address='' FROM collections_app_collectioncase c
       WHERE a.case_id = c.id AND c.closed_at < %(cutoff)s""",
    """UPDATE collections_app_caseevent e SET reason='Removed after the retention period'
       FROM collections_app_collectioncase c
       WHERE e.case_id = c.id AND c.closed_at < %(cutoff)s AND e.kind = 'note'""",
    """UPDATE collections_app_caseevent e SET data = e.data - 'body'
       FROM collections_app_collectioncase c
       WHERE e.case_id = c.id AND c.closed_at < %(cutoff)s AND e.data ? 'body'""",
    """UPDATE collections_app_borrower b SET name='', phone='', email=''
       FROM collections_app_loan l JOIN collections_app_collectioncase c ON c.loan_id = l.id
       WHERE l.borrower_id = b.id AND c.closed_at < %(cutoff)s""",
]


def floor(cutoff: dt.datetime) -> tuple[float, int]:
    from django.db import connection, transaction

    start = time.perf_counter()
    rows = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in FLOOR_SQL:
            cursor.execute(sql, {"cutoff": cutoff})
            rows += cursor.rowcount
        transaction.set_rollback(True)
    return time.perf_counter() - start, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--database", default="collections_bench_retention")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        use_database(args.database)
    setup_django()

    from dateutil.relativedelta import relativedelta
    from django.utils import timezone

    from collections_app.services.retention import purge_personal_data

    start = time.perf_counter()
    build(args.cases)
    built = time.perf_counter() - start
    now = timezone.now()
    cutoff = now - relativedelta(years=3)

    floor_seconds, floor_rows = floor(cutoff)
    results = {}
    for name, dry in (("dry run", True), ("purge", False), ("again", False)):
        start = time.perf_counter()
        run = purge_personal_data(dry_run=dry, now=now)
        seconds = time.perf_counter() - start
        results[name] = {
            "seconds": round(seconds, 3),
            "cases": run.cases,
            "rows": sum(run.counts.values()),
            "counts": run.counts,
        }

    print(f"built {args.cases} cases in {built:.1f} s; {machine()}")
    print(f"{'step':<12} {'cases':>8} {'rows':>9} {'s':>8} {'rows/s':>9}")
    print(
        f"{'floor (SQL)':<12} {'':>8} {floor_rows:>9} {floor_seconds:>8.2f} "
        f"{floor_rows / floor_seconds:>9.0f}"
    )
    for name, r in results.items():
        rate = r["rows"] / r["seconds"] if r["seconds"] else 0
        print(f"{name:<12} {r['cases']:>8} {r['rows']:>9} {r['seconds']:>8.2f} {rate:>9.0f}")
    purge = results["purge"]["seconds"]
    print(f"purge / floor: {purge / floor_seconds:.2f}x; peak RSS {peak_rss_mb():.0f} MB")
    print(
        json.dumps(
            {
                "benchmark": "retention",
                "cases": args.cases,
                "floor": {"seconds": round(floor_seconds, 3), "rows": floor_rows},
                **{k.replace(" ", "_"): v for k, v in results.items()},
                "peak_rss_mb": round(peak_rss_mb()),
                "machine": machine(),
            }
        )
    )


if __name__ == "__main__":
    main()
