"""Webhook requests as they arrived: stored raw before we answer, processed later by a worker."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WebhookEvent(models.Model):
    """One accepted provider request. The unique dedupe key makes a retried callback a no-op."""

    provider = models.CharField(
        verbose_name=_("provider"),
        max_length=40,
        # i18n: not for people (provider codes, the same in every language)
        help_text="twilio, payments, anymail:<esp>...",
    )
    kind = models.CharField(
        verbose_name=_("kind"),
        max_length=40,
        # i18n: not for people (event kind codes, the same in every language)
        help_text="sms.status, sms.inbound, voice.gather...",
    )
    dedupe_key = models.CharField(verbose_name=_("deduplication key"), max_length=200, unique=True)
    payload = models.JSONField(verbose_name=_("payload"), default=dict, encoder=DjangoJSONEncoder)
    received_at = models.DateTimeField(verbose_name=_("received at"), default=timezone.now)
    processed_at = models.DateTimeField(verbose_name=_("processed at"), null=True, blank=True)
    # What processing said: an unknown message, a failed attempt's exception, ...
    error = models.TextField(verbose_name=_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(verbose_name=_("attempts"), default=0)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
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
