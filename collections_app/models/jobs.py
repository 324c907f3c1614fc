from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BulkAction(models.Model):
    """A transition asked for many cases at once, run by a worker. The row is the work; the
    broker only carries its id, so a lost task is found again by the sweeper."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    transition = models.CharField(verbose_name=_("transition"), max_length=40)
    case_ids = models.JSONField(verbose_name=_("case IDs"))
    reason = models.TextField(verbose_name=_("reason"), blank=True)
    kwargs = models.JSONField(verbose_name=_("parameters"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # {"moved": n, "not_allowed": n, "changed_meanwhile": n, "missing": n}
    result = models.JSONField(verbose_name=_("result"), default=dict, blank=True)
    error = models.TextField(verbose_name=_("error"), blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), default=timezone.now)
    started_at = models.DateTimeField(verbose_name=_("started at"), null=True, blank=True)
    # Refreshed by the worker as it goes: a running action is stale only when this is old.
    heartbeat_at = models.DateTimeField(verbose_name=_("last heartbeat"), null=True, blank=True)
    # Claims so far (a stale one swept and claimed again counts twice): the claim's fence.
    attempts = models.PositiveSmallIntegerField(verbose_name=_("attempts"), default=0)
    finished_at = models.DateTimeField(verbose_name=_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bulk action")
        verbose_name_plural = _("bulk actions")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.transition} x {len(self.case_ids)} ({self.status})"
