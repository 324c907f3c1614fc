"""From a request body to a record: the body must be a JSON object, an id in the path and in
the body must agree, and the record parser (lender/records.py) has the last word."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.utils.translation import gettext as _
from rest_framework.request import Request

from collections_app.api.problems import InvalidRecord
from collections_app.problems import Problem

R = TypeVar("R")
Parser = Callable[[Mapping[str, Any]], tuple[R | None, list[Problem]]]


def body_object(request: Request) -> dict[str, Any]:
    data = request.data
    if not isinstance(data, dict):
        raise InvalidRecord(problems=[Problem("", _("The body must be a JSON object."))])
    return data


def with_path_id(data: dict[str, Any], field: str, path_value: str) -> dict[str, Any]:
    """The path names the record: the body may repeat its id, never contradict it."""
    if field in data and data[field] not in (None, "") and data[field] != path_value:
        raise InvalidRecord(
            problems=[Problem(field, _("must be the id in the address (%s)") % path_value)]
        )
    return {**data, field: path_value}


def parsed(parse: Parser[R], data: Mapping[str, Any]) -> R:
    record, problems = parse(data)
    if record is None:
        raise InvalidRecord(problems=problems)
    return record


def plain_json(value: Any) -> Any:
    """A JSON value as json.loads gives it by default: bodies are read with Decimal for
    fractions (amounts stay exact), a signal's free-form value wants plain numbers."""
    if isinstance(value, Decimal):
        return float(value)  # only fractions and exponents are read as Decimal
    if isinstance(value, dict):
        return {k: plain_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_json(v) for v in value]
    return value
