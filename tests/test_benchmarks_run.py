"""The benchmarks still run, end to end, at a tiny size (their numbers are not checked here:
speed is measured by running them by hand, README "Benchmarks"). Without this, a column added to
a model silently broke the escalation benchmark's SQL for months."""

import json
import os
import subprocess
import sys

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from tests.worker import ROOT

pytestmark = [pytest.mark.needs_postgres, pytest.mark.needs_redis]


def _server_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"


def _run(args: list[str], **env: str) -> dict:
    """Run a benchmark script; returns the JSON line it ends with."""
    full_env = {**os.environ, "BENCH_PG": _server_url(), "BENCH_REDIS": settings.CELERY_BROKER_URL}
    full_env.update(env)
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def scratch_database():
    name = f"collections_bench_smoke_{os.getpid()}"
    admin = f"{_server_url()}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{_server_url()}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        for suffix in ("", "_work"):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}{suffix}" WITH (FORCE)')


def test_the_escalation_benchmark_runs_every_method(scratch_database) -> None:
    result = _run(
        ["benchmarks/escalation.py", "--cases", "2000", "--sample-b", "100"],
        DATABASE_URL=scratch_database,
    )
    assert result["active_cases"] > 0
    for method in ("a1", "a2", "c"):
        assert result["writes"][method]["transition_events"] > 0, method
    assert result["writes"]["a1"] == result["writes"]["a2"]


def test_the_dispatch_benchmark_sends_every_message_once() -> None:
    result = _run(["benchmarks/dispatch.py", "--messages", "300", "--latencies", "0"])
    (row,) = result["results"]
    assert (row["received"], row["duplicates"]) == (300, 0)
    assert row["engine_msgs_per_s"] > 0 and row["bare_loop_msgs_per_s"] > 0
