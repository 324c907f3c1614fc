"""The import job: claimed through claims.py, a chunk per transaction with its heartbeat, and a
job whose worker died carrying on after its last committed chunk, never from the start."""

import datetime as dt
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from collections_app import claims
from collections_app.models import ImportJob, ImportProblem, Loan
from collections_app.services.imports import (
    IMPORT_JOBS,
    STALE_AFTER,
    import_job_request,
    import_job_run,
    import_jobs_requeue_stale,
)
from tests.imports.files import MIXED, portfolio, row


class WorkerDied(BaseException):
    """What a killed worker looks like from inside: nothing of ours catches it."""


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(data: bytes = MIXED, name: str = "portfolio.csv") -> ImportJob:
    return import_job_request(upload=SimpleUploadedFile(name, data), format="csv", actor=None)


def die_after(chunks: int):
    seen = []

    def after_chunk(job, chunk) -> None:
        seen.append(chunk)
        if len(seen) == chunks:
            raise WorkerDied

    return after_chunk, seen


@pytest.mark.django_db
def test_a_job_imports_its_file_and_deletes_it_when_done() -> None:
    job = upload()
    stored = job.file.path

    done = import_job_run(job_id=job.pk, chunk_rows=2)

    assert (done.status, done.rows_done, done.rows_rejected, done.lines_done) == ("done", 6, 2, 7)
    assert done.bytes_done == done.size_bytes == len(MIXED)
    assert Loan.objects.count() == 4
    assert not done.file
    assert not os.path.exists(stored)
    # A task delivered again finds the job done and does nothing.
    assert import_job_run(job_id=job.pk) is None


@pytest.mark.django_db
def test_a_job_whose_worker_died_resumes_after_its_last_committed_chunk() -> None:
    job = upload(portfolio([row(n) for n in range(1, 11)] + [row(11, phone1="1")]))
    after_chunk, _ = die_after(2)

    with pytest.raises(WorkerDied):
        import_job_run(job_id=job.pk, chunk_rows=3, after_chunk=after_chunk)

    job.refresh_from_db()
    assert (job.status, job.rows_done, job.lines_done) == ("running", 6, 7)
    assert Loan.objects.count() == 6
    # Not swept while its heartbeat is fresh; once it is stale, back in the queue, to enqueue.
    assert import_jobs_requeue_stale() == []
    later = timezone.now() + STALE_AFTER + dt.timedelta(minutes=2)
    assert import_jobs_requeue_stale(now=later) == [job.pk]
    job.refresh_from_db()
    assert job.status == "queued"

    second_attempt = []
    done = import_job_run(
        job_id=job.pk, chunk_rows=3, after_chunk=lambda j, c: second_attempt.append(c)
    )

    # The second attempt read on from line 8: rows 1-6 were neither read nor written again.
    assert [c.rows[0].line for c in second_attempt if c.rows] == [8, 11]
    assert (done.status, done.attempts, done.rows_done, done.rows_rejected) == ("done", 2, 11, 1)
    assert done.counts["loans"] == {"created": 10}
    assert Loan.objects.count() == 10
    assert list(ImportProblem.objects.filter(job=job).values_list("line", "path")) == [
        (12, "phone1")
    ]


@pytest.mark.django_db
def test_a_worker_that_lost_its_claim_writes_nothing_more() -> None:
    job = upload(portfolio([row(n) for n in range(1, 7)]))
    taken_over = []

    def another_worker_takes_it(job_row, chunk) -> None:
        if not taken_over:
            # Swept as stale (a long pause) and claimed by another worker meanwhile.
            ImportJob.objects.filter(pk=job_row.pk).update(status="queued")
            taken_over.append(claims.claim(IMPORT_JOBS, job_row.pk))

    assert import_job_run(job_id=job.pk, chunk_rows=2, after_chunk=another_worker_takes_it) is None

    # The first chunk committed before the takeover; the next one rolled back with its lost
    # heartbeat, for the worker that has the job now.
    assert sorted(Loan.objects.values_list("external_id", flat=True)) == ["L-1", "L-2"]
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.attempts) == ("running", 2, 2)


@pytest.mark.django_db
def test_a_file_that_cannot_be_read_fails_the_job_with_its_problems() -> None:
    job = upload(b"borrower_external_id,loan_id\nB-1,L-1\n")

    done = import_job_run(job_id=job.pk)

    assert done.status == "failed"
    assert "loan_id: unknown column" in done.error
    assert list(done.problems.values_list("line", "path")) == [
        (1, "loan_id"),
        (1, "loan_external_id"),
    ]
    assert done.file  # kept: nothing of it was imported


@pytest.mark.django_db
def test_a_command_line_job_whose_process_stopped_is_failed_with_what_to_do(tmp_path) -> None:
    from collections_app.services.imports import import_job_for_path

    path = tmp_path / "p.csv"
    path.write_bytes(portfolio([row(n) for n in range(1, 5)]))
    job = import_job_for_path(path=path, format="csv")
    after_chunk, _ = die_after(1)
    with path.open("rb") as stream, pytest.raises(WorkerDied):
        import_job_run(job_id=job.pk, stream=stream, chunk_rows=2, after_chunk=after_chunk)

    later = timezone.now() + STALE_AFTER + dt.timedelta(minutes=5)
    import_jobs_requeue_stale(now=later)
    done = import_job_run(job_id=job.pk)  # the sweeper's task, in a worker without the file

    assert done.status == "failed"
    assert "stopped after line 3" in done.error
    assert "Run the command again" in done.error


@pytest.mark.django_db
def test_a_dry_run_job_counts_and_reports_but_writes_no_loan() -> None:
    job = import_job_request(
        upload=SimpleUploadedFile("p.csv", MIXED), format="csv", actor=None, dry_run=True
    )

    done = import_job_run(job_id=job.pk)

    assert done.counts["loans"] == {"created": 4}
    assert done.rows_rejected == 2
    assert not Loan.objects.exists()


@pytest.mark.django_db
def test_an_error_of_ours_puts_the_job_back_in_the_queue_to_carry_on() -> None:
    job = upload(portfolio([row(n) for n in range(1, 5)]))

    def database_went_away(job_row, chunk) -> None:
        raise ConnectionError("server closed the connection")

    with pytest.raises(ConnectionError):
        import_job_run(job_id=job.pk, chunk_rows=2, after_chunk=database_went_away)

    job.refresh_from_db()
    assert (job.status, job.rows_done) == ("queued", 2)
    assert "server closed the connection" in job.error
    done = import_job_run(job_id=job.pk, chunk_rows=2)
    assert (done.status, done.rows_done, done.error) == ("done", 4, "")
    assert done.counts["loans"] == {"created": 4}


@pytest.mark.django_db
def test_a_job_that_keeps_dying_is_given_up_and_a_supervisor_resumes_it(client) -> None:
    from django.urls import reverse

    from collections_app.services.imports import MAX_ATTEMPTS
    from tests.factories import make_user

    job = upload()
    ImportJob.objects.filter(pk=job.pk).update(attempts=MAX_ATTEMPTS)

    given_up = import_job_run(job_id=job.pk)

    assert given_up.status == "failed"
    assert "Gave up after 5 attempts" in given_up.error
    client.force_login(make_user("boss", "supervisor"))
    listing = reverse("admin:collections_app_importjob_changelist")
    response = client.post(listing, {"action": "resume_jobs", "_selected_action": [job.pk]})
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == ("queued", 0, "")
    assert import_job_run(job_id=job.pk).status == "done"
