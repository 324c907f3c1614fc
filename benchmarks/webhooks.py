"""Webhook intake under load: the real SMS status endpoint vs a minimal view, same server.

    python benchmarks/webhooks.py [--duration 30] [--connections 16] [--rate 400]

Runs the app under gunicorn (2 sync workers) on loopback against PostgreSQL (database
collections_bench5, or --database) with Redis as the broker, and drives signed Twilio status
callbacks (after --warmup seconds of each view):

1. at full speed with wrk (a Lua script cycling through pre-signed callbacks, every one unique)
   for --duration seconds per view, in alternating rounds, against a minimal view (parse the
   form, check Twilio's HMAC, one INSERT; mounted only because this script sets
   WEBHOOK_BENCH_MINIMAL_VIEW=1) and against /webhooks/twilio/sms/status/; requests/s and
   p50/p99 side by side;
2. at a fixed --rate with wrk (webhooks_rate.lua: each thread sends on a schedule of slots,
   whatever the answers before), every tenth request a retry of an earlier callback; then
   checks that every callback sent is stored exactly once (distinct keys stored vs sent).

No worker runs: this measures intake. Tasks published meanwhile go to a queue of this run's own,
deleted at the end. Prints a table, then one JSON line. Needs `wrk` (apt-get install wrk).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/4")
DB = "collections_bench5"
# Callbacks signed per second of wrk: every request must be a new one, and 2 cores answer about
# 1,200/s; past this the run stops (a callback sent twice would read as lost).
CEILING_RPS = 5000
# Signs requests to the loopback server this script starts; never a real account's token.
TOKEN = "bench-auth-token-0123456789abcdef"
QUEUE = f"bench-webhooks-{os.getpid()}"
MINIMAL = "/webhooks/bench/minimal/sms/status/"
REAL = "/webhooks/twilio/sms/status/"


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
        TWILIO_AUTH_TOKEN=TOKEN,
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        WEBHOOK_BENCH_MINIMAL_VIEW="1",
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
    psql(env, "TRUNCATE collections_app_webhookevent")


def psql(env: dict[str, str], sql: str) -> str:
    out = subprocess.run(
        ["psql", env["DATABASE_URL"], "-tAc", sql], capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "2",
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


def signed_requests(port: int, path: str, tag: str, count: int) -> list[tuple[str, str, str]]:
    """`count` distinct status callbacks as Twilio would send them: (path?query, sig, body)."""
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(TOKEN)
    out = []
    for i in range(count):
        message_sid = f"SM{tag}{i:030x}"[:34]
        form = {
            "AccountSid": "AC" + "0" * 32,
            "ApiVersion": "2010-04-01",
            "From": "+14155550000",
            "To": "+14152220001",
            "MessageSid": message_sid,
            "MessageStatus": "delivered",
            "SmsSid": message_sid,
            "SmsStatus": "delivered",
            "MessagingServiceSid": "MG" + "0" * 32,
        }
        full = f"{path}?m={i + 1}"
        signature = validator.compute_signature(f"http://127.0.0.1:{port}{full}", form)
        out.append((full, signature, urlencode(form)))
    return out


def combine(runs: list[dict]) -> dict:
    """Rounds of one view: total rate; the median round's p50 and the worst round's p99."""
    total = {k: sum(r[k] for r in runs) for k in ("requests", "issued", "non2xx")}
    total["socket_errors"] = sum(r["socket_errors"] for r in runs)
    total["rps"] = total["requests"] / (sum(r["duration_us"] for r in runs) / 1e6)
    total["p50_ms"] = sorted(r["p50_ms"] for r in runs)[len(runs) // 2]
    total["p99_ms"] = max(r["p99_ms"] for r in runs)
    total["rounds_rps"] = [round(r["rps"]) for r in runs]
    return total


def run_wrk(
    wrk: str,
    port: int,
    data: Path,
    args: argparse.Namespace,
    seconds: int,
    offset: int = 0,
    rate: float = 0,
) -> dict:
    """Full speed, or with `rate` a fixed rate (webhooks_rate.lua). Returns wrk's summary."""
    threads = 2
    script = "webhooks_rate.lua" if rate else "webhooks_load.lua"
    connections = 32 if rate else args.connections  # at a fixed rate: spare connections
    command = [
        wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s",
        "-s", str(ROOT / "benchmarks" / script),
        f"http://127.0.0.1:{port}", "--", str(data), str(threads), str(offset), str(rate),
    ]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def stored_keys(env: dict[str, str]) -> tuple[int, int]:
    row = psql(
        env,
        "SELECT count(*), count(DISTINCT dedupe_key) FROM collections_app_webhookevent "
        "WHERE kind = 'sms.status'",
    )
    total, distinct = row.split("|")
    return int(total), int(distinct)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rate", type=float, default=400.0)
    parser.add_argument("--rounds", type=int, default=10, help="alternating rounds per view")
    parser.add_argument("--warmup", type=int, default=3, help="seconds per view before measuring")
    parser.add_argument("--database", default=DB, help="its own database (emptied of webhooks)")
    args = parser.parse_args()
    if args.duration < args.rounds:
        parser.error("--duration must be at least --rounds (whole seconds per round)")
    sys.path.insert(0, str(ROOT))

    wrk = ensure_wrk()
    port = free_port()
    env = environment(port, args.database)
    prepare_database(env, args.database)
    # More callbacks than a run can send: every request is a distinct callback. The warm-up
    # takes the first `warm` of them, each round a region of its own of the rest.
    warm = args.warmup * CEILING_RPS
    pool = warm + args.duration * CEILING_RPS
    region = (pool - warm) // args.rounds
    tmp = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    files = {}
    for name, path, tag in (
        ("minimal", MINIMAL, "aa"),
        ("real", REAL, "bb"),
        ("fixed", REAL, "cc"),
    ):
        files[name] = tmp / f"{name}.tsv"
        lines = ("\t".join(r) for r in signed_requests(port, path, tag, pool))
        files[name].write_text("\n".join(lines) + "\n")

    server = start_gunicorn(env, port)
    try:
        for name in ("minimal", "real"):
            run_wrk(wrk, port, files[name], args, args.warmup)  # connections, imports
        psql(env, "TRUNCATE collections_app_webhookevent")
        # Alternating rounds, so a change in the machine's load hits both views alike.
        rounds: dict[str, list[dict]] = {"minimal": [], "real": []}
        per_round = args.duration // args.rounds
        for i in range(args.rounds):
            for name in ("minimal", "real"):
                result = run_wrk(wrk, port, files[name], args, per_round, warm + i * region)
                if result["issued"] > region:
                    sys.exit(f"{result['issued']} requests in a round: raise CEILING_RPS")
                rounds[name].append(result)
                time.sleep(0.3)  # let requests in flight at the cut-off finish
        results = {name: combine(runs) for name, runs in rounds.items()}
        stored_total, stored_distinct = stored_keys(env)
        real = results["real"]
        # Requests in flight when wrk stopped may or may not have been stored.
        wrk_lost = max(0, real["requests"] - real["non2xx"] - stored_distinct)

        psql(env, "TRUNCATE collections_app_webhookevent")
        fixed = run_wrk(wrk, port, files["fixed"], args, args.duration, rate=args.rate)
        time.sleep(1)
        fixed_total, fixed_distinct = stored_keys(env)
        # Answered requests minus every retry is a floor for the distinct callbacks answered:
        # fewer rows than that is a loss. Requests still in flight when wrk stopped (issued but
        # not answered) may or may not have reached the server.
        lost = max(0, fixed["requests"] - fixed["retries"] - fixed_distinct)
        in_flight = fixed["issued"] - fixed["requests"]
        duplicates = fixed_total - fixed_distinct
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
        # The run's queue and kombu's bindings for it.
        keys = [QUEUE, f"_kombu.binding.{QUEUE}", f"_kombu.binding_permanent.{QUEUE}"]
        subprocess.run(["redis-cli", "-u", REDIS, "DEL", *keys], capture_output=True, check=False)

    minimal, real = results["minimal"], results["real"]
    ratio = real["rps"] / minimal["rps"]
    print(f"machine: {os.cpu_count()} cores; gunicorn 2 sync workers; PostgreSQL; Redis broker")
    print(f"{'':28}{'minimal view':>16}{'/sms/status/':>16}")
    label = f"requests/s (wrk, {args.connections} conns)"
    print(
        f"{label:28}{minimal['rps']:>16.0f}{real['rps']:>16.0f}   ratio {ratio:.2f} (target >= 0.8)"
    )
    print(f"{'p50 latency ms':28}{minimal['p50_ms']:>16.2f}{real['p50_ms']:>16.2f}")
    print(f"{'p99 latency ms':28}{minimal['p99_ms']:>16.2f}{real['p99_ms']:>16.2f}")
    print(f"{'non-2xx / socket errors':28}{minimal['non2xx']:>10} / {minimal['socket_errors']:<3}"
          f"{real['non2xx']:>10} / {real['socket_errors']:<3}")  # fmt: skip
    print(f"rounds, requests/s: minimal {minimal['rounds_rps']}")
    print(f"                    real    {real['rounds_rps']}")
    print(
        f"full speed: {real['requests']} answered, {real['issued']} issued, "
        f"{stored_distinct} stored ({stored_total} rows), lost {wrk_lost}"
    )
    print(
        f"fixed {args.rate:.0f}/s for {args.duration}s (every 10th a retry): "
        f"{fixed['rps']:.0f}/s achieved, p50 {fixed['p50_ms']:.2f} ms, "
        f"p99 {fixed['p99_ms']:.2f} ms (target < 100), non-2xx {fixed['non2xx']}, "
        f"socket errors {fixed['socket_errors']}"
    )
    print(
        f"exactly once: {fixed['requests']} answered + {in_flight} in flight at the cut-off, "
        f"{fixed['retries']} of them retries; {fixed_distinct} distinct callbacks stored "
        f"(expected {fixed['issued'] - fixed['retries'] - in_flight}..."
        f"{fixed['issued'] - fixed['retries']}), lost {lost}, duplicate rows {duplicates}"
    )
    summary = {
        "benchmark": "webhooks",
        "cores": os.cpu_count(),
        "minimal": {k: round(minimal[k], 2) for k in ("rps", "p50_ms", "p99_ms")},
        "real": {k: round(real[k], 2) for k in ("rps", "p50_ms", "p99_ms")},
        "ratio": round(ratio, 3),
        "fixed_rate": {
            "rate": args.rate,
            "achieved_rps": round(fixed["rps"], 1),
            "p50_ms": round(fixed["p50_ms"], 2),
            "p99_ms": round(fixed["p99_ms"], 2),
            "non2xx": fixed["non2xx"],
            "sent": fixed["issued"],
            "stored": fixed_distinct,
        },
        "lost": lost + wrk_lost,
        "duplicates": duplicates,
        "ok": ratio >= 0.8 and fixed["p99_ms"] < 100 and lost + wrk_lost == 0 and duplicates == 0,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
