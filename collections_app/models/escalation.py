"""The nightly escalation run: one row per date, split into chunks that workers claim."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class EscalationRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        DONE_WITH_ERRORS = "done_with_errors", "Done, some chunks failed"

    # One run per date, enforced by the database: two beat processes firing at once create one.
    run_date = models.DateField(unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    chunk_count = models.PositiveIntegerField(default=0)
    # Totals, summed from the chunks when the last one finishes.
    cases_seen = models.PositiveIntegerField(default=0)
    transitions = models.JSONField(default=dict, blank=True, help_text="{transition: count}")
    totals = models.JSONField(default=dict, blank=True, help_text="Outbox rows, promises, ...")
    errors = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-run_date"]
        permissions = [("retry_escalationrun", "Can queue a run's failed chunks again")]

    def __str__(self) -> str:
        return f"Escalation run {self.run_date} ({self.status})"


class EscalationChunk(models.Model):
    """A contiguous id range of cases. The row is the work: retryable alone, found again after a
    crash (a chunk left `running` too long goes back to `pending`)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    run = models.ForeignKey(EscalationRun, on_delete=models.CASCADE, related_name="chunks")
    sequence = models.PositiveIntegerField()
    first_case_id = models.BigIntegerField()
    last_case_id = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Refreshed by the worker after every batch: a chunk is stale only when this is old.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cases_seen = models.PositiveIntegerField(default=0)
    stats = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["run", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["run", "sequence"], name="one_chunk_per_sequence")
        ]
        indexes = [models.Index(fields=["status", "claimed_at"])]

    def __str__(self) -> str:
        return f"chunk {self.sequence} of {self.run} ({self.status})"
