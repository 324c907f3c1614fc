"""What every API view shares: the key authentication and problem answers come from settings
(REST_FRAMEWORK); this adds the 401/403 answers to every operation's schema."""

from __future__ import annotations

import re

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse

from collections_app.api.problems import ApiProblem
from collections_app.api.serializers_common import ProblemSerializer

PROBLEM = "application/problem+json"


def problem(description: str | Promise) -> OpenApiResponse:
    return OpenApiResponse(ProblemSerializer, description=description)


def problem_responses(*statuses: int) -> dict:
    """The problem answers an operation can give, for extend_schema(responses=...)."""
    words = {
        400: gettext_lazy("Malformed request (JSON, header, query parameter)."),
        401: gettext_lazy("No API key, or one that is unknown, revoked or expired."),
        403: gettext_lazy("The key's scope does not allow this."),
        404: gettext_lazy("Not found."),
        405: gettext_lazy("Method not allowed."),
        406: gettext_lazy("Only application/json answers are offered."),
        409: gettext_lazy("A request with the same Idempotency-Key is still being processed."),
        413: gettext_lazy("The body is too large."),
        415: gettext_lazy("The body must be application/json."),
        422: gettext_lazy(
            "The record is not valid, or refers to something we do not hold (see errors)."
        ),
    }
    return {(s, PROBLEM): problem(words[s]) for s in (401, 403, 405, 406, *statuses)}


# Ids the database can hold: a larger number is simply not found (never an overflow 500).
_ID = re.compile(r"^[1-9][0-9]{0,17}$")


def parse_id(raw: str) -> int:
    if not _ID.match(raw):
        raise ApiProblem(_("No such case."), status_code=404, problem_type="not-found")
    return int(raw)


class Shown:
    """A row as a serializer reads it: its own attributes, and what was computed for it."""

    def __init__(self, row: object, **computed: object) -> None:
        self._row = row
        self.__dict__.update(computed)

    def __getattr__(self, name: str) -> object:
        return getattr(self._row, name)
