from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from collections_app.models.cases import CollectionCase
from collections_app.models.loans import MONEY, Loan
from collections_app.money import format_money
from collections_app.validators import validate_currency

POSITIVE = [MinValueValidator(Decimal("0.01"))]


class Payment(models.Model):
    """Money the lender received. Recorded once per lender payment id, however often it's sent."""

    external_id = models.CharField(
        verbose_name=_("lender's payment ID"),
        max_length=64,
        unique=True,
        help_text=_("Lender's payment id."),
    )
    loan = models.ForeignKey(
        Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="payments"
    )
    case = models.ForeignKey(
        CollectionCase,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    amount = models.DecimalField(verbose_name=_("amount"), **MONEY, validators=POSITIVE)
    currency = models.CharField(
        verbose_name=_("currency"), max_length=3, validators=[validate_currency]
    )
    received_at = models.DateTimeField(verbose_name=_("received at"))
    recorded_at = models.DateTimeField(verbose_name=_("recorded at"), default=timezone.now)
    # Where it came from: "api:<integration>", "import:<job>", "webhook:payments", ...
    source = models.CharField(
        verbose_name=_("source"), max_length=100, blank=True, default="", db_default=""
    )
    # What it took off (services/payments.payment_record), so a reversal puts back exactly that:
    # the balance's parts (fees first, then interest, then principal) and the case's amount
    # overdue.
    applied_fees = models.DecimalField(
        verbose_name=_("applied to fees"), **MONEY, default=Decimal("0"), db_default=Decimal("0")
    )
    applied_interest = models.DecimalField(
        verbose_name=_("applied to interest"),
        **MONEY,
        default=Decimal("0"),
        db_default=Decimal("0"),
    )
    applied_principal = models.DecimalField(
        verbose_name=_("applied to principal"),
        **MONEY,
        default=Decimal("0"),
        db_default=Decimal("0"),
    )
    applied_overdue = models.DecimalField(
        verbose_name=_("applied to the amount overdue"),
        **MONEY,
        default=Decimal("0"),
        db_default=Decimal("0"),
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        indexes = [models.Index(fields=["loan", "received_at"])]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.external_id})"


class PromiseToPay(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        KEPT = "kept", _("Kept")
        BROKEN = "broken", _("Broken")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey(
        CollectionCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="promises"
    )
    amount = models.DecimalField(verbose_name=_("amount"), **MONEY, validators=POSITIVE)
    due_date = models.DateField(verbose_name=_("due date"))
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    amount_paid = models.DecimalField(verbose_name=_("amount paid"), **MONEY, default=Decimal("0"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), default=timezone.now)
    resolved_at = models.DateTimeField(verbose_name=_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        indexes = [
            models.Index(fields=["status", "due_date"]),
            # The supervisor view's "promises kept this week".
            models.Index(fields=["status", "resolved_at"], name="promise_status_resolved_idx"),
        ]

    def __str__(self) -> str:
        return gettext("Promise %(amount)s by %(date)s (%(status)s)") % {
            "amount": format_money(self.amount, self.case.loan.currency),
            "date": self.due_date,
            "status": self.get_status_display(),
        }


class PromiseAllocation(models.Model):
    """How much of one payment counted towards one promise (policies/promises.py says which
    payments count). A payment is allocated once: its allocations never add up to more than it,
    and a promise's amount_paid is the sum of its allocations."""

    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="allocations"
    )
    promise = models.ForeignKey(
        PromiseToPay,
        verbose_name=_("promise to pay"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    amount = models.DecimalField(verbose_name=_("amount"), **MONEY, validators=POSITIVE)
    created_at = models.DateTimeField(verbose_name=_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("promise allocation")
        verbose_name_plural = _("promise allocations")
        constraints = [
            models.UniqueConstraint(fields=["payment", "promise"], name="one_allocation_per_pair")
        ]

    def __str__(self) -> str:
        return gettext("%(amount)s of %(payment)s to promise #%(promise)s") % {
            "amount": self.amount,
            "payment": self.payment,
            "promise": self.promise_id,
        }


class InstallmentAllocation(models.Model):
    """How much of one payment went to one plan installment, so a reversal un-pays exactly
    what the payment paid."""

    payment = models.ForeignKey(
        Payment,
        verbose_name=_("payment"),
        on_delete=models.PROTECT,
        related_name="installment_allocations",
    )
    installment = models.ForeignKey(
        "PlanInstallment",
        verbose_name=_("instalment"),
        on_delete=models.CASCADE,
        related_name="allocations",
    )
    amount = models.DecimalField(verbose_name=_("amount"), **MONEY, validators=POSITIVE)
    created_at = models.DateTimeField(verbose_name=_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("installment allocation")
        verbose_name_plural = _("installment allocations")
        constraints = [
            models.UniqueConstraint(
                fields=["payment", "installment"], name="one_installment_allocation_per_pair"
            )
        ]

    def __str__(self) -> str:
        return gettext("%(amount)s of %(payment)s to instalment %(installment)s") % {
            "amount": self.amount,
            "payment": self.payment,
            "installment": self.installment_id,
        }


class PaymentPlan(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        DEFAULTED = "defaulted", _("Defaulted")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey(
        CollectionCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="plans"
    )
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    # weekly / fortnightly / monthly when made from a policy's offer (policies/plans.py);
    # blank for a plan given as explicit dates (the lender's API).
    frequency = models.CharField(
        verbose_name=_("frequency"), max_length=12, blank=True, default="", db_default=""
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
        verbose_name = _("payment plan")
        verbose_name_plural = _("payment plans")

    def __str__(self) -> str:
        return gettext("Plan %(id)s (%(status)s)") % {
            "id": self.pk,
            "status": self.get_status_display(),
        }


class PlanInstallment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PAID = "paid", _("Paid")
        MISSED = "missed", _("Missed")

    plan = models.ForeignKey(
        PaymentPlan,
        verbose_name=_("payment plan"),
        on_delete=models.CASCADE,
        related_name="installments",
    )
    sequence = models.PositiveSmallIntegerField(verbose_name=_("instalment number"))
    due_date = models.DateField(verbose_name=_("due date"))
    amount = models.DecimalField(verbose_name=_("amount"), **MONEY, validators=POSITIVE)
    paid_amount = models.DecimalField(verbose_name=_("amount paid"), **MONEY, default=Decimal("0"))
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )

    class Meta:
        verbose_name = _("plan installment")
        verbose_name_plural = _("plan installments")
        ordering = ["plan", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "sequence"], name="one_installment_per_seq")
        ]

    def __str__(self) -> str:
        return gettext("#%(number)s %(amount)s by %(date)s") % {
            "number": self.sequence,
            "amount": self.amount,
            "date": self.due_date,
        }
