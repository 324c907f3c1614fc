"""A portfolio import (services/imports.py): one row per file, run by a worker in chunks.

The row is the work (claimed through claims.py) and its own progress report: every chunk commits
its borrowers and loans, its rejected rows and the position reached in the file in one
transaction, so a job taken over after a crash carries on from there and never writes a row or
reports a problem twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        CSV = "csv", _("CSV")
        JSONL = "jsonl", _("JSON lines")

    # Under MEDIA_ROOT, never served by URL (it is full of personal data); deleted once the job
    # is done. Blank for a command-line import, which reads the file where it is.
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True, verbose_name=_("file"))
    file_name = models.CharField(max_length=255, verbose_name=_("file name"))
    format = models.CharField(max_length=5, choices=Format.choices, verbose_name=_("format"))
    dry_run = models.BooleanField(
        default=False,
        verbose_name=_("dry run"),
        help_text=_("Validate every row and count what would change; write nothing."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("requested by"),
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, verbose_name=_("status")
    )
    # Why the job stopped before the end: a file it cannot read, a header it does not know.
    error = models.TextField(blank=True, verbose_name=_("error"))
    size_bytes = models.BigIntegerField(default=0, verbose_name=_("size (bytes)"))
    # The committed position: the byte just after the last row of the last committed chunk, and
    # that row's line number. A resumed job reads on from here.
    bytes_done = models.BigIntegerField(default=0, verbose_name=_("bytes done"))
    lines_done = models.PositiveIntegerField(default=0, verbose_name=_("lines done"))
    rows_done = models.PositiveIntegerField(default=0, verbose_name=_("rows done"))
    rows_rejected = models.PositiveIntegerField(default=0, verbose_name=_("rows rejected"))
    # {"loans": {"created": n, "updated": n, "unchanged": n}, "borrowers": {...}}
    counts = models.JSONField(default=dict, blank=True, verbose_name=_("counts"))
    # Time spent working on it, over every attempt (rows per second is rows_done / seconds).
    seconds = models.FloatField(default=0, verbose_name=_("seconds working"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    # Refreshed with every chunk: a running job is stale only when this is old.
    heartbeat_at = models.DateTimeField(null=True, blank=True, verbose_name=_("heartbeat at"))
    # Claims so far (a stale one swept and claimed again counts twice): the claim's fence.
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return gettext("Import %(id)s: %(name)s (%(status)s)") % {
            "id": self.pk,
            "name": self.file_name,
            "status": self.get_status_display(),
        }

    @property
    def source(self) -> str:
        """What the audit trail records as the origin of every row this job writes."""
        return f"import:{self.pk}"

    @property
    def rows_per_second(self) -> float:
        return self.rows_done / self.seconds if self.seconds else 0.0

    @property
    def fraction_done(self) -> float:
        if self.status == self.Status.DONE:
            return 1.0
        return min(1.0, self.bytes_done / self.size_bytes) if self.size_bytes else 0.0

    @property
    def rows_estimate(self) -> int:
        """The file's rows, estimated from the bytes per row so far (exact once done)."""
        if self.status == self.Status.DONE or not self.bytes_done:
            return self.rows_done
        return round(self.rows_done * self.size_bytes / self.bytes_done)


class ImportProblem(models.Model):
    """One reason one row of an import was rejected: the error report is these rows, in line
    order. Written in the same transaction as the chunk the row was in."""

    job = models.ForeignKey(
        ImportJob, verbose_name=_("import job"), on_delete=models.CASCADE, related_name="problems"
    )
    line = models.PositiveIntegerField(verbose_name=_("line"))
    # The CSV column (`phone2_consent_at`) or JSON path (`borrower.contact_points[1].address`).
    path = models.CharField(max_length=200, blank=True, verbose_name=_("field"))
    message = models.TextField(verbose_name=_("message"))

    class Meta:
        verbose_name = _("import problem")
        verbose_name_plural = _("import problems")
        indexes = [models.Index(fields=["job", "line"])]

    def __str__(self) -> str:
        return gettext("line %(line)s: %(field)s: %(message)s") % {
            "line": self.line,
            "field": self.path,
            "message": self.message,
        }
