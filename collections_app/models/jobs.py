from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class BulkAction(models.Model):
    """A transition asked for many cases at once, run by a worker. The row is the work; the
    broker only carries its id, so a lost task is found again by the sweeper."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    transition = models.CharField(max_length=40)
    case_ids = models.JSONField()
    reason = models.TextField(blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # {"moved": n, "not_allowed": n, "changed_meanwhile": n, "missing": n}
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    # Refreshed by the worker as it goes: a running action is stale only when this is old.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Claims so far (a stale one swept and claimed again counts twice): the claim's fence.
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.transition} x {len(self.case_ids)} ({self.status})"
