"""Every benchmark still runs, end to end, at a tiny size (their numbers are not checked here:
speed is measured by running them by hand, README "Benchmarks"). Without this, a column added to
a model silently broke the escalation benchmark's SQL for months, and later the admin one's.
Each script runs on a scratch database of its own, so a parallel run of the suite is not hit."""

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import REQUIRE_SERVICES
from tests.worker import ROOT

# script name -> its smoke test; a script in benchmarks/ without one fails the suite.
SMOKE_TESTS: dict[str, str] = {}


def smoke_test_of(script: str) -> Callable:
    """Registers the test as benchmarks/`script`'s; it needs PostgreSQL and Redis."""

    def register(test: Callable) -> Callable:
        SMOKE_TESTS[script] = test.__name__
        return pytest.mark.needs_redis(pytest.mark.needs_postgres(test))

    return register


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
def scratch_database() -> Iterator[str]:
    """The name of an empty database, dropped afterwards (with escalation's `_work` copy)."""
    name = f"collections_bench_smoke_{os.getpid()}"
    admin = f"{_server_url()}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(admin, autocommit=True) as conn:
        for suffix in ("", "_work"):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}{suffix}" WITH (FORCE)')


def test_every_benchmark_script_has_a_smoke_test() -> None:
    scripts = {
        path.name for path in (ROOT / "benchmarks").glob("*.py") if not path.name.startswith("_")
    }
    missing = ", ".join(sorted(scripts - set(SMOKE_TESTS)))
    assert not missing, f"no smoke test (in {__name__}) for benchmarks/: {missing}"
    assert set(SMOKE_TESTS) <= scripts, "a smoke test for a script that is gone"


@smoke_test_of("escalation.py")
def test_the_escalation_benchmark_runs_every_method(scratch_database) -> None:
    result = _run(
        ["benchmarks/escalation.py", "--cases", "2000", "--sample-b", "100"],
        DATABASE_URL=f"{_server_url()}/{scratch_database}",
    )
    assert result["active_cases"] > 0
    for method in ("a1", "a2", "c"):
        assert result["writes"][method]["transition_events"] > 0, method
        assert result["writes"][method]["outbox"] > 0, method
        # one lender endpoint by default: a move is an event and a delivery
        writes = result["writes"][method]
        assert writes["lender_deliveries"] == writes["lender_events"] > 0, method
    assert result["writes"]["a1"] == result["writes"]["a2"]


@smoke_test_of("dispatch.py")
def test_the_dispatch_benchmark_sends_every_message_once(scratch_database) -> None:
    tiny = ["--messages", "300", "--latencies", "0"]
    result = _run(["benchmarks/dispatch.py", *tiny, "--database", scratch_database])
    (row,) = result["results"]
    assert (row["received"], row["duplicates"]) == (300, 0)
    assert row["engine_msgs_per_s"] > 0 and row["bare_loop_msgs_per_s"] > 0


@smoke_test_of("admin.py")
def test_the_admin_benchmark_builds_its_portfolio_and_draws_every_page(scratch_database) -> None:
    result = _run(
        ["benchmarks/admin.py", "--cases", "2000", "--repeat", "2"],
        DATABASE_URL=f"{_server_url()}/{scratch_database}",
    )
    assert (result["benchmark"], result["cases"], result["repeat"]) == ("admin", 2000, 2)
    pages = {row["page"]: row for row in result["pages"]}
    assert {"list", "queue: my cases", "search: phone", "case page (agent)"} <= set(pages)
    # Each page answered 200 (the script stops otherwise) and ran queries against the data.
    assert all(row["queries"] > 0 and row["median_ms"] > 0 for row in pages.values())


