"""The error report's rows: what a person opens in a spreadsheet, so nothing in it may run there.

A cell the lender's file put there (an unknown column's name, a JSON key) that starts like a
formula (`=HYPERLINK(...)`) is written with a leading apostrophe, which spreadsheets show as text;
phone numbers and emails a message quotes are masked, as in every export."""

from __future__ import annotations

from collections_app.masking import mask_text

HEADER = ("line", "field", "message")
# What spreadsheets read as the start of a formula (OWASP: CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# The longest field path kept (ImportProblem.path).
PATH_MAX = 200


def report_cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def report_row(line: int, path: str, message: str) -> tuple[int, str, str]:
    """One problem as the report writes it (and as a job stores it)."""
    return line, report_cell(path[:PATH_MAX]), report_cell(mask_text(message))
