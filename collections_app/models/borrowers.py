from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from collections_app.models.choices import Channel, Jurisdiction, Language
from collections_app.validators import validate_e164, validate_time_zone


class Borrower(models.Model):
    external_id = models.CharField(
        verbose_name=_("lender's borrower ID"),
        max_length=64,
        unique=True,
        help_text=_("The lender's id for this person."),
    )
    name = models.CharField(verbose_name=_("name"), max_length=200)
    # The one number and the one email the engine contacts (the gate, the channels and masking
    # read these). A lender's upsert sets them from the contact points, through
    # lender/records.engine_addresses only: the primary phone (else the first mobile, else the
    # first number) and the primary email (else the first).
    phone = models.CharField(
        verbose_name=_("phone"),
        max_length=20,
        blank=True,
        validators=[validate_e164],
        help_text=_("E.164, e.g. +14155550100"),
    )
    email = models.EmailField(verbose_name=_("email"), blank=True)
    time_zone = models.CharField(
        verbose_name=_("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("IANA zone. Blank: the zones of the phone number's region are used."),
    )
    preferred_language = models.CharField(
        verbose_name=_("preferred language"),
        max_length=10,
        choices=Language.choices,
        default=Language.EN,
    )
    jurisdiction = models.CharField(
        verbose_name=_("jurisdiction"),
        max_length=16,
        default=Jurisdiction.US,
        db_index=True,
        help_text=_("Code of the contact-rules profile that protects this borrower (CN, US, ...)."),
    )
    region = models.CharField(
        verbose_name=_("region"),
        max_length=8,
        blank=True,
        default="",
        db_default="",
        help_text=_("State or province (ISO 3166-2), e.g. CA, GD."),
    )
    # Right-party verification: keyed digests of the date of birth and of the ID's last digits
    # (lender/verification.py), never the values. Not editable, so no admin form shows them.
    date_of_birth_digest = models.CharField(
        verbose_name=_("date of birth (digest)"),
        max_length=64,
        blank=True,
        default="",
        db_default="",
        editable=False,
    )
    id_digits_digest = models.CharField(
        verbose_name=_("ID digits (digest)"),
        max_length=64,
        blank=True,
        default="",
        db_default="",
        editable=False,
    )
    # Where the last change came from: "api:<integration>", "import:<job>", "admin:<user>".
    last_source = models.CharField(
        verbose_name=_("source of the last change"),
        max_length=100,
        blank=True,
        default="",
        db_default="",
    )
    # A keyed digest of the last record the lender sent (services/lender.py): the same record
    # again is recognised without reading the contact points, and changes nothing.
    reported_digest = models.CharField(
        verbose_name=_("digest of the last report"),
        max_length=64,
        blank=True,
        default="",
        db_default="",
        editable=False,
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("borrower")
        verbose_name_plural = _("borrowers")
        indexes = [models.Index(fields=["phone"]), models.Index(fields=["email"])]
        permissions = [("view_pii", "Can see borrowers' unmasked phone and email")]

    def __str__(self) -> str:
        return f"{self.name} ({self.external_id})"


class ChannelConsent(models.Model):
    """The borrower's current consent for one channel, with where and when it came from."""

    class Status(models.TextChoices):
        OPTED_IN = "opted_in", _("Opted in")
        OPTED_OUT = "opted_out", _("Opted out")

    class Source(models.TextChoices):
        BORROWER_REPLY = "borrower_reply", _("Borrower reply (keyword)")
        AGENT = "agent", _("Recorded by an agent")
        LENDER = "lender", _("Lender's systems")
        PROVIDER = "provider", _("Messaging provider")
        IMPORT = "import", _("Import")

    borrower = models.ForeignKey(
        Borrower, verbose_name=_("borrower"), on_delete=models.CASCADE, related_name="consents"
    )
    channel = models.CharField(verbose_name=_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(verbose_name=_("status"), max_length=10, choices=Status.choices)
    source = models.CharField(verbose_name=_("source"), max_length=20, choices=Source.choices)
    recorded_at = models.DateTimeField(
        verbose_name=_("recorded at"), help_text=_("When we recorded it (and began honouring it).")
    )
    requested_at = models.DateTimeField(
        verbose_name=_("requested at"),
        null=True,
        blank=True,
        help_text=_("When the borrower asked (e.g. the reply's timestamp)."),
    )
    note = models.CharField(verbose_name=_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("channel consent")
        verbose_name_plural = _("channel consents")
        constraints = [
            models.UniqueConstraint(fields=["borrower", "channel"], name="one_consent_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.borrower_id} {self.channel}: {self.status}"
