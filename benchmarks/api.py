"""The lender API under gunicorn: bulk loan upserts vs a bare bulk_create of the same rows, then
single PUT upserts at a fixed rate.

    python benchmarks/api.py [--loans 20000] [--batch 1000] [--rate 200] [--duration 30]

Runs the app under gunicorn (3 sync workers, as docker-compose runs the web; --workers) on
loopback against PostgreSQL (database collections_bench_api, or --database; its lender data is
emptied first) with Redis as the broker, with one write key:

1. bulk: --loans past-due loans (one per borrower, the borrowers created first through the
   service) in calls of --batch to POST /api/v1/loans/bulk, two calls in flight (one per
   worker): created loans/s (each opens its case); then the same loans again with new balances:
   updated loans/s; then those again: unchanged loans/s (most rows of a nightly sync). Beside
   it, in this process, a bare `Loan.objects.bulk_create` of the same rows (other ids) in the
   same batches: the floor, no validation, no cases, no audit;
2. single: PUT /api/v1/loans/{id} (balance updates of those loans, every request a new balance)
   at a fixed --rate for --duration seconds with wrk (api_rate.lua: a schedule of slots, whatever
   the answers before): p50 / p99 latency and non-2xx.

No worker runs: tasks published meanwhile go to a queue of this run's own, deleted at the end.
Prints a table, then one JSON line. Needs `wrk` (apt-get install wrk).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/4")
DB = "collections_bench_api"
QUEUE = f"bench-api-{os.getpid()}"
TODAY = dt.date.today()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(port: int, database: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{PG}/{database}",
        CELERY_BROKER_URL=REDIS,
        CELERY_TASK_DEFAULT_QUEUE=QUEUE,
        DJANGO_SETTINGS_MODULE="config.settings",
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        DJANGO_DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
        TESTING="0",
    )
    return env


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
        wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk is needed: apt-get install wrk")
    return wrk


def prepare_database(env: dict[str, str], database: str) -> None:
    exists = subprocess.run(
        ["psql", f"{PG}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{database}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["psql", f"{PG}/postgres", "-c", f"CREATE DATABASE {database}"], check=True)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)


def setup_django(env: dict[str, str]) -> None:
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "CELERY_BROKER_URL",
                                            "CELERY_TASK_DEFAULT_QUEUE", "TESTING")})  # fmt: skip
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def empty_lender_data() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        # Everything that hangs off a borrower goes with it (loans, cases, events, messages...).
        cursor.execute(
            "TRUNCATE collections_app_borrower, collections_app_idempotencyrecord, "
            "collections_app_integrationkey CASCADE"
        )


def borrower_row(i: int) -> dict:
    return {
        "external_id": f"BB{i:08d}",
        "name": f"Bench Borrower {i}",
        "jurisdiction": "US",
        "region": "CA",
        "time_zone": "America/Los_Angeles",
        "language": "en",
    }


def loan_row(i: int, *, prefix: str = "BL", interest: Decimal = Decimal("35.10")) -> dict:
    return {
        "external_id": f"{prefix}{i:08d}",
        "borrower_external_id": f"BB{i:08d}",
        "product": "cash-12m",
        "currency": "USD",
        "principal": "1200.00",
        "balance_principal": "1000.00",
        "balance_interest": str(interest),
        "balance_fees": "15.00",
        "balance_as_of": TODAY.isoformat(),
        "status": "past_due",
        "amount_past_due": "300.00",
        "due_date": (TODAY - dt.timedelta(days=20)).isoformat(),
        "days_past_due": 20,
        "origination_date": (TODAY - dt.timedelta(days=200)).isoformat(),
        "origination_state": "CA",
    }


def create_borrowers(count: int) -> None:
    from collections_app.lender.records import parse_borrower
    from collections_app.services import lender

    for start in range(0, count, 1000):
        rows = [parse_borrower(borrower_row(i))[0] for i in range(start, min(start + 1000, count))]
        lender.borrowers_upsert_many(records=rows, source="bench:setup")


def write_key() -> str:
    from collections_app.models import IntegrationKey

    _obj, key = IntegrationKey.objects.create_key(name="bench", integration="bench", scope="write")
    return key


def post_bulk(port: int, key: str, batches: list[list[dict]], in_flight: int = 2) -> dict:
    """POST every batch, `in_flight` at a time; returns seconds and the counts answered."""
    queue = list(enumerate(batches))
    lock = threading.Lock()
    counts: dict[str, int] = {}
    failures: list[str] = []

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Content-Type": "application/json", "Authorization": f"Api-Key {key}"}
        while True:
            with lock:
                if not queue:
                    break
                _i, batch = queue.pop(0)
            conn.request("POST", "/api/v1/loans/bulk", json.dumps({"loans": batch}), headers)
            response = conn.getresponse()
            body = response.read()
            with lock:
                if response.status != 200:
                    failures.append(f"{response.status} {body[:300]!r}")
                    continue
                for status, n in json.loads(body)["counts"].items():
                    if n:
                        counts[status] = counts.get(status, 0) + n
        conn.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=client) for _ in range(in_flight)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    seconds = time.perf_counter() - started
    if failures:
        sys.exit(f"bulk calls failed: {failures[:3]}")
    return {"seconds": seconds, "counts": counts}


def warm_up(port: int, key: str) -> None:
    """A few reads on each worker (imports, database connections), writing nothing."""
    for _ in range(8):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(
            "GET", "/api/v1/cases/?page_size=1", headers={"Authorization": f"Api-Key {key}"}
        )
        conn.getresponse().read()
        conn.close()


def bare_bulk_create(count: int, batch: int) -> float:
    """The floor: the same rows (other ids) written by bulk_create, no validation or cases."""
    from collections_app.models import Borrower, Loan

    borrowers = dict(Borrower.objects.filter(external_id__startswith="BB").values_list(
        "external_id", "id"))  # fmt: skip
    fields = {f.name for f in Loan._meta.get_fields() if getattr(f, "concrete", False)}
    started = time.perf_counter()
    for start in range(0, count, batch):
        rows = []
        for i in range(start, min(start + batch, count)):
            data = loan_row(i, prefix="BASE")
            values = {k: v for k, v in data.items() if k in fields}
            values["borrower_id"] = borrowers[data["borrower_external_id"]]
            values.pop("borrower_external_id", None)
            if "outstanding_balance" in fields:
                values["outstanding_balance"] = Decimal("1050.10")
            rows.append(Loan(**values))
        Loan.objects.bulk_create(rows)
    seconds = time.perf_counter() - started
    Loan.objects.filter(external_id__startswith="BASE").delete()
    return seconds


def single_requests(path: Path, count: int, loans: int) -> None:
    """`count` PUTs, each a balance update of one of the loans with an interest of its own."""
    with path.open("w") as out:
        for n in range(count):
            i = n % loans
            row = loan_row(i, interest=Decimal("36.00") + Decimal(n) / 100)
            out.write(f"/api/v1/loans/{row['external_id']}\t{json.dumps(row)}\n")


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(workers),
            "--bind", f"127.0.0.1:{port}", "--backlog", "2048", "--log-level", "warning",
        ],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    sys.exit("gunicorn did not start")


def run_wrk(wrk: str, port: int, data: Path, key: str, seconds: int, rate: float) -> dict:
    threads = 2
    command = [
        wrk, f"-t{threads}", "-c32", f"-d{seconds}s", "--timeout", "5s",
        "-s", str(ROOT / "benchmarks" / "api_rate.lua"),
        f"http://127.0.0.1:{port}", "--", str(data), str(threads), str(rate), key,
    ]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loans", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=1000, help="loans per bulk call (<= 1000)")
    parser.add_argument("--rate", type=float, default=200.0, help="single PUTs per second")
    parser.add_argument("--duration", type=int, default=30, help="seconds at that rate")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of PUTs before measuring")
    parser.add_argument("--database", default=DB, help="its own database (lender data emptied)")
    # docker-compose.yml's web runs 3 sync workers (2 x cores - 1 here): the same server.
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    args = parser.parse_args()
    if not 1 <= args.batch <= 1000:
        parser.error("--batch must be 1 to 1000")

    wrk = ensure_wrk()
    port = free_port()
    env = environment(port, args.database)
    prepare_database(env, args.database)
    setup_django(env)
    empty_lender_data()
    key = write_key()
    create_borrowers(args.loans)
    batches = [
        [loan_row(i) for i in range(start, min(start + args.batch, args.loans))]
        for start in range(0, args.loans, args.batch)
    ]
    updated_batches = [
        [{**row, "balance_fees": "40.00"} for row in batch] for batch in batches
    ]  # fmt: skip
    tmp = Path(tempfile.mkdtemp(prefix="bench-api-"))
    requests_file = tmp / "single.tsv"
    single_requests(requests_file, int(args.rate * (args.duration + args.warmup) * 1.5) + 100,
                    args.loans)  # fmt: skip

    server = start_gunicorn(env, port, args.workers)
    try:
        warm_up(port, key)
        created = post_bulk(port, key, batches)
        updated = post_bulk(port, key, updated_batches)
        unchanged = post_bulk(port, key, updated_batches)  # a nightly sync's usual row
        bare_seconds = bare_bulk_create(args.loans, args.batch)
        run_wrk(wrk, port, requests_file, key, args.warmup, args.rate)
        fixed = run_wrk(wrk, port, requests_file, key, args.duration, args.rate)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
        keys = [QUEUE, f"_kombu.binding.{QUEUE}", f"_kombu.binding_permanent.{QUEUE}"]
        subprocess.run(["redis-cli", "-u", REDIS, "DEL", *keys], capture_output=True, check=False)

    from collections_app.models import CollectionCase

    cases = CollectionCase.objects.filter(loan__external_id__startswith="BL").count()
    created_rate = args.loans / created["seconds"]
    updated_rate = args.loans / updated["seconds"]
    unchanged_rate = args.loans / unchanged["seconds"]
    bare_rate = args.loans / bare_seconds
    print(
        f"machine: {os.cpu_count()} cores; gunicorn {args.workers} sync workers; PostgreSQL; "
        "Redis broker"
    )
    print(f"{'':34}{'loans/s':>10}{'seconds':>10}")
    print(f"{'bulk, new past-due loans (API)':34}{created_rate:>10.0f}{created['seconds']:>10.2f}"
          "   target >= 2,000")  # fmt: skip
    print(f"{'bulk, balance updates (API)':34}{updated_rate:>10.0f}{updated['seconds']:>10.2f}")
    print(f"{'bulk, the same again (API)':34}{unchanged_rate:>10.0f}"
          f"{unchanged['seconds']:>10.2f}")  # fmt: skip
    print(f"{'bare bulk_create, same rows':34}{bare_rate:>10.0f}{bare_seconds:>10.2f}"
          f"   API is {bare_rate / created_rate:.1f}x slower (new)")  # fmt: skip
    print(f"bulk answers: new {created['counts']}, updates {updated['counts']}, "
          f"again {unchanged['counts']}; open cases {cases}")  # fmt: skip
    print(
        f"single PUT at {args.rate:.0f}/s for {args.duration}s: {fixed['rps']:.0f}/s achieved, "
        f"p50 {fixed['p50_ms']:.2f} ms, p99 {fixed['p99_ms']:.2f} ms (target < 100), "
        f"max {fixed['max_ms']:.2f} ms, non-2xx {fixed['non2xx']}, "
        f"socket errors {fixed['socket_errors']}, timeouts {fixed['timeouts']}"
    )
    summary = {
        "benchmark": "api",
        "cores": os.cpu_count(),
        "loans": args.loans,
        "batch": args.batch,
        "bulk": {
            "created_loans_per_s": round(created_rate, 1),
            "updated_loans_per_s": round(updated_rate, 1),
            "unchanged_loans_per_s": round(unchanged_rate, 1),
            "bare_bulk_create_loans_per_s": round(bare_rate, 1),
            "created": created["counts"],
            "updated": updated["counts"],
            "unchanged": unchanged["counts"],
        },
        "open_cases": cases,
        "single": {
            "rate": args.rate,
            "achieved_rps": round(fixed["rps"], 1),
            "requests": fixed["requests"],
            "p50_ms": round(fixed["p50_ms"], 2),
            "p99_ms": round(fixed["p99_ms"], 2),
            "non2xx": fixed["non2xx"],
            "socket_errors": fixed["socket_errors"],
        },
        "ok": created_rate >= 2000 and fixed["p99_ms"] < 100 and fixed["non2xx"] == 0,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
