"""Behaviour segmentation: an explainable score, every weight and threshold policy data.

Each rule is `{"segment", "signal", "op", "value", "weight"}`: when `signal op value` holds, the
segment's score gains `weight`. The first segment in `priority` whose score reaches its threshold
wins; the reasons are the rules that counted for it. No rule reached: `default`.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

OPS = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}


@dataclass  # not frozen: built a million times a night, and frozen __init__ is slower
class Signals:
    """What we know about one case tonight. Windowed counts use the policy's lookback."""

    days_past_due: int = 0
    amount_overdue: float = 0.0
    delivered_contacts: int = 0  # delivered SMS/email, voicemail, unanswered calls in the window
    # Delivered contacts in the window when the borrower did not engage in it (no reply, no
    # payment, no promise that is not broken).
    delivered_unanswered: int = 0
    failed_contacts: int = 0  # undeliverable: bad number, bounced email
    connected_calls: int = 0
    replies: int = 0
    # Signals that do not expire with the window: who the borrower has shown themselves to be.
    replied_ever: int = 0  # 1: the borrower has replied on this case at some point
    bad_contact_point: int = 0  # 1: a provider refused a phone number or email they still have
    dispute_open: int = 0  # a reply marked as a dispute, or an unreleased dispute hold
    promises_kept: int = 0
    promises_broken: int = 0
    partial_payments: int = 0
    missed_installments: int = 0
    days_since_contact: int = 9999  # since the borrower last replied or talked to us
    has_address: int = 1  # 0: neither a phone number nor an email address
    income_high: int = 0  # lender_data income_band == "high"
    income_low: int = 0
    other_loans_current: int = 0  # lender_data: the borrower keeps paying other lenders

    def as_dict(self) -> dict[str, Any]:
        return vars(self)


@dataclass(frozen=True)
class Segmentation:
    segment: str
    score: float
    threshold: float
    reasons: tuple[str, ...]


def _reason(rule: Mapping[str, Any], actual: Any) -> str:
    # Signed: a rule may count against a segment ("(-2)"), not only for it ("(+2)").
    return f"{rule['signal']}={actual} {rule['op']} {rule['value']} ({rule['weight']:+g})"


def segment_case(signals: Signals, config: Mapping[str, Any]) -> Segmentation:
    values = signals.as_dict()
    scores: dict[str, float] = {}
    reasons: dict[str, list[str]] = {}
    for rule in config.get("rules", ()):
        actual = values[rule["signal"]]
        if OPS[rule["op"]](actual, rule["value"]):
            segment = rule["segment"]
            scores[segment] = scores.get(segment, 0) + rule["weight"]
            reasons.setdefault(segment, []).append(_reason(rule, actual))
    thresholds = config.get("thresholds", {})
    for segment in config.get("priority", ()):
        score = scores.get(segment, 0)
        threshold = thresholds.get(segment)
        if threshold is not None and score >= threshold:
            return Segmentation(segment, score, threshold, tuple(reasons[segment]))
    default = config.get("default", "self_cure")
    return Segmentation(default, 0, 0, ("no rule reached its threshold",))
