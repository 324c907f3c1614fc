"""Two beat processes, two workers, a worker killed mid-chunk: one run, each case once."""

import datetime as dt

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from collections_app.models import CaseEvent, EscalationChunk, EscalationRun, OutboundMessage
from collections_app.policies.defaults import install_default_policies
from collections_app.services.escalation import (
    STALE_AFTER,
    escalation_chunk_process,
    escalation_run_start,
    escalation_run_work,
    escalation_runs_resume,
)
from collections_app.states import CaseState
from tests.escalation_helpers import day, make_case, run_night
from tests.threads import in_threads


def _each_case_moved_once(cases):
    for case in cases:
        moves = case.events.filter(kind=CaseEvent.Kind.TRANSITION, reason__startswith="Nightly")
        assert moves.count() == 1, case.pk


@pytest.mark.django_db(transaction=True)
def test_two_beat_processes_and_two_workers_make_one_run_and_move_each_case_once() -> None:
    install_default_policies(django_apps)  # transactional tests start from a flushed database
    cases = [make_case(dpd=45) for _ in range(12)]
    run_date = day(1)

    # when: two beat processes fire at the same moment
    runs = in_threads(lambda: escalation_run_start(run_date=run_date, chunk_size=3, enqueue=False))
    # then: one run, one set of chunks
    assert runs[0].pk == runs[1].pk
    assert EscalationRun.objects.count() == 1
    assert EscalationChunk.objects.count() == 4

    # when: two workers work the run at the same time
    done = in_threads(lambda: escalation_run_work(run_id=runs[0].pk))
    # then: the chunks were shared out, each processed once, each case moved once
    assert sum(done) == 4
    run = EscalationRun.objects.get()
    assert run.status == EscalationRun.Status.DONE
    assert run.cases_seen == 12
    assert run.transitions == {"escalate": 12}
    _each_case_moved_once(cases)
    assert OutboundMessage.objects.count() == 24  # escalation day 0: voice + email


class WorkerKilled(BaseException):
    """Not an Exception: like SIGKILL, nothing in the service gets to clean up."""


@pytest.mark.django_db
def test_a_run_crashed_mid_chunk_resumes_where_it_stopped() -> None:
    cases = [make_case(dpd=45) for _ in range(6)]
    run = escalation_run_start(run_date=day(1), chunk_size=6, enqueue=False)
    chunk = run.chunks.get()

    def kill_after_first_batch(chunk):
        raise WorkerKilled

    # when: the worker dies after committing its first batch of 2 cases
    with pytest.raises(WorkerKilled):
        escalation_chunk_process(
            chunk_id=chunk.pk, batch_size=2, after_batch=kill_after_first_batch
        )
    chunk.refresh_from_db()
    assert chunk.status == EscalationChunk.Status.RUNNING
    assert chunk.cases_seen == 2
    moved = [c for c in cases if c.events.filter(reason__startswith="Nightly").exists()]
    assert len(moved) == 2

    # then: nothing picks it up while its worker might still be alive...
    assert escalation_runs_resume() == []
    # ...and the sweeper puts it back once it is stale; the run finishes from where it stopped
    later = timezone.now() + STALE_AFTER + dt.timedelta(seconds=1)
    assert escalation_runs_resume(now=later) == [chunk.pk]
    escalation_run_work(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == EscalationRun.Status.DONE
    assert run.cases_seen == 6  # the resumed attempt did not count the first batch twice
    assert run.transitions == {"escalate": 6}
    _each_case_moved_once(cases)
    for case in cases:
        case.refresh_from_db()
        assert case.state == CaseState.ESCALATION


@pytest.mark.django_db
def test_a_chunk_that_keeps_failing_is_marked_failed_and_the_run_reports_it(monkeypatch) -> None:
    from collections_app.services import escalation

    make_case(dpd=45)
    run = escalation_run_start(run_date=day(1), enqueue=False)
    chunk = run.chunks.get()

    def broken(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(escalation, "process_batch", broken)
    for _ in range(escalation.MAX_ATTEMPTS):
        with pytest.raises(RuntimeError):
            escalation_chunk_process(chunk_id=chunk.pk)
    chunk.refresh_from_db()
    assert (chunk.status, chunk.attempts) == (EscalationChunk.Status.FAILED, 3)
    run.refresh_from_db()
    assert run.status == EscalationRun.Status.DONE_WITH_ERRORS
    assert run.errors == 1

    # an admin retries the failed chunk once the cause is fixed
    monkeypatch.undo()
    from collections_app.services.escalation import escalation_chunks_retry_failed

    assert escalation_chunks_retry_failed(run_id=run.pk) == [chunk.pk]
    escalation_run_work(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.errors, run.transitions) == (
        EscalationRun.Status.DONE,
        0,
        {"escalate": 1},
    )


@pytest.mark.django_db
def test_a_redelivered_chunk_task_does_nothing() -> None:
    make_case(dpd=45)
    run = run_night(day(1))
    chunk = run.chunks.get()
    assert escalation_chunk_process(chunk_id=chunk.pk) is None


@pytest.mark.django_db
def test_a_case_that_changed_state_during_the_batch_is_not_overwritten(monkeypatch) -> None:
    """The guarded UPDATE (`state=<source>` in its WHERE) notices; the batch rolls back whole
    and the chunk is retried, deciding again from the case's new state."""
    from collections_app.models import CollectionCase
    from collections_app.services import escalation_batch

    cases = [make_case(dpd=45) for _ in range(3)]
    evaluate = escalation_batch._evaluate

    def agent_acts_meanwhile(rows, *args):
        decisions = evaluate(rows, *args)
        # an agent resolves one case after the batch read it (the same connection here, so
        # the row lock that would make a real agent wait does not apply)
        CollectionCase.objects.filter(pk=cases[1].pk).update(state=CaseState.RESOLVED)
        return decisions

    monkeypatch.setattr(escalation_batch, "_evaluate", agent_acts_meanwhile)
    run = escalation_run_start(run_date=day(1), enqueue=False)
    chunk = run.chunks.get()
    with pytest.raises(escalation_batch.ConcurrentBatchChange):
        escalation_chunk_process(chunk_id=chunk.pk)
    assert not CaseEvent.objects.filter(reason__startswith="Nightly").exists()
    chunk.refresh_from_db()
    assert chunk.status == EscalationChunk.Status.PENDING
    assert "changed state meanwhile" in chunk.error


@pytest.mark.django_db
def test_the_sweeper_requeues_only_chunks_left_untouched() -> None:
    make_case(dpd=45)
    run = escalation_run_start(run_date=day(1), enqueue=False)
    chunk = run.chunks.get()
    # just queued: its task is on its way, no copy
    assert escalation_runs_resume() == []
    # nobody took it for longer than STALE_AFTER: its task was lost, queue it again
    later = timezone.now() + STALE_AFTER + dt.timedelta(seconds=1)
    assert escalation_runs_resume(now=later) == [chunk.pk]
