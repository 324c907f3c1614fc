"""What the lender tells us beyond the borrower and the loan: every phone number and email with
its consent, payment reversals, and ability-to-pay signals. Written by services/lender.py."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from collections_app.masking import mask_address
from collections_app.models.borrowers import Borrower
from collections_app.models.loans import Loan
from collections_app.models.payments import Payment

SOURCE_MAX = 100  # "api:<integration>", "import:<job id>", "admin:<username>"


class ContactPoint(models.Model):
    """One phone number or email of a borrower, as the lender has it. The set is replaced by
    each upsert; `Borrower.phone` / `email` are the ones the engine contacts
    (lender/records.engine_addresses). Whether an address works is not kept here: a provider's
    refusal is a `BadContactPoint`, keyed by address, so it outlives the address being removed
    and sent again."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("Email")

    class Type(models.TextChoices):
        MOBILE = "mobile", pgettext_lazy("contact point type", "Mobile")
        HOME = "home", pgettext_lazy("contact point type", "Home")
        WORK = "work", pgettext_lazy("contact point type", "Work")
        OTHER = "other", _("Other")

    class Consent(models.TextChoices):
        """What the lender holds for automated calls and texts to this number."""

        NONE = "", _("None recorded")
        PRIOR_EXPRESS = "prior_express_consent", _("Prior express consent")
        PRIOR_EXPRESS_WRITTEN = "prior_express_written_consent", _("Prior express written consent")
        REVOKED = "revoked", _("Revoked")

    borrower = models.ForeignKey(
        Borrower,
        verbose_name=_("borrower"),
        on_delete=models.CASCADE,
        related_name="contact_points",
    )
    kind = models.CharField(verbose_name=_("kind"), max_length=5, choices=Kind.choices)
    address = models.CharField(
        verbose_name=_("address"), max_length=254, help_text=_("E.164 number or lower-case email.")
    )
    type = models.CharField(
        verbose_name=_("type"), max_length=6, choices=Type.choices, default=Type.OTHER
    )
    source = models.CharField(
        verbose_name=_("source"),
        max_length=64,
        blank=True,
        help_text=_("Where the lender got it (application, ...)."),
    )
    consent = models.CharField(
        verbose_name=_("consent"), max_length=32, choices=Consent.choices, blank=True
    )
    consent_at = models.DateTimeField(verbose_name=_("consent given at"), null=True, blank=True)
    is_primary = models.BooleanField(verbose_name=_("primary"), default=False)
    # Which upsert wrote it, and when.
    recorded_source = models.CharField(
        verbose_name=_("recorded from"), max_length=SOURCE_MAX, blank=True
    )
    recorded_at = models.DateTimeField(verbose_name=_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        constraints = [
            models.UniqueConstraint(
                fields=["borrower", "kind", "address"], name="one_contact_point_per_address"
            )
        ]
        indexes = [models.Index(fields=["address"], name="contactpoint_address_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {mask_address(self.address)} ({self.type})"


class PaymentReversal(models.Model):
    """A payment the lender took back (returned as NSF, charged back). One per payment: the
    amount is owed again, the promise it kept is no longer kept (services/lender.py)."""

    class Reason(models.TextChoices):
        NSF = "nsf", _("Insufficient funds (NSF)")
        CHARGEBACK = "chargeback", _("Chargeback")
        OTHER = "other", _("Other")

    payment = models.OneToOneField(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="reversal"
    )
    reason = models.CharField(verbose_name=_("reason"), max_length=12, choices=Reason.choices)
    reversed_at = models.DateTimeField(
        verbose_name=_("reversed at"), help_text=_("When the lender reversed it.")
    )
    note = models.CharField(verbose_name=_("note"), max_length=500, blank=True)
    source = models.CharField(verbose_name=_("source"), max_length=SOURCE_MAX, blank=True)
    recorded_at = models.DateTimeField(verbose_name=_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("payment reversal")
        verbose_name_plural = _("payment reversals")

    def __str__(self) -> str:
        return gettext("%(payment)s reversed (%(reason)s)") % {
            "payment": self.payment,
            "reason": self.get_reason_display(),
        }


class AbilitySignal(models.Model):
    """A fact the lender learnt after origination that says something about whether the
    borrower can pay (a bureau refresh, a verified income, app use after default...). Stored for
    the segmentation to read; nothing acts on it yet."""

    class Kind(models.TextChoices):
        BUREAU_OTHER_LOANS_CURRENT = "bureau_other_loans_current", _("Bureau: other loans current")
        BUREAU_NEW_CREDIT = "bureau_new_credit", _("Bureau: new credit")
        BUREAU_RECENT_APPLICATIONS = (
            "bureau_recent_applications",
            _("Bureau: recent credit applications"),
        )
        INCOME_VERIFIED = "income_verified", _("Income verified")
        APP_LOGIN_AFTER_DEFAULT = "app_login_after_default", _("App login after default")
        BALANCE_CHECK_AFTER_DEFAULT = (
            "balance_check_after_default",
            _("Balance check after default"),
        )
        REPAYMENT_OTHER_PRODUCT = (
            "repayment_other_product",
            _("Repayment to another of the lender's products"),
        )

    borrower = models.ForeignKey(
        Borrower, verbose_name=_("borrower"), on_delete=models.CASCADE, related_name="signals"
    )
    loan = models.ForeignKey(
        Loan,
        verbose_name=_("loan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="signals",
    )
    kind = models.CharField(verbose_name=_("kind"), max_length=32, choices=Kind.choices)
    value = models.JSONField(verbose_name=_("value"))
    # A digest of `value` (canonical JSON): the same fact sent twice is one row.
    value_digest = models.CharField(verbose_name=_("value digest"), max_length=64, editable=False)
    observed_at = models.DateTimeField(
        verbose_name=_("observed at"), help_text=_("When the lender learnt it.")
    )
    source = models.CharField(verbose_name=_("source"), max_length=SOURCE_MAX, blank=True)
    lender_source = models.CharField(
        verbose_name=_("lender's source"),
        max_length=64,
        blank=True,
        help_text=_("Where the lender learnt it."),
    )
    recorded_at = models.DateTimeField(verbose_name=_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("ability signal")
        verbose_name_plural = _("ability signals")
        constraints = [
            # Its index, led by (borrower, kind, observed_at), is the one the segmentation reads
            # signals by ("this borrower's bureau refreshes, newest first").
            models.UniqueConstraint(
                fields=["borrower", "kind", "observed_at", "value_digest"],
                name="one_signal_per_fact",
            )
        ]

    def __str__(self) -> str:
        return gettext("%(kind)s for borrower %(borrower)s on %(date)s") % {
            "kind": self.get_kind_display(),
            "borrower": self.borrower_id,
            "date": f"{self.observed_at:%Y-%m-%d}",
        }
