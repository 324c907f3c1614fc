from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from collections_app.models.borrowers import Borrower
from collections_app.validators import validate_currency

MONEY = {"max_digits": 14, "decimal_places": 2}


class Loan(models.Model):
    external_id = models.CharField(max_length=64, unique=True, help_text="The lender's loan id.")
    borrower = models.ForeignKey(Borrower, on_delete=models.PROTECT, related_name="loans")
    product = models.CharField(max_length=64, blank=True, help_text="Lender's product code.")
    currency = models.CharField(max_length=3, validators=[validate_currency])
    principal = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    outstanding_balance = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0"))])
    due_date = models.DateField(help_text="When the (first missed) payment was due.")
    # Ability-to-pay signals the lender shares (income band, other loans current, ...).
    lender_data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Loan {self.external_id}"
