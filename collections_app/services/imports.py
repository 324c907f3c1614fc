"""Portfolio import jobs: requested from admin (an upload) or the management command, run by a
worker, claimed through claims.py.

A job is one `ImportJob` row. Its worker claims it, reads the file on from the job's committed
position and commits chunk by chunk (imports/pipeline.py): each chunk's borrowers and loans, its
rejected rows (`ImportProblem`) and the job's new position and counts in one transaction, with
the claim's heartbeat. A worker that dies loses at most the chunk in flight; the sweeper puts the
job back in the queue and the next claim reads on from the last committed chunk.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from collections_app import claims
from collections_app.imports.pipeline import CHUNK_ROWS, Chunk, Position, portfolio_import
from collections_app.imports.portfolio import FileProblem
from collections_app.imports.report import report_row
from collections_app.models import ImportJob, ImportProblem
from collections_app.problems import Problem

logger = logging.getLogger(__name__)

# A job heartbeats with every chunk (about a second each): one silent for this long has lost its
# worker. A queued job nobody took for a minute had its task lost.
STALE_AFTER = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 5
# Problems kept per job for the error report; rows past it are still counted as rejected.
MAX_PROBLEMS = getattr(settings, "IMPORT_MAX_PROBLEMS", 100_000)

IMPORT_JOBS = claims.WorkKind(
    name="import job",
    model=ImportJob,
    waiting=Q(status=ImportJob.Status.QUEUED),
    running=Q(status=ImportJob.Status.RUNNING),
    claims={"status": ImportJob.Status.RUNNING},
    releases={"status": ImportJob.Status.QUEUED},
    claimed_at="started_at",
    stale_after=lambda: STALE_AFTER,
    lost_after=lambda: dt.timedelta(minutes=1),
    waiting_since=("heartbeat_at", "created_at"),
)


def import_job_request(
    *,
    upload: UploadedFile,
    format: str,
    actor: AbstractBaseUser | None,
    dry_run: bool = False,
) -> ImportJob:
    """Store the uploaded file with a queued job, and have a worker run it."""
    from collections_app.tasks import run_import_job

    with transaction.atomic():
        job = ImportJob(
            file_name=Path(upload.name or "upload").name[:255],
            format=format,
            dry_run=dry_run,
            requested_by=actor,
            size_bytes=upload.size or 0,
        )
        job.file.save(Path(upload.name or "upload").name, upload, save=False)
        job.save()
        transaction.on_commit(lambda: run_import_job.delay(job.pk))
    return job


def import_job_for_path(*, path: Path, format: str, dry_run: bool = False) -> ImportJob:
    """A job for a file read where it is (the management command runs it in its own process:
    no upload, no worker)."""
    return ImportJob.objects.create(
        file_name=str(path)[-255:],
        format=format,
        dry_run=dry_run,
        size_bytes=path.stat().st_size,
    )


def import_job_run(
    *,
    job_id: int,
    stream: BinaryIO | None = None,
    chunk_rows: int = CHUNK_ROWS,
    after_chunk: Callable[[ImportJob, Chunk], None] | None = None,
) -> ImportJob | None:
    """Claim the job (only one worker gets it) and import its file from where the last claim
    stopped. None when another worker has it, or it is done or gone. `stream` is the file for a
    command-line job (its file is not stored); `after_chunk` sees each committed chunk."""
    held = claims.claim(IMPORT_JOBS, job_id)
    if held is None:
        return None
    job = ImportJob.objects.get(pk=job_id)
    if job.attempts > MAX_ATTEMPTS:
        return _finish(held, job, failed=_("Gave up after %(n)d attempts.") % {"n": MAX_ATTEMPTS})
    try:
        with _open(job, stream) as file:
            for chunk in _chunks(job, held, file, chunk_rows):
                if after_chunk is not None:
                    after_chunk(job, chunk)
    except claims.ClaimLost:
        return None  # swept as stale; whoever has the job now carries on
    except FileProblem as problem:
        _record_problems(job, problem.line, problem.problems)
        return _finish(held, job, failed=str(problem))
    except _NoFile as gone:
        return _finish(held, job, failed=str(gone))
    except Exception:
        # A database or worker error, not the file's: back to the queue (the sweeper enqueues
        # it again in a minute) to resume after the last committed chunk.
        logger.exception("import job %s failed at line %s", job.pk, job.lines_done)
        claims.finish(held, status=ImportJob.Status.QUEUED, error=traceback.format_exc()[-4000:])
        raise
    return _finish(held, job)


class _NoFile(Exception):
    pass


@contextmanager
def _open(job: ImportJob, stream: BinaryIO | None) -> Iterator[BinaryIO]:
    if stream is not None:
        yield stream
        return
    if not job.file:
        # A command-line import whose process stopped: only the command has the file.
        raise _NoFile(
            _(
                "The command-line import stopped after line %(line)d. Run the command again: "
                "the rows already imported are left as they are."
            )
            % {"line": job.lines_done}
        )
    try:
        file = job.file.open("rb")
    except FileNotFoundError:
        raise _NoFile(_("The uploaded file is gone from the server.")) from None
    try:
        yield file
    finally:
        file.close()


def _chunks(job: ImportJob, held: claims.Claim, file: BinaryIO, chunk_rows: int) -> Iterator[Chunk]:
    problems_kept = ImportProblem.objects.filter(job=job).count()
    last = time.perf_counter()

    def record(chunk: Chunk) -> None:
        nonlocal problems_kept, last
        room = max(0, MAX_PROBLEMS - problems_kept)
        problems = [
            _problem(job, rejected.line, problem)
            for rejected in chunk.rejected
            for problem in rejected.problems
        ][:room]
        ImportProblem.objects.bulk_create(problems)
        problems_kept += len(problems)
        counts = {kind: Counter(job.counts.get(kind, {})) for kind in ("borrowers", "loans")}
        for kind, counter in chunk.counts.items():
            counts[kind].update(counter)
        now = time.perf_counter()
        job.counts = {kind: dict(counter) for kind, counter in counts.items()}
        job.bytes_done, job.lines_done = chunk.end.offset, chunk.end.line
        job.rows_done += chunk.size
        job.rows_rejected += len(chunk.rejected)
        job.seconds += now - last
        last = now
        # The chunk's progress and the heartbeat in one write; a claim lost meanwhile rolls
        # the chunk back (whoever has the job now writes it).
        claims.heartbeat(
            held,
            counts=job.counts,
            bytes_done=job.bytes_done,
            lines_done=job.lines_done,
            rows_done=job.rows_done,
            rows_rejected=job.rows_rejected,
            seconds=job.seconds,
        )

    yield from portfolio_import(
        file,
        format=job.format,
        source=job.source,
        dry_run=job.dry_run,
        start=Position(job.bytes_done, job.lines_done),
        chunk_rows=chunk_rows,
        on_chunk=record,
    )


def _problem(job: ImportJob, line: int, problem: Problem) -> ImportProblem:
    line, path, message = report_row(line, problem.path, problem.message)
    return ImportProblem(job=job, line=line, path=path, message=message)


def _record_problems(job: ImportJob, line: int, problems: list[Problem]) -> None:
    ImportProblem.objects.bulk_create(_problem(job, line, p) for p in problems)


def _finish(held: claims.Claim, job: ImportJob, *, failed: str = "") -> ImportJob | None:
    now = timezone.now()
    if failed:
        done = claims.finish(held, status=ImportJob.Status.FAILED, error=failed, finished_at=now)
    else:
        done = claims.finish(held, status=ImportJob.Status.DONE, error="", finished_at=now)
    if not done:
        return None
    job.refresh_from_db()
    if job.status == ImportJob.Status.DONE and job.file:
        # It is full of personal data and nothing reads it again: the report keeps the lines.
        job.file.delete(save=True)
    return job


def import_job_resume(*, job_id: int) -> bool:
    """Admin: queue a failed job again; it reads on from its last committed chunk."""
    from collections_app.tasks import run_import_job

    with transaction.atomic():
        queued = (
            ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.FAILED)
            .exclude(file="")
            .update(status=ImportJob.Status.QUEUED, attempts=0, error="")
        )
        if queued:
            transaction.on_commit(lambda: run_import_job.delay(job_id))
    return bool(queued)


def import_jobs_requeue_stale(*, now: dt.datetime | None = None) -> list[int]:
    """Sweeper: running jobs whose worker stopped reporting go back to the queue; returns the
    queued jobs whose task was lost, to enqueue again."""
    return claims.sweep(IMPORT_JOBS, now=now).lost


def import_problems_report(job: ImportJob) -> Iterator[tuple[int, str, str]]:
    """The error report's rows, in line order: (line, field, message)."""
    rows = (
        ImportProblem.objects.filter(job=job)
        .order_by("line", "pk")
        .values_list("line", "path", "message")
    )
    yield from rows.iterator(chunk_size=2000)
