"""The command line of a Celery worker for tests and benchmarks: one place, so the kill test,
the worker tests and the dispatch benchmark start the same worker the README describes."""

from __future__ import annotations

import sys


def celery_worker_command(
    queues: list[str], *, concurrency: int, hostname: str, loglevel: str = "INFO"
) -> list[str]:
    """A prefork worker on `queues`, without gossip, mingle or heartbeat (nothing to talk to:
    one worker per test or benchmark), taking one task at a time per process."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--loglevel",
        loglevel,
        "--concurrency",
        str(concurrency),
        "--pool",
        "prefork",
        "--queues",
        ",".join(queues),
        "--hostname",
        hostname,
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--prefetch-multiplier",
        "1",
    ]
