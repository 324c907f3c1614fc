"""A policy's payment terms: the plans an agent may offer and the settlement discounts each role
may give. Pure: parsing and validation of CollectionPolicy.payment_terms.

`payment_terms` is JSON like DEFAULTS; a key it lacks reads as the shipped default, so a policy
saved before the terms existed offers what ships. `segments` overrides `plans` or `settlements`
key by key for one segment (hardship cases get longer plans with smaller instalments):

    {"plans": {"installment_counts": [3, 6, 12], "min_installment": 20,
               "first_due_within_days": 14, "frequencies": ["weekly", "fortnightly", "monthly"],
               "remainder": "last"},
     "settlements": {"max_discount_percent": {"agent": 10, "supervisor": 30},
                     "offer_valid_days": 14, "pay_within_days": 30,
                     "installment_counts": [3, 6]},
     "segments": {"hardship": {"plans": {"installment_counts": [3, 6, 12, 24]}}}}

- min_installment: in the loan's currency (a policy is per jurisdiction, so per currency).
- remainder: which instalment carries the cents a division leaves over ("last" or "first").
- max_discount_percent: per role (the groups in roles.py); a person's limit is the highest of
  their roles'. A discount above the offering person's limit waits for a second person whose
  limit covers it.
- offer_valid_days: an offer not accepted by then lapses; pay_within_days: a settlement paid in
  one sum is due within this many days of its acceptance; installment_counts: the plans a
  settlement may be paid through (their frequencies and minimum are the plans').
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from collections_app.models.choices import Segment
from collections_app.problems import Problem

FREQUENCIES = ("weekly", "fortnightly", "monthly")
REMAINDERS = ("first", "last")
MAX_INSTALLMENTS = 60
MAX_DAYS = 365
FIELD = "payment_terms"

DEFAULTS: dict[str, Any] = {
    "plans": {
        "installment_counts": [3, 6, 12],
        "min_installment": 20,
        "first_due_within_days": 14,
        "frequencies": list(FREQUENCIES),
        "remainder": "last",
    },
    "settlements": {
        "max_discount_percent": {"agent": 10, "supervisor": 30},
        "offer_valid_days": 14,
        "pay_within_days": 30,
        "installment_counts": [3, 6],
    },
    # Hardship: able to pay little at a time (policy choice).
    "segments": {"hardship": {"plans": {"installment_counts": [3, 6, 12, 24]}}},
}
PARTS = ("plans", "settlements")


@dataclass(frozen=True)
class PlanTerms:
    installment_counts: tuple[int, ...]
    min_installment: Decimal
    first_due_within_days: int
    frequencies: tuple[str, ...]
    remainder: str


@dataclass(frozen=True)
class SettlementTerms:
    max_discount_percent: Mapping[str, Decimal]
    offer_valid_days: int
    pay_within_days: int
    installment_counts: tuple[int, ...]

    def limit_for(self, roles: Iterable[str]) -> Decimal:
        """The highest discount (percent) any of these roles may give; 0 for none."""
        return max((self.max_discount_percent.get(r, Decimal("0")) for r in roles), default=0)

    @property
    def highest_limit(self) -> Decimal:
        return max(self.max_discount_percent.values(), default=Decimal("0"))


@dataclass(frozen=True)
class PaymentTerms:
    plans: PlanTerms
    settlements: SettlementTerms


def _part(raw: Mapping[str, Any] | None, part: str, segment: str) -> dict[str, Any]:
    raw = raw or {}
    values = copy.deepcopy(DEFAULTS[part])
    values.update(raw.get(part) or {})
    segments = raw.get("segments", DEFAULTS["segments"]) or {}
    values.update((segments.get(segment) or {}).get(part) or {})
    return values


def payment_terms(raw: Mapping[str, Any] | None, segment: str = "") -> PaymentTerms:
    """The terms for a case of `segment` under a policy's `payment_terms` (None: the defaults)."""
    plans = _part(raw, "plans", segment)
    settlements = _part(raw, "settlements", segment)
    return PaymentTerms(
        plans=PlanTerms(
            installment_counts=tuple(int(c) for c in plans["installment_counts"]),
            min_installment=Decimal(str(plans["min_installment"])),
            first_due_within_days=int(plans["first_due_within_days"]),
            frequencies=tuple(plans["frequencies"]),
            remainder=plans["remainder"],
        ),
        settlements=SettlementTerms(
            max_discount_percent={
                role: Decimal(str(limit))
                for role, limit in settlements["max_discount_percent"].items()
            },
            offer_valid_days=int(settlements["offer_valid_days"]),
            pay_within_days=int(settlements["pay_within_days"]),
            installment_counts=tuple(int(c) for c in settlements["installment_counts"]),
        ),
    )


