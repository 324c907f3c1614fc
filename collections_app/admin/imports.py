"""Portfolio imports from admin: upload a file, watch the worker's progress, download the report.

Adding an import job is uploading its file (supervisors: `add_importjob`); the job's page shows
the progress bar and refreshes itself until the job ends; the error report (line, field, message)
downloads from there, also while the job runs (the problems of the chunks committed so far).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collections_app.imports.lines import read_lines
from collections_app.imports.portfolio import FileProblem, csv_read_header, guess_format
from collections_app.imports.report import HEADER
from collections_app.models import ImportJob
from collections_app.services.imports import (
    import_job_request,
    import_job_resume,
    import_problems_report,
)

# Problems shown on the job's page; the rest are in the report.
PROBLEMS_SHOWN = 20


class ImportUploadForm(forms.ModelForm):
    upload = forms.FileField(
        label=gettext_lazy("Portfolio file"),
        help_text=gettext_lazy(
            "CSV or JSON lines, one row per loan with its borrower (docs/import.md). Rows are "
            "upserted by the lender's ids: importing the same file again changes nothing."
        ),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("", gettext_lazy("From the file name")), *ImportJob.Format.choices],
        required=False,
    )

    class Meta:
        model = ImportJob
        fields = ("dry_run",)

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("upload")
        if upload is None:
            return data
        fmt = data.get("format") or guess_format(upload.name or "")
        if fmt is None:
            self.add_error(
                "format", _("Choose the format: the file name ends in neither .csv nor .jsonl.")
            )
            return data
        if not upload.size:
            self.add_error("upload", _("The file is empty."))
            return data
        data["format"] = fmt
        # The header is checked now, so a wrong file is refused here rather than by the worker.
        if fmt == ImportJob.Format.CSV:
            try:
                csv_read_header(read_lines(upload))
            except FileProblem as problem:
                self.add_error("upload", [str(p) for p in problem.problems])
            finally:
                upload.seek(0)
        return data


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    form = ImportUploadForm
    change_form_template = "admin/collections_app/importjob/change_form.html"
    list_display = (
        "id",
        "file_name",
        "status",
        "dry_run",
        "progress",
        "rows_done",
        "rows_rejected",
        "rate",
        "requested_by",
        "created_at",
    )
    list_filter = ("status", "dry_run")
    list_select_related = ("requested_by",)
    search_fields = ("file_name",)
    actions = ["resume_jobs"]
    readonly_fields = (
        "file_name",
        "format",
        "dry_run",
        "status",
        "error",
        "requested_by",
        "source",
        "rows_done",
        "rows_rejected",
        "counts",
        "size_bytes",
        "bytes_done",
        "lines_done",
        "attempts",
        "created_at",
        "started_at",
        "heartbeat_at",
        "finished_at",
    )

    def get_fields(self, request: HttpRequest, obj: ImportJob | None = None) -> Any:
        return ("upload", "format", "dry_run") if obj is None else self.readonly_fields

    def get_readonly_fields(self, request: HttpRequest, obj: ImportJob | None = None) -> Any:
        return () if obj is None else self.readonly_fields

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # written by its worker only

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # the record of what was imported, by whom, from which file

    def has_resume_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request)

    @admin.display(description=gettext_lazy("progress"))
    def progress(self, job: ImportJob) -> str:
        return f"{job.fraction_done:.0%}"

    @admin.display(description=gettext_lazy("rows/s"))
    def rate(self, job: ImportJob) -> str:
        return f"{job.rows_per_second:,.0f}"

    @admin.display(description=gettext_lazy("source"))
    def source(self, job: ImportJob) -> str:
        return job.source

    def save_model(self, request: HttpRequest, obj: ImportJob, form: Any, change: bool) -> None:
        job = import_job_request(
            upload=form.cleaned_data["upload"],
            format=form.cleaned_data["format"],
            actor=request.user,
            dry_run=form.cleaned_data.get("dry_run", False),
        )
        obj.pk = job.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # nothing related; the job is the service's

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        return super().log_addition(request, ImportJob.objects.get(pk=obj.pk), message)

    def response_add(
        self, request: HttpRequest, obj: ImportJob, post_url_continue: Any = None
    ) -> HttpResponse:
        messages.info(
            request, _("Import %(id)s queued: this page follows its progress.") % {"id": obj.pk}
        )
        page = reverse("admin:collections_app_importjob_change", args=[obj.pk])
        return HttpResponseRedirect(page)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        job = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if job is not None:
            extra.update(
                job=job,
                percent=round(job.fraction_done * 100),
                refresh=job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING),
                problems=list(job.problems.order_by("line", "pk")[:PROBLEMS_SHOWN]),
                report_url=reverse("admin:collections_app_importjob_errors", args=[job.pk]),
            )
        return super().change_view(request, object_id, form_url, extra)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:job_id>/errors.csv",
                self.admin_site.admin_view(self.error_report),
                name="collections_app_importjob_errors",
            ),
            *super().get_urls(),
        ]

    def error_report(self, request: HttpRequest, job_id: int) -> StreamingHttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = get_object_or_404(ImportJob, pk=job_id)
        response = StreamingHttpResponse(_report_lines(job), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
        return response

    @admin.action(
        description=gettext_lazy("Resume the selected failed imports"), permissions=["resume"]
    )
    def resume_jobs(self, request: HttpRequest, queryset: QuerySet[ImportJob]) -> None:
        n = sum(import_job_resume(job_id=job.pk) for job in queryset)
        messages.info(
            request,
            _("%(n)d imports queued again; each reads on after its last committed chunk.")
            % {"n": n},
        )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _report_lines(job: ImportJob) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    for row in import_problems_report(job):
        yield writer.writerow(row)
