"""What a payment takes off a loan's balance, part by part (collections_app/lender/balances.py)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from collections_app.lender.balances import Balance, balance_paid


@pytest.mark.parametrize(
    ("amount", "taken"),
    [
        ("10", Balance(D("0"), D("0"), D("10"))),
        ("25", Balance(D("0"), D("0"), D("25"))),
        ("60", Balance(D("0"), D("35"), D("25"))),
        ("100", Balance(D("40"), D("35"), D("25"))),
        ("5000", Balance(D("1000"), D("35"), D("25"))),  # never more than there is
    ],
)
def test_a_payment_takes_fees_then_interest_then_principal(amount, taken):
    balance = Balance(principal=D("1000"), interest=D("35"), fees=D("25"))
    paid = balance_paid(balance, D(amount))
    assert paid == taken
    assert (balance - paid).total == max(balance.total - D(amount), D("0"))
    assert (balance - paid) + paid == balance
