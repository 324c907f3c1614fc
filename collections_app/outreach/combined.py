"""What one message for several of a borrower's loans says (a policy's outreach per borrower,
policies/outreach.py): how many loans, and how much per currency, never added across currencies.

Read when the message is rendered, at dispatch, like a single loan's amount: the borrower's
active cases in the stage of the case the message is attached to, so a loan paid or paused
since the nightly run is no longer counted. One query per dispatch batch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from collections_app.models import CollectionCase, Loan, OutboundMessage
from collections_app.outreach import copy
from collections_app.outreach.outbox import is_borrower_message
from collections_app.states import ACTIVE_STATES


@dataclass(frozen=True)
class LoansTotal:
    loans: int
    overdue: tuple[tuple[str, Decimal], ...]  # (currency, amount), by currency
    outstanding: tuple[tuple[str, Decimal], ...]


def _money(amounts: tuple[tuple[str, Decimal], ...]) -> str:
    return " + ".join(f"{currency} {amount:,.2f}" for currency, amount in amounts)


def amount_due_text(total: LoansTotal, language: str) -> str:
    """'USD 425.50 on 2 loans' (in the borrower's language)."""
    return copy.pick(copy.LOANS_TOTAL, language).format(
        amounts=_money(total.overdue), count=total.loans
    )


def balance_text(total: LoansTotal) -> str:
    return _money(total.outstanding)


def loans_totals(messages: Iterable[OutboundMessage]) -> dict[int, LoansTotal]:
    """{message id: LoansTotal} for the per-borrower messages among `messages` (their case
    and borrower loaded); none for a borrower with one active case in that stage (the message
    then reads as any single loan's)."""
    combined = [m for m in messages if is_borrower_message(m.idempotency_key)]
    if not combined:
        return {}
    sums: dict[tuple[int, str], dict[str, list[Decimal]]] = defaultdict(
        lambda: defaultdict(lambda: [Decimal("0"), Decimal("0")])
    )
    loans: dict[tuple[int, str], int] = defaultdict(int)
    # Driven by the loans' borrower index (by state, the planner could walk most cases).
    of_borrowers = Loan.objects.filter(borrower_id__in={m.borrower_id for m in combined})
    for borrower_id, state, currency, overdue, outstanding in CollectionCase.objects.filter(
        loan_id__in=of_borrowers.values("pk"), state__in=ACTIVE_STATES
    ).values_list(
        "loan__borrower_id",
        "state",
        "loan__currency",
        "amount_overdue",
        "loan__outstanding_balance",
    ):
        sums[(borrower_id, state)][currency][0] += overdue
        sums[(borrower_id, state)][currency][1] += outstanding
        loans[(borrower_id, state)] += 1
    totals = {}
    for message in combined:
        key = (message.borrower_id, message.case.state)
        if loans.get(key, 0) < 2:
            continue
        by_currency = sorted(sums[key].items())
        totals[message.pk] = LoansTotal(
            loans=loans[key],
            overdue=tuple((c, amounts[0]) for c, amounts in by_currency),
            outstanding=tuple((c, amounts[1]) for c, amounts in by_currency),
        )
    return totals
