"""Webhook requests as they arrived: stored raw before we answer, processed later by a worker."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class WebhookEvent(models.Model):
    """One accepted provider request. The unique dedupe key makes a retried callback a no-op."""

    provider = models.CharField(max_length=40, help_text="twilio, payments, anymail:<esp>...")
    kind = models.CharField(max_length=40, help_text="sms.status, sms.inbound, voice.gather...")
    dedupe_key = models.CharField(max_length=200, unique=True)
    payload = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    # What processing said: an unknown message, a failed attempt's exception, ...
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [
            # The sweeper's query: unprocessed rows, oldest first. Partial, so it stays small.
            models.Index(
                fields=["received_at"],
                condition=models.Q(processed_at__isnull=True),
                name="webhook_unprocessed_idx",
            ),
            models.Index(fields=["kind", "received_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.dedupe_key}"