@smoke_test_of("webhooks.py")
def test_the_webhooks_benchmark_stores_every_callback_once(scratch_database) -> None:
    if shutil.which("wrk") is None:
        reason = "wrk (apt-get install wrk)"
        if REQUIRE_SERVICES:
            pytest.fail(f"the webhooks benchmark needs {reason}")
        pytest.skip(reason)
    tiny = ["--duration", "2", "--rounds", "2", "--warmup", "1", "--rate", "100"]
    result = _run(["benchmarks/webhooks.py", *tiny, "--database", scratch_database])
    assert result["benchmark"] == "webhooks"
    assert result["real"]["rps"] > 0 and result["minimal"]["rps"] > 0
    fixed = result["fixed_rate"]
    assert fixed["sent"] > 0 and fixed["stored"] > 0 and fixed["non2xx"] == 0
    assert (result["lost"], result["duplicates"]) == (0, 0)


@smoke_test_of("api.py")
def test_the_api_benchmark_upserts_every_loan_and_answers_every_put(scratch_database) -> None:
    if shutil.which("wrk") is None:
        reason = "wrk (apt-get install wrk)"
        if REQUIRE_SERVICES:
            pytest.fail(f"the api benchmark needs {reason}")
        pytest.skip(reason)
    tiny = ["--loans", "300", "--batch", "100", "--rate", "50", "--duration", "2", "--warmup", "1"]
    result = _run(["benchmarks/api.py", *tiny, "--database", scratch_database])
    assert result["benchmark"] == "api"
    bulk = result["bulk"]
    assert bulk["created"] == {"created": 300}, bulk
    assert bulk["updated"] == {"updated": 300}, bulk
    assert bulk["unchanged"] == {"unchanged": 300}, bulk
    assert result["open_cases"] == 300
    assert bulk["bare_bulk_create_loans_per_s"] > 0
    single = result["single"]
    assert single["requests"] > 0 and single["non2xx"] == 0 and single["socket_errors"] == 0


@smoke_test_of("lender.py")
def test_the_lender_benchmark_upserts_every_row_then_changes_nothing(scratch_database) -> None:
    result = _run(
        ["benchmarks/lender.py", "--loans", "300"],
        DATABASE_URL=f"{_server_url()}/{scratch_database}",
    )
    assert result["mixed"] == {"updated": 150, "created": 150}
    assert result["again"] == {"unchanged": 300}
    assert result["cases"] == {"reminder": 250, "resolved": 50}


@smoke_test_of("import.py")
def test_the_import_benchmark_imports_next_to_a_bare_copy(scratch_database) -> None:
    # Every import of the run with the parse process (the file is under its usual minimum),
    # then once more inline (--also-inline): the same counts.
    result = _run(
        ["benchmarks/import.py", "--rows", "2000", "--database", scratch_database, "--also-inline"],
        IMPORT_PARSE_PROCESS_MIN_BYTES="0",
    )
    assert (result["benchmark"], result["rows"]) == ("import", 2000)
    first, again = result["import"], result["reimport"]
    assert result["inline"]["loans"] == first["loans"]
    assert first["python_cpu_seconds"] > 0
    # One row in 200 is invalid: rejected with its line, the others imported, then unchanged.
    assert (first["imported"], first["rejected"]) == (1990, 10)
    assert first["loans"] == {"created": 1990, "updated": 0, "unchanged": 0}
    assert again["loans"] == {"created": 0, "updated": 0, "unchanged": 1990}
    assert result["copy_seconds"] > 0 and first["peak_rss_mb"] > 0


@smoke_test_of("retention.py")
def test_the_retention_benchmark_purges_what_is_past_its_period_then_nothing(
    scratch_database,
) -> None:
    result = _run(
        ["benchmarks/retention.py", "--cases", "200"],
        DATABASE_URL=f"{_server_url()}/{scratch_database}",
    )
    # A tenth closed a year ago: still in their period, counted nowhere.
    assert result["purge"]["cases"] == 180
    assert result["purge"]["counts"]["outbound messages"] == 180
    assert result["dry_run"]["counts"] == result["purge"]["counts"]
    assert result["again"]["rows"] == 0
