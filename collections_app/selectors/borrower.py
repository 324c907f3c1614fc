"""One borrower across all their loans: the loans, every case of each, and the money per
currency. A fixed number of queries however many loans the borrower has (two: loans, cases)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from collections_app.models import Borrower, ChannelConsent, CollectionCase, ContactHold, Loan
from collections_app.states import OPEN_STATES

# A borrower page lists this many loans (a portfolio's borrowers have a handful; a data error
# that gave one person thousands must not make the page unbounded).
LOANS_LIMIT = 100


@dataclass(frozen=True)
class CurrencyTotals:
    """Money in one currency. Amounts in different currencies are never added together."""

    currency: str
    outstanding: Decimal = Decimal("0")  # every loan's balance, as the lender reported it
    overdue: Decimal = Decimal("0")  # the open cases' amount overdue (what we collect)
    loans: int = 0
    open_cases: int = 0


@dataclass(frozen=True)
class LoanCases:
    loan: Loan
    cases: list[CollectionCase]  # newest first; at most one of them is open

    @property
    def open_case(self) -> CollectionCase | None:
        return next((c for c in self.cases if c.state in OPEN_STATES), None)


@dataclass(frozen=True)
class BorrowerOverview:
    loans: list[LoanCases]
    totals: list[CurrencyTotals]  # one per currency, by currency code
    case_ids: list[int] = field(default_factory=list)
    more_loans: bool = False

    @property
    def open_cases(self) -> list[CollectionCase]:
        return [c for lc in self.loans for c in lc.cases if c.state in OPEN_STATES]


def totals_per_currency(loans: list[LoanCases]) -> list[CurrencyTotals]:
    """One total per currency: outstanding over the loans, overdue over their open cases."""
    sums: dict[str, dict[str, Decimal | int]] = defaultdict(
        lambda: {"outstanding": Decimal("0"), "overdue": Decimal("0"), "loans": 0, "open": 0}
    )
    for entry in loans:
        row = sums[entry.loan.currency]
        row["outstanding"] += entry.loan.outstanding_balance
        row["loans"] += 1
        if (case := entry.open_case) is not None:
            row["overdue"] += case.amount_overdue
            row["open"] += 1
    return [
        CurrencyTotals(
            currency=currency,
            outstanding=row["outstanding"],
            overdue=row["overdue"],
            loans=row["loans"],
            open_cases=row["open"],
        )
        for currency, row in sorted(sums.items())
    ]


def borrower_overview(borrower: Borrower) -> BorrowerOverview:
    """The borrower's loans (newest first) with their cases and the assigned agents."""
    loans = list(borrower.loans.order_by("-id")[: LOANS_LIMIT + 1])
    more = len(loans) > LOANS_LIMIT
    loans = loans[:LOANS_LIMIT]
    by_loan: dict[int, list[CollectionCase]] = defaultdict(list)
    cases = (
        CollectionCase.objects.filter(loan_id__in=[loan.pk for loan in loans])
        .select_related("assigned_agent")
        .order_by("-opened_at", "-id")
    )
    case_ids = []
    for case in cases:
        by_loan[case.loan_id].append(case)
        case_ids.append(case.pk)
    entries = []
    for loan in loans:
        for case in by_loan[loan.pk]:
            case.loan = loan  # the page reads case.loan: no query per case
        entries.append(LoanCases(loan=loan, cases=by_loan[loan.pk]))
    return BorrowerOverview(
        loans=entries, totals=totals_per_currency(entries), case_ids=case_ids, more_loans=more
    )


def borrower_restrictions(borrower: Borrower) -> tuple[list[ContactHold], list[ChannelConsent]]:
    """What limits contact with the borrower now: active holds, and channels opted out of."""
    holds = list(borrower.holds.filter(released_at__isnull=True).order_by("recorded_at", "id"))
    opted_out = list(
        borrower.consents.filter(status=ChannelConsent.Status.OPTED_OUT).order_by("channel")
    )
    return holds, opted_out
