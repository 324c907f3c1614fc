"""What the lender API keeps about its callers: one key per integration (hashed, revocable,
scoped) and the answer given to each Idempotency-Key, so a retried call gets the first answer."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey


class IntegrationKey(AbstractAPIKey):
    """One lender system's key. Shown once when created (admin), stored as a SHA-512 hash with
    its prefix, revoked (never deleted: writes made with it name it on the audit trail)."""

    class Scope(models.TextChoices):
        READ = "read", _("Read: cases, borrowers, loans")
        WRITE = "write", _("Write: borrowers, loans, payments, signals (and read)")

    integration = models.SlugField(
        verbose_name=_("integration"),
        max_length=50,
        help_text=_(
            "The lender system using the key, e.g. core-banking. Every write made with it is "
            'recorded as "api:<integration>".'
        ),
    )
    scope = models.CharField(
        verbose_name=_("scope"), max_length=10, choices=Scope.choices, default=Scope.READ
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
    )

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("integration key")
        verbose_name_plural = _("integration keys")

    @property
    def source(self) -> str:
        """What the audit trail records for a write made with this key."""
        return f"api:{self.integration}"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE


# The fields AbstractAPIKey defines, labelled and explained in the workspace's languages like
# ours: the columns stay the library's, only what a person reads is set here.
for _field, _label in {
    "id": _("ID"),
    "prefix": _("prefix"),
    "hashed_key": _("hashed key"),
    "created": _("created"),
    "name": _("name"),
    "revoked": _("revoked"),
    "expiry_date": _("expires"),
}.items():
    IntegrationKey._meta.get_field(_field).verbose_name = _label
for _field, _help in {
    "name": _("A free-form name for the key. Need not be unique. 50 characters max."),
    "revoked": _("A revoked key cannot be used any more. This cannot be undone."),
    "expiry_date": _("Once the key expires, it cannot be used any more."),
}.items():
    IntegrationKey._meta.get_field(_field).help_text = _help


class IdempotencyRecord(models.Model):
    """The first answer to one (integration, Idempotency-Key). A row without a status is a
    request still being worked on: a second request with the key gets 409 until it is done."""

    integration = models.CharField(verbose_name=_("integration"), max_length=50)
    key = models.CharField(verbose_name=_("idempotency key"), max_length=255)
    method = models.CharField(verbose_name=_("HTTP method"), max_length=10)
    path = models.CharField(verbose_name=_("path"), max_length=500)
    body_sha256 = models.CharField(verbose_name=_("request body (SHA-256)"), max_length=64)
    status = models.PositiveSmallIntegerField(verbose_name=_("HTTP status"), null=True, blank=True)
    response_body = models.JSONField(
        verbose_name=_("response body"), null=True, blank=True, encoder=DjangoJSONEncoder
    )
    created_at = models.DateTimeField(
        verbose_name=_("created at"), default=timezone.now, db_index=True
    )

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "key"], name="one_idempotency_record_per_key"
            )
        ]

    def __str__(self) -> str:
        status = self.status or gettext("in progress")
        return f"{self.integration} {self.key} ({status})"
