from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from collections_app.lender.balances import Balance
from collections_app.models.borrowers import Borrower
from collections_app.validators import validate_currency

MONEY = {"max_digits": 14, "decimal_places": 2}


NON_NEGATIVE = [MinValueValidator(Decimal("0"))]
# New columns default in the database too, so rows written by plain SQL (COPY, benchmarks) get
# them.
ZERO_DEFAULT = {"default": Decimal("0"), "db_default": Decimal("0")}
BLANK_DEFAULT = {"blank": True, "default": "", "db_default": ""}


class LoanStatus(models.TextChoices):
    """The loan's standing as the lender last reported it (services/lender.py syncs the case)."""

    NOT_REPORTED = "", _("Not reported by the lender")
    CURRENT = "current", _("Current")
    PAST_DUE = "past_due", _("Past due")
    PAID = "paid", _("Paid off")
    CHARGED_OFF = "charged_off", _("Charged off")


class Loan(models.Model):
    external_id = models.CharField(
        verbose_name=_("lender's loan ID"),
        max_length=64,
        unique=True,
        help_text=_("The lender's loan id."),
    )
    borrower = models.ForeignKey(
        Borrower, verbose_name=_("borrower"), on_delete=models.PROTECT, related_name="loans"
    )
    product = models.CharField(
        verbose_name=_("product"), max_length=64, blank=True, help_text=_("Lender's product code.")
    )
    currency = models.CharField(
        verbose_name=_("currency"), max_length=3, validators=[validate_currency]
    )
    principal = models.DecimalField(
        verbose_name=_("principal"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    # What is owed now, broken down; `outstanding_balance` is their sum (set_balance is the one
    # place that computes it, and a database constraint holds it). The lender's report sets
    # them as of `balance_as_of`; payments and reversals move them in between.
    balance_principal = models.DecimalField(
        verbose_name=_("principal owed"), **MONEY, **ZERO_DEFAULT, validators=NON_NEGATIVE
    )
    balance_interest = models.DecimalField(
        verbose_name=_("interest owed"), **MONEY, **ZERO_DEFAULT, validators=NON_NEGATIVE
    )
    balance_fees = models.DecimalField(
        verbose_name=_("fees owed"), **MONEY, **ZERO_DEFAULT, validators=NON_NEGATIVE
    )
    outstanding_balance = models.DecimalField(
        verbose_name=_("outstanding balance"),
        **MONEY,
        validators=NON_NEGATIVE,
        help_text=_("Principal + interest + fees."),
    )
    balance_as_of = models.DateField(
        verbose_name=_("balance as of"),
        null=True,
        blank=True,
        help_text=_("The date of the lender's last balance report."),
    )
    status = models.CharField(
        verbose_name=_("status"), max_length=12, choices=LoanStatus.choices, **BLANK_DEFAULT
    )
    amount_past_due = models.DecimalField(
        verbose_name=_("amount past due"),
        **MONEY,
        **ZERO_DEFAULT,
        validators=NON_NEGATIVE,
        help_text=_("As the lender last reported it; the case's amount overdue is what we quote."),
    )
    due_date = models.DateField(
        verbose_name=_("due date"),
        null=True,
        blank=True,
        help_text=_("When the (first missed) payment was due."),
    )
    days_past_due_reported = models.PositiveIntegerField(
        verbose_name=_("days past due (lender's count)"),
        null=True,
        blank=True,
        help_text=_("Days past due as the lender counts them."),
    )
    charge_off_date = models.DateField(verbose_name=_("charge-off date"), null=True, blank=True)
    # As the lender reports it (payments made before the case was placed with us); payments
    # recorded here count too (selectors/debt_status.py takes the later).
    last_payment_date = models.DateField(
        verbose_name=_("last payment date"),
        null=True,
        blank=True,
        help_text=_("The borrower's last payment on the loan, as the lender reports it."),
    )
    origination_date = models.DateField(verbose_name=_("origination date"), null=True, blank=True)
    origination_state = models.CharField(
        verbose_name=_("origination state"),
        max_length=8,
        **BLANK_DEFAULT,
        help_text=_("State or province the loan was made in."),
    )
    # Where the last change came from: "api:<integration>", "import:<job>", "admin:<user>".
    last_source = models.CharField(
        verbose_name=_("source of the last change"), max_length=100, **BLANK_DEFAULT
    )
    # A keyed digest of the last record the lender sent (services/lender.py): the same record
    # again is recognised without comparing every field, and changes nothing.
    reported_digest = models.CharField(
        verbose_name=_("digest of the last report"), max_length=64, **BLANK_DEFAULT, editable=False
    )
    # Ability-to-pay signals the lender shares (income band, other loans current, ...).
    lender_data = models.JSONField(verbose_name=_("lender's data"), default=dict, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    outstanding_balance=models.F("balance_principal")
                    + models.F("balance_interest")
                    + models.F("balance_fees")
                ),
                name="loan_balance_is_its_parts",
            )
        ]

    def __str__(self) -> str:
        return gettext("Loan %(id)s") % {"id": self.external_id}

    @property
    def balance(self) -> Balance:
        return Balance(self.balance_principal, self.balance_interest, self.balance_fees)

    def set_balance(self, balance: Balance) -> None:
        """The one place the balance is computed: the parts, and their sum."""
        self.balance_principal = balance.principal
        self.balance_interest = balance.interest
        self.balance_fees = balance.fees
        self.outstanding_balance = balance.total


# What set_balance writes (update_fields, bulk_update).
BALANCE_FIELDS = ("balance_principal", "balance_interest", "balance_fees", "outstanding_balance")
