"""The nightly escalation run: one row per date, split into chunks that workers claim."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class EscalationRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        DONE_WITH_ERRORS = "done_with_errors", _("Done, some chunks failed")

    # One run per date, enforced by the database: two beat processes firing at once create one.
    run_date = models.DateField(verbose_name=_("run date"), unique=True)
    status = models.CharField(
        verbose_name=_("status"), max_length=20, choices=Status.choices, default=Status.RUNNING
    )
    started_at = models.DateTimeField(verbose_name=_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(verbose_name=_("finished at"), null=True, blank=True)
    chunk_count = models.PositiveIntegerField(verbose_name=_("chunks"), default=0)
    # Totals, summed from the chunks when the last one finishes.
    cases_seen = models.PositiveIntegerField(verbose_name=_("cases seen"), default=0)
    transitions = models.JSONField(
        verbose_name=_("transitions made"),
        default=dict,
        blank=True,
        help_text=_("How many cases each transition moved."),
    )
    totals = models.JSONField(
        verbose_name=_("totals"),
        default=dict,
        blank=True,
        help_text=_("Outbox rows, promises, ..."),
    )
    errors = models.PositiveIntegerField(verbose_name=_("errors"), default=0)

    class Meta:
        verbose_name = _("escalation run")
        verbose_name_plural = _("escalation runs")
        ordering = ["-run_date"]
        permissions = [("retry_escalationrun", "Can queue a run's failed chunks again")]

    def __str__(self) -> str:
        return gettext("Escalation run %(date)s (%(status)s)") % {
            "date": self.run_date,
            "status": self.get_status_display(),
        }


class EscalationChunk(models.Model):
    """A contiguous id range of cases. The row is the work: retryable alone, found again after a
    crash (a chunk left `running` too long goes back to `pending`)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    run = models.ForeignKey(
        EscalationRun,
        verbose_name=_("escalation run"),
        on_delete=models.CASCADE,
        related_name="chunks",
    )
    sequence = models.PositiveIntegerField(verbose_name=_("chunk number"))
    first_case_id = models.BigIntegerField(verbose_name=_("first case ID"))
    last_case_id = models.BigIntegerField(verbose_name=_("last case ID"))
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(verbose_name=_("attempts"), default=0)
    claimed_at = models.DateTimeField(verbose_name=_("claimed at"), null=True, blank=True)
    # Refreshed by the worker after every batch: a chunk is stale only when this is old.
    heartbeat_at = models.DateTimeField(verbose_name=_("last heartbeat"), null=True, blank=True)
    finished_at = models.DateTimeField(verbose_name=_("finished at"), null=True, blank=True)
    cases_seen = models.PositiveIntegerField(verbose_name=_("cases seen"), default=0)
    stats = models.JSONField(verbose_name=_("statistics"), default=dict, blank=True)
    error = models.TextField(verbose_name=_("error"), blank=True)

    class Meta:
        verbose_name = _("escalation chunk")
        verbose_name_plural = _("escalation chunks")
        ordering = ["run", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["run", "sequence"], name="one_chunk_per_sequence")
        ]
        indexes = [models.Index(fields=["status", "claimed_at"])]

    def __str__(self) -> str:
        return gettext("chunk %(number)s of %(run)s (%(status)s)") % {
            "number": self.sequence,
            "run": self.run,
            "status": self.get_status_display(),
        }
