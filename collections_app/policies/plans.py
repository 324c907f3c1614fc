"""Payment plans as a policy offers them: which plans, and each one's schedule. Pure functions.

`plan_schedule` splits a total into instalments that sum to it exactly, to the cent: every
instalment is the total divided by the count, rounded down to the cent, and the cents left over
go on the last instalment (or the first, as the policy says). `plan_offers` lists what the
policy allows for a balance (policies/payment_terms.py holds the terms); `plan_offer_problems`
says, in words for the agent, why a requested plan is outside the policy.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext as _

from collections_app.policies.payment_terms import FREQUENCIES, PlanTerms

CENT = Decimal("0.01")
FIRST, LAST = "first", "last"


def frequency_label(frequency: str) -> str:
    return {"weekly": _("weekly"), "fortnightly": _("fortnightly"), "monthly": _("monthly")}.get(
        frequency, frequency
    )


def _add_months(day: dt.date, months: int, anchor_day: int) -> dt.date:
    """`months` after `day`, on `anchor_day` or the month's last day when it is shorter
    (31 January, 28 February, 31 March: the day the borrower agreed, not a drifting one)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(anchor_day, calendar.monthrange(year, month)[1]))


def due_dates(*, first_due: dt.date, count: int, frequency: str) -> list[dt.date]:
    if frequency not in FREQUENCIES:
        raise ValueError(f"unknown frequency {frequency!r}")
    if frequency == "monthly":
        return [_add_months(first_due, i, first_due.day) for i in range(count)]
    step = dt.timedelta(days=7 if frequency == "weekly" else 14)
    return [first_due + step * i for i in range(count)]


def split_amount(total: Decimal, count: int, *, remainder: str = LAST) -> list[Decimal]:
    """`count` amounts in cents summing exactly to `total`; the leftover cents on one of them."""
    if count < 1:
        raise ValueError("a plan has at least one instalment")
    total = Decimal(total)
    if total != total.quantize(CENT):
        raise ValueError(f"{total} is not a whole number of cents")
    regular = (total / count).quantize(CENT, rounding=ROUND_DOWN)
    if regular <= 0:
        raise ValueError(f"{total} cannot be split into {count} instalments of at least {CENT}")
    amounts = [regular] * count
    odd = total - regular * count
    amounts[0 if remainder == FIRST else -1] += odd
    return amounts


def plan_schedule(
    *,
    total: Decimal,
    count: int,
    first_due: dt.date,
    frequency: str,
    remainder: str = LAST,
) -> list[tuple[dt.date, Decimal]]:
    """(due date, amount) per instalment; the amounts sum to `total` exactly."""
    amounts = split_amount(total, count, remainder=remainder)
    return list(
        zip(due_dates(first_due=first_due, count=count, frequency=frequency), amounts, strict=True)
    )


@dataclass(frozen=True)
class PlanOffer:
    count: int
    frequency: str
    installment: Decimal  # the regular instalment
    odd_installment: Decimal  # the one that carries the leftover cents (== installment if none)
    remainder: str = LAST  # which one that is

    @property
    def key(self) -> str:
        """How a form names the offer: "6-monthly"."""
        return f"{self.count}-{self.frequency}"

    def label(self, currency: str) -> str:
        text = _("%(count)s instalments of %(amount)s %(currency)s, %(frequency)s") % {
            "count": self.count,
            "amount": self.installment,
            "currency": currency,
            "frequency": frequency_label(self.frequency),
        }
        if self.odd_installment != self.installment:
            odd = (
                _("(the first: %(amount)s %(currency)s)")
                if self.remainder == FIRST
                else _("(the last: %(amount)s %(currency)s)")
            )
            text += " " + odd % {"amount": self.odd_installment, "currency": currency}
        return text


def plan_offers(*, terms: PlanTerms, total: Decimal) -> list[PlanOffer]:
    """Every plan the policy allows for `total`: each count and frequency whose regular
    instalment is at least the policy's minimum, fewest instalments first."""
    offers = []
    for count in sorted(terms.installment_counts):
        try:
            amounts = split_amount(total, count, remainder=terms.remainder)
        except ValueError:
            continue
        regular = amounts[1] if count > 1 and terms.remainder == FIRST else amounts[0]
        odd = amounts[0] if terms.remainder == FIRST else amounts[-1]
        if min(regular, odd) < terms.min_installment:
            continue
        offers.extend(PlanOffer(count, f, regular, odd, terms.remainder) for f in terms.frequencies)
    return offers


def plan_offer_problems(
    *,
    terms: PlanTerms,
    total: Decimal,
    count: int,
    frequency: str,
    first_due: dt.date,
    today: dt.date,
    currency: str = "",
) -> list[str]:
    """Why this plan is outside the policy, in words for the agent; empty when it is allowed."""
    problems = []
    if count not in terms.installment_counts:
        problems.append(
            _("The policy offers %(counts)s instalments, not %(count)s.")
            % {"counts": ", ".join(map(str, sorted(terms.installment_counts))), "count": count}
        )
    if frequency not in terms.frequencies:
        problems.append(
            _("The policy allows %(allowed)s payments, not %(frequency)s.")
            % {
                "allowed": ", ".join(frequency_label(f) for f in terms.frequencies),
                "frequency": frequency_label(frequency),
            }
        )
    if first_due < today:
        problems.append(_("The first instalment cannot be due in the past."))
    elif first_due > today + dt.timedelta(days=terms.first_due_within_days):
        problems.append(
            _("The first instalment must be due within %(days)s days (by %(date)s).")
            % {
                "days": terms.first_due_within_days,
                "date": today + dt.timedelta(days=terms.first_due_within_days),
            }
        )
    allowed = {o.count for o in plan_offers(terms=terms, total=total)}
    if count in terms.installment_counts and count not in allowed:
        problems.append(
            _(
                "%(count)s instalments of %(total)s %(currency)s would be less than the "
                "minimum instalment of %(minimum)s %(currency)s."
            )
            % {
                "count": count,
                "total": total,
                "currency": currency,
                "minimum": terms.min_installment,
            }
        )
    return problems
