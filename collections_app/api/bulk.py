"""A bulk call: every row parsed on its own, the valid ones applied together (set-based, by the
service, which rejects the rows that refer to what we do not hold), each row's outcome reported
by its index. A bad row never stops the others."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from collections_app.lender.results import REJECTED, UpsertResult
from collections_app.problems import Problem

MAX_ROWS = 1000


@dataclass
class RowOutcome:
    index: int
    external_id: str
    status: str  # created | updated | unchanged | rejected
    errors: list[Problem] = field(default_factory=list)


def _id_of(row: object, id_field: str) -> str:
    value = row.get(id_field) if isinstance(row, Mapping) else None
    return value.strip()[:64] if isinstance(value, str) else ""


def bulk_apply(
    rows: Sequence[object],
    *,
    parse: Callable[[Mapping[str, Any]], tuple[Any, list[Problem]]],
    id_field: str,
    apply_many: Callable[[list[Any]], list[UpsertResult]],
) -> list[RowOutcome]:
    outcomes: dict[int, RowOutcome] = {}
    valid: list[tuple[int, Any]] = []
    for index, row in enumerate(rows):
        record, problems = parse(row)  # type: ignore[arg-type]  # a parser takes any value
        if record is None:
            outcomes[index] = RowOutcome(index, _id_of(row, id_field), REJECTED, problems)
        else:
            valid.append((index, record))
    if valid:
        results = apply_many([record for _index, record in valid])
        for (index, record), result in zip(valid, results, strict=True):
            outcomes[index] = RowOutcome(
                index, getattr(record, id_field), result.status, list(result.problems)
            )
    return [outcomes[i] for i in range(len(rows))]
