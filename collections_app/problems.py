"""A problem found in configuration a person edits (a policy, a contact-rules profile): where it
is, as a JSON path from the field (`stages.reminder.cadence[1].channel`), and what is wrong, in
words that say how to fix it. Validation functions return lists of these; forms show them beside
the field they are in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    @property
    def field(self) -> str:
        """The form field the problem is in: the path's first step."""
        return self.path.split(".", 1)[0].split("[", 1)[0]

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def problems_by_field(problems: Iterable[Problem]) -> dict[str, list[str]]:
    """{field: ["path: message", ...]}, the shape ValidationError takes for a form."""
    out: dict[str, list[str]] = {}
    for problem in problems:
        out.setdefault(problem.field, []).append(str(problem))
    return out
