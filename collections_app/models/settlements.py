"""Settlements (the debt settled for less, four-eyes above a person's limit) and payment links
(the lender's checkout, signed). Change them only through services/settlements.py and
services/payment_links.py."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from collections_app.models.cases import CollectionCase
from collections_app.models.loans import MONEY, ZERO_DEFAULT
from collections_app.models.outreach import OutboundMessage
from collections_app.models.payments import POSITIVE, PaymentPlan
from collections_app.validators import validate_currency


class Settlement(models.Model):
    """An offer to settle the case's balance for `amount`; what is left is forgiven once it is
    paid. Lifecycle (services/settlements.py): proposed (waiting for a second person) →
    approved or rejected; approved → accepted (the borrower agreed, or paid) → paid; an open
    one may be cancelled, and lapses (expired) when not accepted in time, not paid by its date
    or its plan defaulted."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for approval")
        APPROVED = "approved", _("Approved, not yet accepted")
        REJECTED = "rejected", _("Rejected")
        ACCEPTED = "accepted", _("Accepted by the borrower")
        PAID = "paid", _("Paid")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")

    class Method(models.TextChoices):
        LUMP_SUM = "lump_sum", _("One payment")
        PLAN = "plan", _("Instalments")

    case = models.ForeignKey(
        CollectionCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="settlements"
    )
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    currency = models.CharField(
        verbose_name=_("currency"), max_length=3, validators=[validate_currency]
    )
    balance = models.DecimalField(
        verbose_name=_("balance when offered"),
        **MONEY,
        help_text=_("What was owed when it was offered."),
    )
    amount = models.DecimalField(
        verbose_name=_("amount"), **MONEY, validators=POSITIVE, help_text=_("The settled amount.")
    )
    discount_percent = models.DecimalField(
        verbose_name=_("discount (%)"), max_digits=5, decimal_places=2
    )
    method = models.CharField(
        verbose_name=_("how it is paid"),
        max_length=10,
        choices=Method.choices,
        default=Method.LUMP_SUM,
    )
    installment_count = models.PositiveSmallIntegerField(
        verbose_name=_("number of instalments"), null=True, blank=True
    )
    frequency = models.CharField(verbose_name=_("frequency"), max_length=12, blank=True)
    first_due = models.DateField(
        verbose_name=_("first due date"),
        null=True,
        blank=True,
        help_text=_("One payment: pay by; instalments: the first is due."),
    )
    offer_valid_until = models.DateField(verbose_name=_("offer valid until"))
    amount_paid = models.DecimalField(verbose_name=_("amount paid"), **MONEY, **ZERO_DEFAULT)
    plan = models.ForeignKey(
        PaymentPlan,
        verbose_name=_("payment plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="settlements",
    )
    # Who offered it, with what limit, and whether a second person had to approve.
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="settlements_proposed",
    )
    proposed_at = models.DateTimeField(verbose_name=_("proposed at"), default=timezone.now)
    proposer_limit_percent = models.DecimalField(
        verbose_name=_("proposer's discount limit (%)"), max_digits=5, decimal_places=2
    )
    needs_approval = models.BooleanField(verbose_name=_("needs approval"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="settlements_decided",
    )
    decided_at = models.DateTimeField(verbose_name=_("decided at"), null=True, blank=True)
    decision_note = models.CharField(verbose_name=_("decision note"), max_length=300, blank=True)
    accepted_at = models.DateTimeField(verbose_name=_("accepted at"), null=True, blank=True)
    paid_at = models.DateTimeField(verbose_name=_("paid at"), null=True, blank=True)
    ended_at = models.DateTimeField(verbose_name=_("ended at"), null=True, blank=True)
    end_reason = models.CharField(verbose_name=_("end reason"), max_length=300, blank=True)
    # What was forgiven when it was paid: the loan's balance then, in its parts (fees,
    # interest, principal), taken off the loan with this record.
    forgiven_amount = models.DecimalField(
        verbose_name=_("forgiven amount"), **MONEY, null=True, blank=True
    )
    forgiven_principal = models.DecimalField(
        verbose_name=_("forgiven principal"), **MONEY, null=True, blank=True
    )
    forgiven_interest = models.DecimalField(
        verbose_name=_("forgiven interest"), **MONEY, null=True, blank=True
    )
    forgiven_fees = models.DecimalField(
        verbose_name=_("forgiven fees"), **MONEY, null=True, blank=True
    )
    # The case's amount overdue forgiven with it (owed again if a payment is reversed).
    forgiven_overdue = models.DecimalField(
        verbose_name=_("forgiven amount overdue"), **MONEY, null=True, blank=True
    )
    # The payments counted towards it (ids), so a reversal takes back exactly those.
    payment_ids = models.JSONField(verbose_name=_("payment IDs"), default=list, blank=True)

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        indexes = [models.Index(fields=["status", "proposed_at"])]
        constraints = [
            # One settlement in play per case: a new offer replaces the open one explicitly.
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status__in=["proposed", "approved", "accepted"]),
                name="one_open_settlement_per_case",
            )
        ]
        permissions = [
            ("offer_settlement", "Can offer a settlement (up to the role's discount limit)"),
            ("approve_settlement", "Can approve or reject another person's settlement offer"),
        ]

    def __str__(self) -> str:
        return gettext("Settlement %(id)s: %(amount)s %(currency)s (%(status)s)") % {
            "id": self.pk,
            "amount": self.amount,
            "currency": self.currency,
            "status": self.get_status_display(),
        }

    @property
    def forgiven_planned(self) -> Decimal:
        return self.balance - self.amount

    @property
    def remaining(self) -> Decimal:
        return max(self.amount - self.amount_paid, Decimal("0"))


class PaymentLink(models.Model):
    """A signed link to the lender's checkout for one amount, sent through the outbox. Card
    details are typed on the lender's page; nothing of them reaches this system."""

    case = models.ForeignKey(
        CollectionCase,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="payment_links",
    )
    reference = models.CharField(verbose_name=_("reference"), max_length=32, unique=True)
    amount = models.DecimalField(verbose_name=_("amount"), **MONEY, validators=POSITIVE)
    currency = models.CharField(
        verbose_name=_("currency"), max_length=3, validators=[validate_currency]
    )
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    url = models.TextField(verbose_name=_("URL"))
    channel = models.CharField(verbose_name=_("channel"), max_length=10)
    message = models.OneToOneField(
        OutboundMessage,
        verbose_name=_("message"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payment_link",
    )
    settlement = models.ForeignKey(
        Settlement,
        verbose_name=_("settlement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="links",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("payment link")
        verbose_name_plural = _("payment links")

    def __str__(self) -> str:
        return gettext("Payment link %(reference)s (%(amount)s %(currency)s)") % {
            "reference": self.reference,
            "amount": self.amount,
            "currency": self.currency,
        }
