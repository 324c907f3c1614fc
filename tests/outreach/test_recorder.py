"""Outcomes written in chunks on a thread of their own while a send batch is still in flight
(the path a Celery send task takes: no transaction is open around it)."""

import threading

import pytest
from django.db import connections

from collections_app.models import ContactAttempt, DeliveryAttempt, OutboundMessage
from collections_app.outreach import recorder
from collections_app.outreach.dispatch import dispatch_batch
from collections_app.outreach.sender import send_claimed
from tests.outreach.conftest import enqueue, make_case

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def writes(monkeypatch):
    """Watches (does not replace) each chunk write: its size, thread and connection."""
    seen: list[dict] = []
    real = recorder.record_outcomes

    def watched(outcomes):
        seen.append(
            {
                "size": len(outcomes),
                "thread": threading.current_thread().name,
                "connection": connections["default"],
            }
        )
        return real(outcomes)

    monkeypatch.setattr(recorder, "record_outcomes", watched)
    return seen


def _dispatch(zone: str, n: int) -> list[int]:
    for _ in range(n):
        enqueue(make_case(zone))
    ids = dispatch_batch().allowed
    assert len(ids) == n
    return ids


def test_outcomes_are_written_in_chunks_on_a_thread_that_closes_its_connection(
    settings, daytime_zone, writes
) -> None:
    settings.OUTBOX_RECORD_CHUNK = 3
    ids = _dispatch(daytime_zone, 7)

    summary = send_claimed(ids)

    assert summary.sent == 7
    assert sorted(w["size"] for w in writes) == [1, 3, 3]
    assert {w["thread"].split("_")[0] for w in writes} == {"outbox-recorder"}
    assert writes[0]["connection"] is not connections["default"]  # the thread's own connection...
    assert writes[0]["connection"].connection is None  # ...closed when the batch is done
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert not DeliveryAttempt.objects.filter(finished_at__isnull=True).exists()
    assert set(ContactAttempt.objects.values_list("outcome", flat=True)) == {"pending"}
    assert not ContactAttempt.objects.filter(message_id__in=ids, occurred_at=None).exists()


def test_a_failed_write_raises_and_leaves_its_rows_to_the_sweeper(
    settings, daytime_zone, writes, monkeypatch
) -> None:
    settings.OUTBOX_RECORD_CHUNK = 2
    ids = _dispatch(daytime_zone, 4)
    watched = recorder.record_outcomes

    def second_write_fails(outcomes):
        if len(writes) == 1:
            writes.append({"size": len(outcomes), "failed": True})
            raise RuntimeError("database went away")
        return watched(outcomes)

    monkeypatch.setattr(recorder, "record_outcomes", second_write_fails)

    with pytest.raises(RuntimeError, match="database went away"):
        send_claimed(ids)

    statuses = sorted(OutboundMessage.objects.values_list("status", flat=True))
    assert statuses == ["sending", "sending", "sent", "sent"]
    # Still held by the batch's send token, with an attempt row and no outcome: exactly what the
    # sweeper looks up at the provider before it decides anything.
    stuck = OutboundMessage.objects.filter(status="sending")
    assert all(m.send_token for m in stuck)
    assert DeliveryAttempt.objects.filter(message__in=stuck, finished_at__isnull=True).count() == 2
