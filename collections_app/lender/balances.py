"""A loan's balance in its parts, and what a payment takes off them. Pure.

The lender's report is the truth as of its date; between two reports a payment lowers the
balance and a reversal raises it again. Which part a payment pays is the lender's rule, which we
do not know; we take fees first, then interest, then principal (the usual order, and the one
that leaves the least interest accruing), and the lender's next report sets the parts as they
really are. The total is right either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0")


@dataclass(frozen=True)
class Balance:
    principal: Decimal = ZERO
    interest: Decimal = ZERO
    fees: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.fees

    def __add__(self, other: Balance) -> Balance:
        return Balance(
            self.principal + other.principal, self.interest + other.interest, self.fees + other.fees
        )

    def __sub__(self, other: Balance) -> Balance:
        return Balance(
            self.principal - other.principal, self.interest - other.interest, self.fees - other.fees
        )


def balance_paid(balance: Balance, amount: Decimal) -> Balance:
    """What a payment of `amount` takes off each part: fees, then interest, then principal,
    never more than a part holds (a payment above the balance takes it to zero)."""
    fees = min(amount, balance.fees)
    interest = min(amount - fees, balance.interest)
    principal = min(amount - fees - interest, balance.principal)
    return Balance(principal=principal, interest=interest, fees=fees)