# --- validation


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_days(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_DAYS


def _counts(path: str, value: object) -> list[Problem]:
    if (
        not isinstance(value, list)
        or not value
        or not all(
            isinstance(c, int) and not isinstance(c, bool) and 1 <= c <= MAX_INSTALLMENTS
            for c in value
        )
    ):
        return [
            Problem(
                path,
                _("must be a list of instalment counts from 1 to %(max)s, like [3, 6, 12]")
                % {"max": MAX_INSTALLMENTS},
            )
        ]
    return []


def _unknown(path: str, raw: Mapping[str, Any], known: Iterable[str]) -> list[Problem]:
    known = list(known)
    return [
        Problem(
            f"{path}.{key}",
            _("unknown key (known: %(known)s)") % {"known": ", ".join(known)},
        )
        for key in raw
        if key not in known
    ]


def _plans(path: str, raw: object) -> list[Problem]:
    if not isinstance(raw, Mapping):
        return [
            Problem(path, _("must be an object like %(example)s") % {"example": DEFAULTS["plans"]})
        ]
    problems = _unknown(path, raw, DEFAULTS["plans"])
    if "installment_counts" in raw:
        problems += _counts(f"{path}.installment_counts", raw["installment_counts"])
    if "min_installment" in raw and (
        not _is_number(raw["min_installment"]) or raw["min_installment"] <= 0
    ):
        problems.append(Problem(f"{path}.min_installment", _("must be a positive amount")))
    if "first_due_within_days" in raw and not _is_days(raw["first_due_within_days"]):
        problems.append(
            Problem(
                f"{path}.first_due_within_days",
                _("must be a whole number of days from 0 to %(max)s") % {"max": MAX_DAYS},
            )
        )
    if "frequencies" in raw:
        value = raw["frequencies"]
        if not isinstance(value, list) or not value or any(f not in FREQUENCIES for f in value):
            problems.append(
                Problem(
                    f"{path}.frequencies",
                    _("must be a list of %(known)s") % {"known": ", ".join(FREQUENCIES)},
                )
            )
    if "remainder" in raw and raw["remainder"] not in REMAINDERS:
        problems.append(
            Problem(
                f"{path}.remainder",
                _('must be "first" or "last" (the instalment that carries the leftover cents)'),
            )
        )
    return problems


def _settlements(path: str, raw: object) -> list[Problem]:
    if not isinstance(raw, Mapping):
        return [
            Problem(
                path, _("must be an object like %(example)s") % {"example": DEFAULTS["settlements"]}
            )
        ]
    problems = _unknown(path, raw, DEFAULTS["settlements"])
    if "max_discount_percent" in raw:
        limits = raw["max_discount_percent"]
        if not isinstance(limits, Mapping) or not limits:
            problems.append(
                Problem(
                    f"{path}.max_discount_percent",
                    _('must be an object of role: percent, like {"agent": 10, "supervisor": 30}'),
                )
            )
        else:
            for role, limit in limits.items():
                if not _is_number(limit) or not 0 <= limit < 100:
                    problems.append(
                        Problem(
                            f"{path}.max_discount_percent.{role}",
                            _("must be a percent from 0 to below 100"),
                        )
                    )
    for key in ("offer_valid_days", "pay_within_days"):
        if key in raw and (not _is_days(raw[key]) or raw[key] < 1):
            problems.append(
                Problem(
                    f"{path}.{key}",
                    _("must be a whole number of days from 1 to %(max)s") % {"max": MAX_DAYS},
                )
            )
    if "installment_counts" in raw:
        problems += _counts(f"{path}.installment_counts", raw["installment_counts"])
    return problems


def payment_terms_problems(raw: object) -> list[Problem]:
    """Everything wrong with a policy's payment_terms; empty when usable."""
    if raw in (None, {}):
        return []
    if not isinstance(raw, Mapping):
        return [Problem(FIELD, _("must be a JSON object like %(example)s") % {"example": DEFAULTS})]
    problems = _unknown(FIELD, raw, DEFAULTS)
    if "plans" in raw:
        problems += _plans(f"{FIELD}.plans", raw["plans"])
    if "settlements" in raw:
        problems += _settlements(f"{FIELD}.settlements", raw["settlements"])
    segments = raw.get("segments", {})
    if not isinstance(segments, Mapping):
        return [*problems, Problem(f"{FIELD}.segments", _("must be an object of segments"))]
    known_segments = [s for s in Segment.values if s]
    for segment, override in segments.items():
        path = f"{FIELD}.segments.{segment}"
        if segment not in known_segments:
            problems.append(
                Problem(
                    path,
                    _("unknown segment (use %(known)s)") % {"known": ", ".join(known_segments)},
                )
            )
            continue
        if not isinstance(override, Mapping):
            problems.append(Problem(path, _('must be an object with "plans" and/or "settlements"')))
            continue
        problems += _unknown(path, override, PARTS)
        if "plans" in override:
            problems += _plans(f"{path}.plans", override["plans"])
        if "settlements" in override:
            problems += _settlements(f"{path}.settlements", override["settlements"])
    return problems
