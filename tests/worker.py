"""Start a real Celery worker process on the test database and the configured broker."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from collections_app.devtools.workers import celery_worker_command

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    """The URL of the database the tests are using (test_<name>), for a child process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    raise RuntimeError(f"no worker URL for {connection.vendor}")


def worker_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=test_database_url(),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        CELERY_TASK_DEFAULT_QUEUE=settings.CELERY_TASK_DEFAULT_QUEUE,
        OUTBOX_SEND_QUEUE=settings.OUTBOX_SEND_QUEUE,
        LENDER_EVENTS_QUEUE=settings.LENDER_EVENTS_QUEUE,
        TESTING="1",
        VAR_DIR=str(settings.VAR_DIR),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@contextmanager
def celery_worker(
    concurrency: int = 2, log_path: Path | None = None, **env: str
) -> Iterator[subprocess.Popen]:
    """A worker consuming this test session's queue; stopped (and reaped) on exit."""
    log_path = log_path or settings.VAR_DIR / f"test-worker-{os.getpid()}.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        celery_worker_command(
            [
                settings.CELERY_TASK_DEFAULT_QUEUE,
                settings.OUTBOX_SEND_QUEUE,
                settings.LENDER_EVENTS_QUEUE,
            ],
            concurrency=concurrency,
            hostname=f"test{os.getpid()}@%h",
        ),
        cwd=ROOT,
        env=worker_env(**env),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_ready(proc, log_path)
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()


def _wait_ready(proc: subprocess.Popen, log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"worker exited early:\n{log_path.read_text()[-3000:]}")
        if " ready." in log_path.read_text():
            return
        time.sleep(0.2)
    raise RuntimeError(f"worker not ready after {timeout}s:\n{log_path.read_text()[-3000:]}")


def wait_until(predicate, timeout: float = 30, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
