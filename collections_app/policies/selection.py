"""Which policy governs a case, and which champion/challenger variant it gets."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

CHAMPION = "champion"


@dataclass(frozen=True)
class PolicySnapshot:
    """The parts of a CollectionPolicy row the run needs, read once per batch."""

    id: int
    key: str
    variant: str
    version: int
    jurisdiction: str = ""
    product: str = ""
    segment: str = ""
    traffic_percent: int = 0
    segmentation: Mapping[str, Any] = field(default_factory=dict)
    stages: Mapping[str, Any] = field(default_factory=dict)
    channel_switch: Mapping[str, str] = field(default_factory=dict)
    default_time_zone: str = ""
    promises: Mapping[str, Any] = field(default_factory=dict)  # see policies/promises.py
    outreach: Mapping[str, Any] = field(default_factory=dict)  # see policies/outreach.py

    @property
    def specificity(self) -> int:
        return bool(self.jurisdiction) + bool(self.product) + bool(self.segment)


def _matches(policy: PolicySnapshot, jurisdiction: str, product: str, segment: str | None) -> bool:
    if policy.jurisdiction and policy.jurisdiction != jurisdiction:
        return False
    if policy.product and policy.product != product:
        return False
    if segment is None:  # choosing the policy whose segmentation rules score the case
        return not policy.segment
    return not policy.segment or policy.segment == segment


def choose_policy(
    policies: Iterable[PolicySnapshot], *, jurisdiction: str, product: str, segment: str | None
) -> PolicySnapshot | None:
    """The most specific current champion for the case (ties: the lowest key, for stability)."""
    candidates = [
        p for p in policies if p.variant == CHAMPION and _matches(p, jurisdiction, product, segment)
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda p: (-p.specificity, p.key))


def traffic_bucket(case_id: int, policy_key: str) -> int:
    """0-99, the same for a case and a policy key on every run and every machine (not `hash()`,
    which Python salts per process)."""
    digest = hashlib.blake2b(f"{policy_key}:{case_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % 100


def assign_variant(
    case_id: int, champion: PolicySnapshot, challengers: Sequence[PolicySnapshot]
) -> PolicySnapshot:
    """Challengers (in name order) take their traffic_percent of buckets; the champion the rest."""
    bucket = traffic_bucket(case_id, champion.key)
    floor = 0
    for challenger in sorted(challengers, key=lambda p: p.variant):
        floor += challenger.traffic_percent
        if bucket < floor:
            return challenger
    return champion
