"""Retention: what keeps a case's records past their period (a hold), and each purge's record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from collections_app.models.cases import CollectionCase


class RetentionHold(models.Model):
    """A legal hold: while it is not released, the purge leaves the case's records as they are
    (litigation, a regulator's inquiry, a complaint), whatever its retention period says."""

    case = models.ForeignKey(
        CollectionCase,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="retention_holds",
    )
    reason = models.CharField(verbose_name=_("reason"), max_length=300)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("placed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    placed_at = models.DateTimeField(verbose_name=_("placed at"), default=timezone.now)
    released_at = models.DateTimeField(verbose_name=_("released at"), null=True, blank=True)

    class Meta:
        verbose_name = _("legal hold on records")
        verbose_name_plural = _("legal holds on records")
        indexes = [models.Index(fields=["case", "released_at"], name="retentionhold_case_idx")]

    def __str__(self) -> str:
        return gettext("Legal hold on case %(case)s") % {"case": self.case_id}


class PurgeRun(models.Model):
    """One run of the retention purge, dry or real: when, under which profile versions, and how
    many rows of each table it changed (or would have). Compliance officers read these in admin.
    A scheduled run is one row per date (the due time lives here, not in a broker's ETA); a run
    whose worker died is taken over by the next tick and finished."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Schedule")
        COMMAND = "command", _("Management command")

    trigger = models.CharField(verbose_name=_("started by"), max_length=10, choices=Trigger.choices)
    dry_run = models.BooleanField(
        verbose_name=_("dry run"), default=False, help_text=_("Counted only, nothing changed.")
    )
    run_date = models.DateField(verbose_name=_("run date"), null=True, blank=True)
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    # {"US": {"version": 3, "retention_years": 3, "cutoff": "2023-12-01T..."}, ...}
    profiles = models.JSONField(
        verbose_name=_("profiles applied"),
        default=dict,
        blank=True,
        help_text=_("Each profile's version, retention period and cut-off date."),
    )
    cases = models.PositiveIntegerField(verbose_name=_("cases past their period"), default=0)
    # {"outbound messages": 120, "case events (reason)": 30, ...}: rows changed or deleted.
    counts = models.JSONField(
        verbose_name=_("rows per table"),
        default=dict,
        blank=True,
        help_text=_("Rows changed or deleted in each table (in a dry run: that would be)."),
    )
    attempts = models.PositiveSmallIntegerField(verbose_name=_("attempts"), default=1)
    error = models.TextField(verbose_name=_("error"), blank=True)
    started_at = models.DateTimeField(verbose_name=_("started at"), default=timezone.now)
    heartbeat_at = models.DateTimeField(verbose_name=_("last heartbeat"), default=timezone.now)
    finished_at = models.DateTimeField(verbose_name=_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal data purge")
        verbose_name_plural = _("personal data purges")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["run_date"],
                condition=models.Q(trigger="schedule"),
                name="one_scheduled_purge_per_date",
            )
        ]

    def __str__(self) -> str:
        text = (
            gettext("Purge dry run %(date)s (%(status)s)")
            if self.dry_run
            else gettext("Purge %(date)s (%(status)s)")
        )
        return text % {"date": self.started_at.date(), "status": self.get_status_display()}
