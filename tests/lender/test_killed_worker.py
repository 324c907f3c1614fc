"""A worker killed with SIGKILL in the middle of a send: while its claim is fresh nobody else
sends the delivery; once stale, the sweeper notes the interrupted try and queues it again, and
the next try carries the same event id (at least once; the receiver deduplicates on it)."""

import datetime as dt
import os
import signal
import subprocess
import sys

import pytest
from django.db import close_old_connections
from django.utils import timezone

from collections_app.lender.deliveries import (
    INTERRUPTED,
    lender_deliveries_drain,
    lender_deliveries_sweep,
)
from collections_app.lender.events import lender_event_emit
from collections_app.models import LenderEventAttempt, LenderEventDelivery
from tests.lender.conftest import make_endpoint
from tests.lender.receiver import receiver
from tests.worker import ROOT, wait_until, worker_env

SEND_ONE = (
    "import django; django.setup(); "
    "from collections_app.lender.deliveries import lender_deliveries_send; "
    "lender_deliveries_send(delivery_ids=[{pk}])"
)


def _status() -> str:
    close_old_connections()
    return LenderEventDelivery.objects.get().status


@pytest.mark.django_db(transaction=True)
def test_a_send_killed_mid_request_is_sent_again_with_the_same_event_id(allow_http) -> None:
    with receiver(script=["hang"]) as lender:
        make_endpoint(lender.url)
        event = lender_event_emit(kind="hold.placed", payload={"hold_id": 1}, dedupe_key="h:1")
        pk = LenderEventDelivery.objects.get().pk
        worker = subprocess.Popen(
            [sys.executable, "-c", SEND_ONE.format(pk=pk)],
            cwd=ROOT,
            env=worker_env(LENDER_WEBHOOK_ALLOW_HTTP="1", DJANGO_SETTINGS_MODULE="config.settings"),
            start_new_session=True,
        )
        try:
            assert lender.arrived.wait(timeout=60), "the worker never sent"
        finally:
            os.killpg(worker.pid, signal.SIGKILL)  # mid-request: the receiver is still answering
            worker.wait()
        assert _status() == "sending"

        # while the claim is fresh, a drain and a sweep leave it to its (dead) holder
        assert lender_deliveries_drain(batch=10, seconds=10).tried == 0
        assert lender_deliveries_sweep().returned == []
        assert len(lender.received) == 1

        stale = timezone.now() + dt.timedelta(minutes=5)
        assert lender_deliveries_sweep(now=stale).returned == [pk]
        first = LenderEventAttempt.objects.get(number=1)
        assert first.finished_at is not None and first.error == INTERRUPTED
        assert _status() == "queued"

        lender.release.set()
        assert lender_deliveries_drain(batch=10, seconds=10).tried == 1
        assert wait_until(lambda: _status() == "delivered", timeout=10)
        assert lender.event_ids() == [str(event.uuid)] * 2
    assert list(
        LenderEventAttempt.objects.order_by("number").values_list("number", "http_status")
    ) == [(1, None), (2, 200)]
