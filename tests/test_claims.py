"""One way to claim background work (collections_app/claims.py), for every kind of row that is
work: a redelivered task does nothing, two workers never hold the same row, a stale claim is
swept back, a heartbeating job is not, and a swept worker cannot write over its successor."""

import datetime as dt
import threading

import pytest
from django.db import transaction
from django.utils import timezone

from collections_app import claims
from collections_app.models import BulkAction, EscalationChunk, WebhookEvent
from collections_app.services.bulk import BULK_ACTIONS, STALE_AFTER, bulk_action_run
from collections_app.services.escalation import (
    CHUNKS,
    escalation_chunk_process,
    escalation_run_start,
    escalation_runs_resume,
)
from collections_app.webhooks.processing import WEBHOOK_EVENTS
from tests.escalation_helpers import day, make_case
from tests.threads import in_threads

NOW = timezone.now()


def bulk_action() -> BulkAction:
    return BulkAction.objects.create(transition="escalate", case_ids=[])


def chunk() -> EscalationChunk:
    make_case(dpd=45)
    return escalation_run_start(run_date=day(1), enqueue=False).chunks.get()


KINDS = {"bulk action": (BULK_ACTIONS, bulk_action), "escalation chunk": (CHUNKS, chunk)}


@pytest.fixture(params=list(KINDS))
def kind_and_row(request, db):
    kind, make = KINDS[request.param]
    return kind, make()


def status(row) -> str:
    return type(row).objects.get(pk=row.pk).status


def test_a_redelivered_task_does_nothing(kind_and_row) -> None:
    kind, row = kind_and_row
    assert claims.claim(kind, row.pk, now=NOW) is not None
    assert claims.claim(kind, row.pk, now=NOW) is None


def test_a_stale_claim_is_swept_back_and_enqueued_again(kind_and_row) -> None:
    kind, row = kind_and_row
    claims.claim(kind, row.pk, now=NOW)
    later = NOW + kind.stale_after() + dt.timedelta(seconds=1)
    assert claims.sweep(kind, now=NOW + kind.stale_after() - dt.timedelta(seconds=1)).lost == []
    swept = claims.sweep(kind, now=later)
    assert swept.returned == [row.pk]
    assert row.pk in swept.lost
    assert claims.claim(kind, row.pk, now=later) is not None


def test_a_heartbeating_job_is_not_swept(kind_and_row) -> None:
    kind, row = kind_and_row
    held = claims.claim(kind, row.pk, now=NOW)
    # Long past the time a claim goes stale, the job is still reporting.
    much_later = NOW + 3 * kind.stale_after()
    claims.heartbeat(held, now=much_later - dt.timedelta(minutes=1))
    assert claims.sweep(kind, now=much_later) == claims.Swept()
    assert status(row) == "running"


def test_a_swept_worker_cannot_write_over_the_one_that_took_over(kind_and_row) -> None:
    kind, row = kind_and_row
    first = claims.claim(kind, row.pk, now=NOW)
    later = NOW + kind.stale_after() + dt.timedelta(seconds=1)
    claims.sweep(kind, now=later)
    second = claims.claim(kind, row.pk, now=later)

    with pytest.raises(claims.ClaimLost):
        claims.heartbeat(first, now=later)
    assert not claims.finish(first, status="done")
    assert status(row) == "running"
    assert claims.finish(second, status="done")
    assert status(row) == "done"


def test_a_heartbeat_without_progress_is_written_only_as_often_as_asked(db) -> None:
    row = bulk_action()
    held = claims.claim(BULK_ACTIONS, row.pk, now=NOW)
    claims.heartbeat(held, now=NOW + dt.timedelta(seconds=30), every=dt.timedelta(minutes=1))
    assert BulkAction.objects.get(pk=row.pk).heartbeat_at == NOW
    claims.heartbeat(held, now=NOW + dt.timedelta(minutes=2), every=dt.timedelta(minutes=1))
    assert BulkAction.objects.get(pk=row.pk).heartbeat_at == NOW + dt.timedelta(minutes=2)


@pytest.mark.django_db
def test_a_chunk_still_reporting_batches_is_not_swept_however_long_it_runs() -> None:
    """Claimed 20 minutes ago (twice STALE_AFTER), but it commits a batch now and then: the
    sweeper leaves it running, so no second worker processes the same cases."""
    for _ in range(3):
        make_case(dpd=45)
    run = escalation_run_start(run_date=day(1), enqueue=False)
    chunk = run.chunks.get()
    seen_by_sweeper = []

    def sweep_meanwhile(chunk):
        seen_by_sweeper.append(escalation_runs_resume())

    escalation_chunk_process(
        chunk_id=chunk.pk,
        now=timezone.now() - dt.timedelta(minutes=20),
        batch_size=1,
        after_batch=sweep_meanwhile,
    )
    assert seen_by_sweeper == [[], [], []]
    chunk.refresh_from_db()
    assert (chunk.status, chunk.attempts, chunk.cases_seen) == ("done", 1, 3)


@pytest.mark.django_db
def test_a_bulk_action_swept_while_its_worker_lived_is_finished_by_the_new_claim_only() -> None:
    action = bulk_action()
    stale = claims.claim(BULK_ACTIONS, action.pk, now=NOW - 2 * STALE_AFTER)
    assert claims.sweep(BULK_ACTIONS).returned == [action.pk]
    result = bulk_action_run(action_id=action.pk)
    assert result is not None and result.status == "done"
    assert not claims.finish(stale, status="failed")
    assert status(action) == "done"


@pytest.mark.django_db
def test_a_webhook_event_is_taken_once_and_only_while_unprocessed() -> None:
    event = WebhookEvent.objects.create(provider="t", kind="sms.status", dedupe_key="k1")
    with transaction.atomic():
        assert claims.take(WEBHOOK_EVENTS, WebhookEvent.objects.filter(pk=event.pk)) == [event]
    WebhookEvent.objects.filter(pk=event.pk).update(processed_at=NOW)
    with transaction.atomic():
        assert claims.take(WEBHOOK_EVENTS, WebhookEvent.objects.filter(pk=event.pk)) == []


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_four_workers_claiming_one_row_at_once_one_wins() -> None:
    action = bulk_action()

    won = [c for c in in_threads(lambda: claims.claim(BULK_ACTIONS, action.pk), 4) if c]
    assert len(won) == 1
    assert BulkAction.objects.get(pk=action.pk).attempts == 1


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_taking_at_once_take_different_rows_and_neither_waits() -> None:
    WebhookEvent.objects.bulk_create(
        WebhookEvent(provider="t", kind="sms.status", dedupe_key=f"k{i}") for i in range(10)
    )

    both_hold = threading.Barrier(2)

    def worker():
        with transaction.atomic():
            taken = claims.take(WEBHOOK_EVENTS, limit=5)
            both_hold.wait(timeout=10)  # both hold their rows at the same time
            return {e.pk for e in taken}

    first, second = in_threads(worker, 2)
    assert len(first) == len(second) == 5
    assert not first & second
