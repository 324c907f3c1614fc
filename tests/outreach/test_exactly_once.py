"""1,000 queued messages; a real Celery worker on Redis + PostgreSQL is killed with SIGKILL half
way and restarted. Counted at the receiving server: every message arrives exactly once."""

import os
import signal
import subprocess
import time

import pytest
from django.conf import settings
from django.db import close_old_connections

from collections_app.devtools import twilio_server
from collections_app.devtools.workers import celery_worker_command
from collections_app.models import OutboundMessage
from tests.worker import ROOT, worker_env

N = 1000


def _worker(env: dict[str, str], log) -> subprocess.Popen:
    return subprocess.Popen(
        celery_worker_command(
            [settings.CELERY_TASK_DEFAULT_QUEUE, settings.OUTBOX_SEND_QUEUE],
            concurrency=2,
            hostname=f"kill{os.getpid()}@%h",
        ),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: SIGKILL takes the pool children too
    )


def _queue_messages(n: int) -> None:
    from collections_app.devtools.portfolio import queue_due_sms

    queue_due_sms(n, prefix="KILL", phone_base=3000000)


def _sent() -> int:
    close_old_connections()
    return OutboundMessage.objects.filter(status="sent").count()


@pytest.mark.needs_postgres
@pytest.mark.needs_redis
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_way_loses_nothing_and_sends_nothing_twice(tmp_path) -> None:
    from tests.conftest import free_port

    server, url = twilio_server.spawn(free_port(), latency=0.02, cwd=str(ROOT))
    env = worker_env(
        SMS_PROVIDER="twilio",
        TWILIO_API_BASE_URL=url,
        TWILIO_ACCOUNT_SID="AC" + "1" * 32,
        TWILIO_AUTH_TOKEN="kill-test",
        TWILIO_FROM_NUMBER="+14155550000",
        SMS_MESSAGES_PER_SECOND="100000",
        OUTBOX_SEND_BATCH="50",
        OUTBOX_SEND_CONCURRENCY="10",
        OUTBOX_CLAIM_TTL="5",
        OUTBOX_SENDING_TIMEOUT="3",
        CELERY_VISIBILITY_TIMEOUT="5",
        TWILIO_READ_TIMEOUT="1",
    )
    log = (tmp_path / "worker.log").open("w")
    try:
        _queue_messages(N)
        worker = _worker(env, log)
        from collections_app.tasks import dispatch_outbox, sweep_outbox

        dispatch_outbox.delay()
        deadline = time.monotonic() + 60
        while twilio_server.fetch_stats(url)["received"] < N // 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(worker.pid, signal.SIGKILL)  # mid-way: requests in flight, rows in `sending`
        worker.wait()
        at_kill = twilio_server.fetch_stats(url)["received"]
        assert 0 < at_kill < N, (
            f"the kill did not land mid-way ({at_kill} of {N}): "
            + (tmp_path / "worker.log").read_text()[-4000:]
        )

        worker = _worker(env, log)
        deadline = time.monotonic() + 120
        while _sent() < N and time.monotonic() < deadline:
            # what beat does every minute, compressed
            sweep_outbox.delay()
            dispatch_outbox.delay()
            time.sleep(1)
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    finally:
        server_stats = twilio_server.fetch_stats(url)
        server.terminate()
        server.wait()
        log.close()

    close_old_connections()
    from django.db.models import Count

    statuses = dict(OutboundMessage.objects.values_list("status").annotate(n=Count("id")))
    assert _sent() == N, (statuses, (tmp_path / "worker.log").read_text()[-3000:])
    per_message = server_stats["per_message"]
    ids = set(OutboundMessage.objects.values_list("pk", flat=True))
    assert {int(k) for k in per_message} == ids  # none lost
    assert set(per_message.values()) == {1}  # none twice
    assert server_stats["received"] == N
