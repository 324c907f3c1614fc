"""What the lender services answer: one result per record, and the error a single call raises
when the lender's data refers to something we do not have or contradicts what we have."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from collections_app.problems import Problem

CREATED, UPDATED, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"


class LenderDataError(ValueError):
    """The lender's data refers to something we do not have, or contradicts what we have.
    `problems` are at paths inside the record (`currency`, `borrower_external_id`)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class UpsertResult:
    """What one record did: "created", "updated" or "unchanged", with the row (`obj`) and what
    changed (`detail`); in a bulk call's results also "rejected", with `problems` (paths inside
    the record; a bulk call's results are in the order of its records)."""

    status: str
    obj: Any
    detail: dict[str, Any] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status != REJECTED


def rejected(problems: Sequence[Problem]) -> UpsertResult:
    return UpsertResult(REJECTED, None, {}, tuple(problems))


def single(results: list[UpsertResult]) -> UpsertResult:
    """The one result of a bulk call made for one record; raises its problems."""
    (result,) = results
    if not result.ok:
        raise LenderDataError(result.problems)
    return result
