"""Consent exceptions: a borrower's agreement that lifts one contact rule, within its scope and
time, as the rules allow (written by services/consent_exceptions.py, read by the gate).

- Regulation F 12 CFR 1006.14(b)(3)(i): calls made with the consumer's prior consent, given
  directly to the debt collector within the last seven days, do not count toward the call
  frequency presumptions of 1006.14(b)(2) (7 calls in 7 days, 7 days after a conversation).
- CN (CBA 2026 / NIFA 2024 collection guidelines): no contact between 22:00 and 08:00 "unless
  the debtor agreed".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from collections_app.models.borrowers import Borrower
from collections_app.models.cases import CollectionCase
from collections_app.models.choices import Channel

# Reg F 1006.14(b)(3)(i): the consent lifts the frequency limits for seven days at most.
FREQUENCY_CONSENT_DAYS = 7


class ConsentException(models.Model):
    class Kind(models.TextChoices):
        CALL_FREQUENCY = "call_frequency", _("Calls beyond the frequency limits")
        CONTACT_HOURS = "contact_hours", _("Contact outside the allowed hours")

    class Method(models.TextChoices):
        ON_OUR_CALL = "on_our_call", _("On a call we made")
        INBOUND_CALL = "inbound_call", _("On a call the borrower made")
        IN_WRITING = "in_writing", _("In writing")
        ELECTRONIC = "electronic", _("By SMS, email or app")
        IN_PERSON = "in_person", _("In person")

    borrower = models.ForeignKey(
        Borrower,
        verbose_name=_("borrower"),
        on_delete=models.CASCADE,
        related_name="consent_exceptions",
    )
    # The debt it is about; empty: every debt of the borrower.
    case = models.ForeignKey(
        CollectionCase,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consent_exceptions",
        help_text=_("The debt it is about; empty for all the borrower's debts."),
    )
    kind = models.CharField(verbose_name=_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(
        verbose_name=_("channel"),
        max_length=10,
        choices=Channel.choices,
        default=Channel.VOICE,
    )
    given_at = models.DateTimeField(
        verbose_name=_("given at"), help_text=_("When the borrower gave it.")
    )
    method = models.CharField(verbose_name=_("how given"), max_length=16, choices=Method.choices)
    valid_from = models.DateTimeField(
        verbose_name=_("valid from"), help_text=_("The first moment it covers.")
    )
    valid_until = models.DateTimeField(
        verbose_name=_("valid until"),
        help_text=_("It expires at this moment (call frequency: at most 7 days after given)."),
    )
    note = models.CharField(
        verbose_name=_("note"),
        max_length=300,
        blank=True,
        help_text=_('What the borrower said, e.g. "call me tonight at 22:30".'),
    )
    call = models.ForeignKey(
        "collections_app.CallLog",
        verbose_name=_("call"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consent_exceptions",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    recorded_at = models.DateTimeField(verbose_name=_("recorded at"), default=timezone.now)
    revoked_at = models.DateTimeField(verbose_name=_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent exception")
        verbose_name_plural = _("consent exceptions")
        indexes = [models.Index(fields=["borrower", "valid_until"], name="consentexc_borrower_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gt=models.F("valid_from")),
                name="consent_exception_valid_span",
            )
        ]

    def __str__(self) -> str:
        return gettext("%(kind)s for borrower %(borrower)s") % {
            "kind": self.get_kind_display(),
            "borrower": self.borrower_id,
        }
