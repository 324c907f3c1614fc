"""A borrower's dispute of one debt (one case), its documents, and what we answered.

Its status changes only in services/disputes.py. While a dispute is open, the gate refuses
every contact about that case except the notices the law requires (the verification and the
dispute response); the borrower's other loans are not affected."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collections_app.models.cases import CollectionCase
from collections_app.models.choices import Channel


class Dispute(models.Model):
    class Kind(models.TextChoices):
        NOT_MINE = "not_mine", _("Not my debt")
        AMOUNT_WRONG = "amount_wrong", _("The amount is wrong")
        ALREADY_PAID = "already_paid", _("Already paid")
        IDENTITY_THEFT = "identity_theft", _("Identity theft / fraud")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        # Collection stops for the case until the verification is sent.
        OPEN = "open", _("Open: collection stopped")
        VERIFICATION_SENT = "verification_sent", _("Verification sent")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn by the borrower")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld: the borrower is right")
        REJECTED = "rejected", _("Rejected: the debt is verified as owed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class ReceivedVia(models.TextChoices):
        PHONE = "phone", _("Phone call")
        LETTER = "letter", _("Letter")
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS reply")
        PORTAL = "portal", _("Web portal")
        LENDER = "lender", _("Through the lender")

    case = models.ForeignKey(
        CollectionCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="disputes"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        verbose_name=_("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    received_on = models.DateField(_("received on"))
    received_via = models.CharField(_("received by"), max_length=10, choices=ReceivedVia.choices)
    details = models.TextField(_("what the borrower says"), blank=True)
    # received_on + the borrower's profile's dispute_response_days, fixed when recorded.
    response_due_on = models.DateField(_("response due"))
    # Whether recording it paused the case (it may have been paused already, for a hold).
    paused_case = models.BooleanField(verbose_name=_("paused the case"), default=False)
    verification_channel = models.CharField(
        verbose_name=_("verification channel"), max_length=10, choices=Channel.choices, blank=True
    )
    verification_message = models.ForeignKey(
        "collections_app.OutboundMessage",
        verbose_name=_("verification message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verification_sent_at = models.DateTimeField(
        verbose_name=_("verification sent at"), null=True, blank=True
    )
    response = models.TextField(_("our response"), blank=True)
    response_message = models.ForeignKey(
        "collections_app.OutboundMessage",
        verbose_name=_("response message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    response_sent_at = models.DateTimeField(
        verbose_name=_("response sent at"), null=True, blank=True
    )
    outcome = models.CharField(
        verbose_name=_("outcome"), max_length=20, choices=Outcome.choices, blank=True
    )
    closed_at = models.DateTimeField(verbose_name=_("closed at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(verbose_name=_("recorded at"), default=timezone.now)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "response_due_on"]),
            models.Index(fields=["case", "status"]),
        ]
        constraints = [
            # One unanswered dispute per debt at a time: a second letter is a document of it.
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status__in=["open", "verification_sent"]),
                name="one_unresolved_dispute_per_case",
            )
        ]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")

    def __str__(self) -> str:
        return _("Dispute %(id)s on case %(case)s (%(status)s)") % {
            "id": self.pk,
            "case": self.case_id,
            "status": self.get_status_display(),
        }

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.response_due_on < timezone.localdate()


class DisputeDocument(models.Model):
    """A file the borrower sent or we sent (a letter, a receipt, a police report), stored through
    Django's default storage and handed out only by the dispute admin (never by a public URL)."""

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("dispute"), on_delete=models.PROTECT, related_name="documents"
    )
    file = models.FileField(_("file"), upload_to="disputes/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(verbose_name=_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("dispute document")
        verbose_name_plural = _("dispute documents")

    def __str__(self) -> str:
        return self.name
