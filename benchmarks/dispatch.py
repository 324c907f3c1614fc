"""Outbox throughput through the real path, against a local server shaped like Twilio.

    python benchmarks/dispatch.py --messages 10000

For each server latency (0 ms and 200 ms): N messages due now are dispatched by the real
dispatcher task (claim, render, compliance gate on PostgreSQL), sent by real Celery workers on
Redis (async Twilio SDK client, shared rate limit) to a loopback server that counts what it
receives; then a bare loop (the same async Twilio client, the same number of requests in flight)
sends N requests to the same server. Prints messages/second side by side, then a JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, free_port, machine, setup_django, use_database

DB = "collections_bench_dispatch"
QUEUE = "bench-dispatch"


def bench_env(server: str, concurrency: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SMS_PROVIDER="twilio",
        TWILIO_API_BASE_URL=server,
        TWILIO_ACCOUNT_SID="AC" + "0" * 32,
        TWILIO_AUTH_TOKEN="bench-token",
        TWILIO_FROM_NUMBER="+14155550000",
        SMS_MESSAGES_PER_SECOND="100000",
        OUTBOX_SEND_CONCURRENCY=str(concurrency),
        TWILIO_MAX_CONNECTIONS=str(concurrency),
        CELERY_TASK_DEFAULT_QUEUE=QUEUE,
        OUTBOX_SEND_QUEUE=f"{QUEUE}-outbox",
        LOG_LEVEL="WARNING",
    )
    return env


def prepare(n: int) -> None:
    """N open cases in a zone where it is daytime now, each with one SMS due now."""
    from django.db import connection

    from collections_app.devtools.portfolio import queue_due_sms

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE collections_app_contactattempt, collections_app_contactdecision, "
            "collections_app_deliveryattempt, collections_app_outboundmessage, "
            "collections_app_contactledger, collections_app_caseevent, "
            "collections_app_collectioncase, collections_app_loan, collections_app_borrower "
            "RESTART IDENTITY CASCADE"
        )
    queue_due_sms(n, prefix="BENCH", phone_base=2000000)


def start_worker(env: dict[str, str], queue: str, processes: int, log) -> subprocess.Popen:
    # Imported here: the project is importable once use_database() has put it on sys.path.
    from collections_app.devtools.workers import celery_worker_command

    return subprocess.Popen(
        celery_worker_command(
            [queue], concurrency=processes, hostname=f"{queue}@%h", loglevel="WARNING"
        ),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def run_engine(n: int, server: str, workers: int, concurrency: int) -> float:
    """The production topology: one worker process on the default queue (the dispatcher) and
    `workers` processes on the outbox queue (the sends), as docker-compose.yml runs them."""
    from collections_app.models import OutboundMessage

    env = bench_env(server, concurrency)
    log = open(ROOT / "var" / "bench-dispatch-worker.log", "w")  # noqa: SIM115
    procs = [
        start_worker(env, QUEUE, 1, log),
        start_worker(env, f"{QUEUE}-outbox", workers, log),
    ]
    try:
        time.sleep(4)  # worker boot
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); "
                "from collections_app.tasks import dispatch_outbox; dispatch_outbox.delay()",
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
        while True:
            done = OutboundMessage.objects.filter(status__in=["sent", "failed", "unknown"]).count()
            if done >= n:
                break
            if time.perf_counter() - started > 600:
                raise SystemExit(f"only {done} of {n} messages done after 600 s")
            time.sleep(0.1)
        return n / (time.perf_counter() - started)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
        log.close()


def run_bare(n: int, server: str, in_flight: int) -> float:
    """The floor: the same async Twilio client, the same requests in flight, nothing else."""
    from django.test import override_settings

    env = bench_env(server, in_flight)
    with override_settings(
        TWILIO_API_BASE_URL=server,
        TWILIO_ACCOUNT_SID=env["TWILIO_ACCOUNT_SID"],
        TWILIO_AUTH_TOKEN=env["TWILIO_AUTH_TOKEN"],
        TWILIO_MAX_CONNECTIONS=in_flight,
    ):
        from collections_app.channels.twilio_client import async_twilio_client

        async def main() -> float:
            client = async_twilio_client()
            semaphore = asyncio.Semaphore(in_flight)

            async def one(i: int) -> None:
                async with semaphore:
                    await client.messages.create_async(
                        to=f"+1415{2000000 + i:07d}",
                        from_="+14155550000",
                        body="bench",
                        status_callback=f"http://127.0.0.1/cb?m=bare{i}",
                    )

            started = time.perf_counter()
            await asyncio.gather(*(one(i) for i in range(n)))
            elapsed = time.perf_counter() - started
            await client.http_client.close()
            return n / elapsed

        return asyncio.run(main())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--latencies", type=float, nargs="+", default=[0.0, 0.2])
    parser.add_argument(
        "--workers", type=int, default=2, help="Celery worker processes on the outbox queue"
    )
    parser.add_argument(
        "--concurrency", type=int, default=100, help="requests in flight per worker"
    )
    parser.add_argument("--database", default=DB, help="its own database (emptied first)")
    args = parser.parse_args()

    use_database(args.database)
    os.environ.update(bench_env("http://127.0.0.1:1", args.concurrency))
    setup_django()
    from collections_app.devtools import twilio_server

    rows = []
    for latency in args.latencies:
        server, url = twilio_server.spawn(free_port(), latency, cwd=str(ROOT))
        try:
            prepare(args.messages)
            engine = run_engine(args.messages, url, args.workers, args.concurrency)
            stats = twilio_server.fetch_stats(url)
            twilio_server.reset_counts(url)
            bare = run_bare(args.messages, url, args.workers * args.concurrency)
        finally:
            server.terminate()
            server.wait()
        rows.append(
            {
                "latency_ms": int(latency * 1000),
                "engine_msgs_per_s": round(engine, 1),
                "bare_loop_msgs_per_s": round(bare, 1),
                "ratio": round(engine / bare, 2),
                "received": stats["received"],
                "duplicates": stats["duplicates"],
            }
        )
    print(
        f"\nmachine: {machine()}; messages: {args.messages}; workers: {args.workers} x "
        f"{args.concurrency} in flight\n"
    )
    print(
        f"{'latency':>8} {'engine msg/s':>13} {'bare loop msg/s':>16} {'ratio':>6} "
        f"{'received':>9} {'dupes':>6}"
    )
    for r in rows:
        print(
            f"{r['latency_ms']:>6}ms {r['engine_msgs_per_s']:>13} {r['bare_loop_msgs_per_s']:>16} "
            f"{r['ratio']:>6} {r['received']:>9} {r['duplicates']:>6}"
        )
    print(
        json.dumps(
            {
                "benchmark": "dispatch",
                "messages": args.messages,
                "machine": machine(),
                "results": rows,
            }
        )
    )


if __name__ == "__main__":
    main()
