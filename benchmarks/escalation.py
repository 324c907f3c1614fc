#!/usr/bin/env python
"""Benchmark of the nightly escalation run on PostgreSQL (not a timed test).

    DATABASE_URL=postgres://user@host:5432/bench python benchmarks/escalation.py --cases 100000

Builds N cases with a realistic mix in the DATABASE_URL database with SQL (generate_series,
benchmarks/_escalation_data.py), keeps it as a template, and measures each method on a fresh copy
of it (`<name>_work`, dropped and re-created from the template each time, so every method starts
from the same data):

  (a) this engine, the whole nightly run (escalation_run_start + chunk workers, the same claim loop
      the Celery task runs), with 1 worker process and with 2;
  (b) the straightforward way: load each case, expire its promises, call the FSM transition, save,
      write the event and the outbox row, one by one. With --sample-b below N it runs on that many
      cases and extrapolates the rate to N (said so in the output);
  (c) the floor: hand-written set-based SQL doing the same kinds of writes
      (benchmarks/_escalation_floor.py).

Prints a table, then one JSON line. cases/s counts active cases; peak RSS is per process (the
largest of the coordinator and its workers).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def db_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def peak_rss_mb(children: bool = False) -> float:
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: kilobytes


def admin_execute(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(with_db(url, "postgres"), autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)


def clone(template_url: str, work_url: str) -> None:
    work, tpl = db_name(work_url), db_name(template_url)
    admin_execute(
        template_url,
        f'DROP DATABASE IF EXISTS "{work}" WITH (FORCE)',
        f'CREATE DATABASE "{work}" TEMPLATE "{tpl}"',
    )


# --- children -----------------------------------------------------------------------------


# Our own table names only; restarts each id sequence after the generated rows.
SETVAL = (
    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
    "coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
)


def build(url: str, n: int, today: dt.date, lender_endpoints: int = 1) -> dict:
    django_setup(url)
    from django.core.management import call_command
    from django.db import connection, transaction

    from benchmarks._escalation_data import generate

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    tables = [
        "planinstallment",
        "paymentplan",
        "payment",
        "promisetopay",
        "contactattempt",
        "contactdecision",
        "deliveryattempt",
        "outboundmessage",
        "caseevent",
        "escalationchunk",
        "escalationrun",
        "collectioncase",
        "loan",
        "channelconsent",
        "contacthold",
        "contactledger",
        "borrower",
    ]
    # One transaction, as the single generate.sql script was: a failed build leaves nothing.
    with transaction.atomic(), connection.cursor() as cur:
        names = ", ".join(f"collections_app_{t}" for t in tables)
        cur.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        generate(cur, n, today)
        for table in tables:
            cur.execute(SETVAL.format(table=f"collections_app_{table}"))
    # The lender's receivers, subscribed to everything: each move of the night is an event and
    # a delivery per endpoint, written in the run's transactions (nothing is sent here).
    from collections_app.models import LenderEvent, WebhookEndpoint

    LenderEvent.objects.all().delete()
    WebhookEndpoint.objects.all().delete()
    WebhookEndpoint.objects.bulk_create(
        WebhookEndpoint(name=f"bench {i}", url=f"https://lender{i}.example/hooks", secret="s")
        for i in range(lender_endpoints)
    )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
        cur.execute(
            "SELECT count(*) FROM collections_app_collectioncase WHERE state IN "
            "('reminder', 'negotiation', 'escalation', 'legal')"
        )
        active = cur.fetchone()[0]
    connection.close()
    return {"active": active, "build_seconds": round(time.perf_counter() - started, 1)}


def write_counts() -> dict:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT (SELECT count(*) FROM collections_app_caseevent WHERE kind = 'transition'"
            "          AND reason <> 'generated'),"
            " (SELECT count(*) FROM collections_app_caseevent WHERE kind IN ('promise', 'plan')),"
            " (SELECT count(*) FROM collections_app_outboundmessage),"
            " (SELECT count(*) FROM collections_app_lenderevent),"
            " (SELECT count(*) FROM collections_app_lendereventdelivery)"
        )
        transitions, other_events, outbox, lender_events, deliveries = cur.fetchone()
    return {
        "transition_events": transitions,
        "other_events": other_events,
        "outbox": outbox,
        "lender_events": lender_events,
        "lender_deliveries": deliveries,
    }


def measure_engine(url: str, workers: int, today: dt.date) -> dict:
    django_setup(url)
    from django.db import connection

    from collections_app.models import EscalationRun
    from collections_app.services.escalation import escalation_run_start

    started = time.perf_counter()
    run = escalation_run_start(run_date=today, enqueue=False)
    connection.close()
    procs = [
        subprocess.Popen([sys.executable, __file__, "--worker", str(run.pk), "--url", url])
        for _ in range(workers)
    ]
    worker_peak = 0.0
    for proc in procs:
        _, status, usage = os.wait4(proc.pid, 0)
        if status != 0:
            raise SystemExit(f"worker failed with status {status}")
        worker_peak = max(worker_peak, usage.ru_maxrss / 1024)
    seconds = time.perf_counter() - started
    run = EscalationRun.objects.get(pk=run.pk)
    assert run.status == EscalationRun.Status.DONE, run.status
    return {
        "cases": run.cases_seen,
        "seconds": seconds,
        "peak_rss_mb": max(peak_rss_mb(), worker_peak),
        "chunks": run.chunk_count,
        **write_counts(),
    }


def work(url: str, run_id: int) -> None:
    django_setup(url)
    from collections_app.services.escalation import escalation_run_work

    escalation_run_work(run_id=run_id)


# Default-policy numbers the one-by-one loop applies (the same the floor's SQL uses).
CADENCE = {
    "reminder": {0: [("sms", "10:00")], 2: [("email", "10:00")], 5: [("voice", "14:00")]},
    "negotiation": {0: [("sms", "10:00")], 3: [("email", "10:00")]},
    "escalation": {0: [("voice", "14:00"), ("email", "10:00")], 7: [("sms", "10:00")]},
    "legal": {0: [("email", "10:00")]},
}


def measure_one_by_one(url: str, sample: int, today: dt.date) -> dict:
    django_setup(url)
    from django.db import transaction
    from django.utils import timezone

    from collections_app.models import CaseEvent, CollectionCase, OutboundMessage, PromiseToPay
    from collections_app.policies.timezones import local_slot
    from collections_app.services.cases import case_transition
    from collections_app.services.events import case_event_record
    from collections_app.states import ACTIVE_STATES

    ids = list(
        CollectionCase.objects.filter(state__in=ACTIVE_STATES)
        .order_by("pk")
        .values_list("pk", flat=True)[:sample]
    )
    started = time.perf_counter()
    for case_id in ids:
        with transaction.atomic():
            case = CollectionCase.objects.select_related("loan__borrower").get(pk=case_id)
            now = timezone.now()
            broke = False
            for promise in case.promises.filter(status="active", due_date__lt=today):
                promise.status, promise.resolved_at = PromiseToPay.Status.BROKEN, now
                promise.save(update_fields=["status", "resolved_at"])
                case_event_record(case=case, kind=CaseEvent.Kind.PROMISE, reason="Promise broken")
                broke = True
            last = case.events.filter(kind="transition").order_by("-created_at").first()
            entered = (last.created_at if last else case.opened_at).date()
            days_in_stage = (today - entered).days
            dpd = case.days_past_due(today)
            jurisdiction = case.loan.borrower.jurisdiction
            name = None
            legal_floor = 3000 if jurisdiction == "CN" else 500
            moving = days_in_stage > 0 and case.state in ("reminder", "negotiation")
            if moving and (broke or dpd >= 30):
                name = "escalate"
            elif days_in_stage >= 14 and case.state == "escalation" and dpd >= 90:
                name = "refer_to_legal" if case.amount_overdue >= legal_floor else None
            if name:
                case_transition(case=case, name=name, reason="Nightly run (one by one)")
                days_in_stage = 0
            zone = "Asia/Shanghai" if jurisdiction == "CN" else "America/New_York"
            for channel, at in CADENCE[case.state].get(days_in_stage, ()):
                step = f"{case.state}:{days_in_stage}:{channel}"
                OutboundMessage.objects.get_or_create(
                    idempotency_key=f"{case.pk}:{step}:{today}",
                    defaults={
                        "case": case,
                        "borrower": case.loan.borrower,
                        "channel": channel,
                        "template_key": f"{case.state}-day{days_in_stage}-{channel}",
                        "step": step,
                        "scheduled_at": local_slot(today, dt.time.fromisoformat(at), zone),
                    },
                )
            case.segment = "self_cure" if dpd <= 7 else "hardship"
            case.next_action_at = local_slot(today + dt.timedelta(days=1), dt.time(10), zone)
            case.save(update_fields=["segment", "next_action_at", "updated_at"])
    seconds = time.perf_counter() - started
    return {
        "cases": len(ids),
        "seconds": seconds,
        "peak_rss_mb": peak_rss_mb(),
        **write_counts(),
    }


def measure_floor(url: str, today: dt.date) -> dict:
    django_setup(url)
    from django.db import connection, transaction

    from benchmarks._escalation_floor import floor

    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM collections_app_collectioncase WHERE state IN "
            "('reminder', 'negotiation', 'escalation', 'legal')"
        )
        active = cur.fetchone()[0]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        floor(cur, today)
    seconds = time.perf_counter() - started
    return {"cases": active, "seconds": seconds, "peak_rss_mb": peak_rss_mb(), **write_counts()}


# --- the driver ---------------------------------------------------------------------------


def child(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--sample-b", type=int, default=20_000)
    parser.add_argument("--skip-build", action="store_true", help="reuse the template database")
    parser.add_argument("--measure", choices=["build", "a", "b", "c"])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--date", default=dt.date.today().isoformat())
    parser.add_argument(
        "--lender-endpoints",
        type=int,
        default=1,
        help="lender webhook endpoints subscribed to every event (0: none, nothing emitted)",
    )
    args = parser.parse_args()
    today = dt.date.fromisoformat(args.date)
    if not args.url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL=postgres://... (the benchmark database)")
    if args.worker:
        work(args.url, args.worker)
        return
    if args.measure:
        result = {
            "build": lambda: build(args.url, args.cases, today, args.lender_endpoints),
            "a": lambda: measure_engine(args.url, args.workers, today),
            "b": lambda: measure_one_by_one(args.url, args.sample_b, today),
            "c": lambda: measure_floor(args.url, today),
        }[args.measure]()
        print(json.dumps(result))
        return

    template = args.url
    work_url = with_db(template, db_name(template) + "_work")
    common = ["--date", today.isoformat(), "--cases", str(args.cases)]
    built = (
        {"active": None}
        if args.skip_build
        else child(
            [
                "--measure",
                "build",
                "--url",
                template,
                "--lender-endpoints",
                str(args.lender_endpoints),
                *common,
            ]
        )
    )
    results = {}
    for label, extra in (
        ("a1", ["--measure", "a", "--workers", "1"]),
        ("a2", ["--measure", "a", "--workers", "2"]),
        ("b", ["--measure", "b", "--sample-b", str(min(args.sample_b, args.cases))]),
        ("c", ["--measure", "c"]),
    ):
        clone(template, work_url)
        results[label] = child([*extra, "--url", work_url, *common])
        r = results[label]
        r["rate"] = r["cases"] / r["seconds"]
        print(f"  measured {label}: {r['cases']} cases in {r['seconds']:.1f}s", file=sys.stderr)
    admin_execute(template, f'DROP DATABASE IF EXISTS "{db_name(work_url)}" WITH (FORCE)')

    active = results["a1"]["cases"]
    b = results["b"]
    b_extrapolated = b["cases"] < active
    best_a = max(results["a1"]["rate"], results["a2"]["rate"])
    rows = [
        ("(a) engine, 1 worker", results["a1"]),
        ("(a) engine, 2 workers", results["a2"]),
        ("(b) one by one (FSM)", b),
        ("(c) hand-written SQL", results["c"]),
    ]
    print(f"\nN = {args.cases} cases, {active} active; {os.cpu_count()} CPUs")
    print(
        f"{'method':<24}{'cases':>10}{'seconds':>10}{'cases/s':>10}{'peak RSS MB':>13}"
        f"{'moves':>8}{'events':>8}{'outbox':>9}"
    )
    for label, r in rows:
        print(
            f"{label:<24}{r['cases']:>10}{r['seconds']:>10.1f}{r['rate']:>10.0f}"
            f"{r['peak_rss_mb']:>13.0f}{r['transition_events']:>8}{r['other_events']:>8}"
            f"{r['outbox']:>9}"
        )
    if b_extrapolated:
        print(
            f"(b) ran on the first {b['cases']} active cases; at its rate all {active} would "
            f"take {active / b['rate']:.0f}s (extrapolated, not measured)."
        )
    summary = {
        "n": args.cases,
        "active_cases": active,
        "cpus": os.cpu_count(),
        "a_1_worker_cases_per_s": round(results["a1"]["rate"]),
        "a_2_workers_cases_per_s": round(results["a2"]["rate"]),
        "b_cases_per_s": round(b["rate"]),
        "b_sample": b["cases"],
        "b_extrapolated": b_extrapolated,
        "c_cases_per_s": round(results["c"]["rate"]),
        "a_over_b": round(best_a / b["rate"], 1),
        "c_over_a": round(results["c"]["rate"] / best_a, 2),
        "two_workers_faster": results["a2"]["rate"] > results["a1"]["rate"],
        "peak_rss_mb": {k: round(v["peak_rss_mb"]) for k, v in results.items()},
        "writes": {
            k: {
                x: v[x]
                for x in (
                    "transition_events",
                    "other_events",
                    "outbox",
                    "lender_events",
                    "lender_deliveries",
                )
            }
            for k, v in results.items()
        },
        "lender_endpoints": args.lender_endpoints,
        "build_seconds": built.get("build_seconds"),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
