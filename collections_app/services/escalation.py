"""The nightly escalation run: plan chunks, claim and process them, finish, resume after a crash.

A run is one row per date (a unique constraint: two beat processes firing at once make one run).
Its chunks are rows too; the broker only carries their ids. A worker claims a chunk with a
conditional update, processes it batch by batch (each batch one transaction that also records the
chunk's progress), so a crash loses at most the batch in flight and a resumed chunk carries on
after the last committed batch. Re-running a date writes nothing new: see policies/stages.py.
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections import Counter
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from collections_app import claims
from collections_app.models import CollectionCase, EscalationChunk, EscalationRun
from collections_app.policies.evaluate import PolicyBook
from collections_app.services.escalation_batch import dry_run_guard, process_batch
from collections_app.services.escalation_signals import current_policies
from collections_app.states import ACTIVE_STATES

CHUNK_SIZE = getattr(settings, "ESCALATION_CHUNK_SIZE", 10000)
BATCH_SIZE = getattr(settings, "ESCALATION_BATCH_SIZE", 2000)
# A chunk whose worker has not reported a batch for this long has lost its worker (a batch takes
# seconds); a pending chunk nobody took for this long had its task lost.
STALE_AFTER = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 3

CHUNKS = claims.WorkKind(
    name="escalation chunk",
    model=EscalationChunk,
    waiting=Q(status=EscalationChunk.Status.PENDING),
    running=Q(status=EscalationChunk.Status.RUNNING),
    claims={"status": EscalationChunk.Status.RUNNING},
    releases={"status": EscalationChunk.Status.PENDING},
    stale_after=lambda: STALE_AFTER,
    lost_after=lambda: STALE_AFTER,
    # Never claimed: waiting since its run started.
    waiting_since=("heartbeat_at", "run__started_at"),
    enqueue_where=lambda: Q(run__status=EscalationRun.Status.RUNNING),
)


def _plan_chunks(run: EscalationRun, chunk_size: int) -> list[EscalationChunk]:
    """Contiguous id ranges of `chunk_size` active cases, streamed: memory flat in N."""
    chunks: list[EscalationChunk] = []
    first = last = None
    count = 0
    ids = (
        CollectionCase.objects.filter(state__in=ACTIVE_STATES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for case_id in ids.iterator(chunk_size=10_000):
        first = case_id if first is None else first
        last = case_id
        count += 1
        if count == chunk_size:
            chunks.append(
                EscalationChunk(
                    run=run, sequence=len(chunks), first_case_id=first, last_case_id=last
                )
            )
            first, count = None, 0
    if first is not None:
        chunks.append(
            EscalationChunk(run=run, sequence=len(chunks), first_case_id=first, last_case_id=last)
        )
    return chunks


def escalation_run_start(
    *,
    run_date: dt.date | None = None,
    chunk_size: int | None = None,
    enqueue: bool = True,
) -> EscalationRun:
    """Create the run for `run_date` with its chunks, or return the existing one (re-enqueueing
    its pending chunks, so firing it again resumes a run whose tasks were lost)."""
    run_date = run_date or timezone.localdate()
    existing = EscalationRun.objects.filter(run_date=run_date).first()
    if existing is not None:
        if enqueue and existing.status == EscalationRun.Status.RUNNING:
            _enqueue(
                list(
                    existing.chunks.filter(status=EscalationChunk.Status.PENDING).values_list(
                        "pk", flat=True
                    )
                )
            )
        return existing
    try:
        with transaction.atomic():
            run = EscalationRun.objects.create(run_date=run_date)
            chunks = _plan_chunks(run, chunk_size or CHUNK_SIZE)
            EscalationChunk.objects.bulk_create(chunks, batch_size=1000)
            run.chunk_count = len(chunks)
            run.save(update_fields=["chunk_count"])
            if not chunks:
                escalation_run_finish_if_complete(run_id=run.pk)
            if enqueue:
                ids = list(run.chunks.values_list("pk", flat=True))
                transaction.on_commit(lambda: _enqueue(ids))
    except IntegrityError:
        # Another process created this date's run between our check and insert: it owns it.
        return EscalationRun.objects.get(run_date=run_date)
    run.refresh_from_db()
    return run


def _enqueue(chunk_ids: list[int]) -> None:
    from collections_app.tasks import process_escalation_chunk

    for chunk_id in chunk_ids:
        process_escalation_chunk.delay(chunk_id)


def escalation_chunk_process(
    *,
    chunk_id: int,
    now: dt.datetime | None = None,
    batch_size: int | None = None,
    after_batch: Callable[[EscalationChunk], None] | None = None,
) -> EscalationChunk | None:
    """Claim the chunk (only one worker gets it) and process it. A failure puts it back to
    pending (the task retries it) until MAX_ATTEMPTS, then marks it failed."""
    now = now or timezone.now()
    held = claims.claim(CHUNKS, chunk_id, now=now)
    if held is None:
        return None  # taken, done, or gone: a redelivered task does nothing
    chunk = EscalationChunk.objects.select_related("run").get(pk=chunk_id)
    try:
        _process_chunk(chunk, held, batch_size or BATCH_SIZE, after_batch)
    except claims.ClaimLost:
        return None  # swept as stale and maybe taken by another worker, which carries on
    except Exception:
        status = (
            EscalationChunk.Status.PENDING
            if chunk.attempts < MAX_ATTEMPTS
            else EscalationChunk.Status.FAILED
        )
        claims.finish(held, status=status, error=traceback.format_exc()[-4000:])
        escalation_run_finish_if_complete(run_id=chunk.run_id)
        raise
    claims.finish(held, status=EscalationChunk.Status.DONE, finished_at=timezone.now(), error="")
    escalation_run_finish_if_complete(run_id=chunk.run_id)
    chunk.refresh_from_db()
    return chunk


def _process_chunk(
    chunk: EscalationChunk, held: claims.Claim, batch_size: int, after_batch: Callable | None
) -> None:
    book = PolicyBook(current_policies())
    run_info = {"run": chunk.run_id, "run_date": chunk.run.run_date.isoformat()}
    # Carry on after the last batch a previous attempt committed.
    start = max(chunk.first_case_id, (chunk.stats.get("_after_id") or 0) + 1)
    while True:
        with transaction.atomic():
            last_id, counts = process_batch(
                first_id=start,
                last_id=chunk.last_case_id,
                limit=batch_size,
                today=chunk.run.run_date,
                book=book,
                run=run_info,
            )
            if last_id is None:
                return
            stats = Counter(chunk.stats)
            stats.update(counts)
            stats["_after_id"] = last_id
            chunk.stats = dict(stats)
            chunk.cases_seen = stats["cases_seen"]
            # The batch's progress and the heartbeat in one write; a claim lost meanwhile
            # rolls the batch back (whoever has the chunk now does it).
            claims.heartbeat(held, stats=chunk.stats, cases_seen=chunk.cases_seen)
        if after_batch is not None:
            after_batch(chunk)
        start = last_id + 1


def escalation_run_finish_if_complete(*, run_id: int) -> EscalationRun | None:
    """When no chunk is pending or running, sum the chunks into the run and close it (once)."""
    open_chunks = EscalationChunk.objects.filter(
        run_id=run_id,
        status__in=(EscalationChunk.Status.PENDING, EscalationChunk.Status.RUNNING),
    )
    if open_chunks.exists():
        return None
    totals: Counter = Counter()
    failed = 0
    for status, stats in EscalationChunk.objects.filter(run_id=run_id).values_list(
        "status", "stats"
    ):
        failed += status == EscalationChunk.Status.FAILED
        totals.update({k: v for k, v in stats.items() if not k.startswith("_")})
    transitions = {k.split(":", 1)[1]: v for k, v in totals.items() if k.startswith("transition:")}
    closed = EscalationRun.objects.filter(pk=run_id, status=EscalationRun.Status.RUNNING).update(
        status=EscalationRun.Status.DONE_WITH_ERRORS if failed else EscalationRun.Status.DONE,
        finished_at=timezone.now(),
        cases_seen=totals.get("cases_seen", 0),
        transitions=transitions,
        totals={k: v for k, v in totals.items() if not k.startswith("transition:")},
        errors=failed,
    )
    return EscalationRun.objects.get(pk=run_id) if closed else None


def escalation_runs_resume(*, now: dt.datetime | None = None) -> list[int]:
    """Sweeper: chunks whose worker stopped reporting go back to pending; returns the ids of
    pending chunks nobody has touched for STALE_AFTER (their task was lost), for the caller to
    enqueue. A chunk still waiting its turn in the queue is left alone, so the queue does not
    fill with copies."""
    return claims.sweep(CHUNKS, now=now).lost


def escalation_chunks_retry_failed(*, run_id: int) -> list[int]:
    """Admin: give failed chunks another go (the run reopens until they finish)."""
    with transaction.atomic():
        ids = list(
            EscalationChunk.objects.filter(
                run_id=run_id, status=EscalationChunk.Status.FAILED
            ).values_list("pk", flat=True)
        )
        if ids:
            EscalationChunk.objects.filter(pk__in=ids).update(
                status=EscalationChunk.Status.PENDING, attempts=0
            )
            EscalationRun.objects.filter(pk=run_id).update(
                status=EscalationRun.Status.RUNNING, finished_at=None
            )
            transaction.on_commit(lambda: _enqueue(ids))
    return ids


def escalation_run_work(*, run_id: int) -> int:
    """Process this run's pending chunks in this process until none is left (the management
    command, and the benchmark's workers). Safe alongside Celery workers: chunks are claimed."""
    done = 0
    while True:
        chunk_id = (
            EscalationChunk.objects.filter(run_id=run_id, status=EscalationChunk.Status.PENDING)
            .order_by("sequence")
            .values_list("pk", flat=True)
            .first()
        )
        if chunk_id is None:
            return done
        if escalation_chunk_process(chunk_id=chunk_id) is not None:
            done += 1


def escalation_dry_run(*, run_date: dt.date, batch_size: int | None = None) -> Counter:
    """Everything a run would do for `run_date`, computed and rolled back batch by batch."""
    book = PolicyBook(current_policies())
    totals: Counter = Counter()
    start, end = 0, 2**62
    while True:
        with transaction.atomic():
            last_id, counts = process_batch(
                first_id=start,
                last_id=end,
                limit=batch_size or BATCH_SIZE,
                today=run_date,
                book=book,
                run={"run": None, "run_date": run_date.isoformat(), "dry_run": True},
            )
            dry_run_guard()
        if last_id is None:
            return totals
        totals.update(counts)
        start = last_id + 1
