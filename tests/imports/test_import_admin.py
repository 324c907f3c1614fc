"""The import from admin: a supervisor uploads, a worker imports, the job's page follows the
progress and hands out the error report."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from collections_app.models import ImportJob, Loan
from collections_app.services.imports import import_job_run
from collections_app.tasks import run_import_job
from tests.factories import make_user
from tests.imports.files import MIXED

ADD = reverse("admin:collections_app_importjob_add")


def page(job: ImportJob) -> str:
    return reverse("admin:collections_app_importjob_change", args=[job.pk])


def errors_url(job: ImportJob) -> str:
    return reverse("admin:collections_app_importjob_errors", args=[job.pk])


class WorkerDied(BaseException):
    pass


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def boss(client, db):
    client.force_login(make_user("boss", "supervisor"))
    return client


def test_a_supervisor_uploads_a_file_and_the_worker_imports_it(boss) -> None:
    assert boss.get(ADD).status_code == 200

    response = boss.post(ADD, {"upload": SimpleUploadedFile("march.csv", MIXED), "format": ""})

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == page(job)
    assert (job.status, job.file_name, job.format, job.requested_by.username) == (
        "queued",
        "march.csv",
        "csv",
        "boss",
    )
    waiting = boss.get(page(job)).content.decode()
    assert 'http-equiv="refresh"' in waiting  # follows the job until it ends
    assert "Queued" in waiting

    run_import_job(job.pk)  # what the worker runs

    done = boss.get(page(job)).content.decode()
    assert 'http-equiv="refresh"' not in done
    assert 'value="100"' in done
    assert "6 of about 6 rows (100%)" in done
    assert "2 rows rejected" in done
    assert "so far" not in done  # it has ended
    assert "Loans: 4 created, 0 updated, 0 unchanged." in done
    assert Loan.objects.count() == 4

    report = boss.get(errors_url(job))
    assert report.status_code == 200
    assert report["Content-Type"] == "text/csv"
    assert f"import-{job.pk}-errors.csv" in report["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(report.streaming_content).decode())))
    assert [r[:2] for r in rows] == [
        ["line", "field"],
        ["3", "phone1"],
        ["6", "currency"],
        ["6", "balance_principal"],
    ]


def test_the_page_shows_the_progress_of_a_running_job(boss) -> None:
    boss.post(ADD, {"upload": SimpleUploadedFile("march.csv", MIXED), "format": "csv"})
    job = ImportJob.objects.get()

    def die(job_row, chunk) -> None:
        raise WorkerDied

    with pytest.raises(WorkerDied):
        import_job_run(job_id=job.pk, chunk_rows=2, after_chunk=die)

    running = boss.get(page(job)).content.decode()
    assert "Running" in running
    assert 'http-equiv="refresh"' in running
    # 2 rows done; the total estimated from the bytes read so far, the bar by the bytes.
    job.refresh_from_db()
    assert f"2 of about {job.rows_estimate} rows ({round(100 * job.bytes_done / len(MIXED))}%)" in (
        running
    )
    assert "1 row rejected so far" in running
    report = b"".join(boss.get(errors_url(job)).streaming_content).decode()
    assert report.splitlines()[1].startswith("3,phone1,")


def test_a_file_with_an_unknown_column_is_refused_on_the_form(boss) -> None:
    bad = MIXED.replace(b"currency", b"ccy", 1)

    response = boss.post(ADD, {"upload": SimpleUploadedFile("march.csv", bad), "format": ""})

    assert response.status_code == 200
    assert "ccy: unknown column" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_file_name_that_says_no_format_asks_for_one(boss) -> None:
    response = boss.post(ADD, {"upload": SimpleUploadedFile("march.xlsx", MIXED), "format": ""})

    assert response.status_code == 200
    assert "Choose the format" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_an_agent_may_neither_import_nor_read_a_report(client) -> None:
    job = ImportJob.objects.create(file_name="p.csv", format="csv")
    client.force_login(make_user("a1", "agent"))
    assert client.get(ADD).status_code == 403
    assert client.get(errors_url(job)).status_code == 403
    upload = client.post(ADD, {"upload": SimpleUploadedFile("p.csv", MIXED), "format": ""})
    assert upload.status_code == 403
    assert ImportJob.objects.count() == 1
