"""Every error the API answers is `application/problem+json` (RFC 9457):
`{"type", "title", "status", "detail", "errors": [{"path", "message"}]}`, where `errors` holds the
field-level problems (JSON paths into the body, as records.parse_* report them, or the query
parameter's name). Client input never reaches a 500: what the parsers, the services and Django
reject is mapped here to a 4xx."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response

from collections_app.lender.results import LenderDataError
from collections_app.problems import Problem

PROBLEM_JSON = "application/problem+json"
# Problem types are relative URIs documented in README "The lender API"; "about:blank" means
# the HTTP status says it all (RFC 9457 §4.2.1).
TYPE_PREFIX = "/api/problems/"


class ApiProblem(exceptions.APIException):
    """An answer of ours with a problem type and, optionally, field-level problems."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    problem_type = "invalid-request"
    default_detail = gettext_lazy("The request cannot be applied.")

    def __init__(
        self,
        detail: str | None = None,
        *,
        problems: Iterable[Problem] = (),
        status_code: int | None = None,
        problem_type: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.problems = list(problems)
        if status_code is not None:
            self.status_code = status_code
        if problem_type is not None:
            self.problem_type = problem_type


class InvalidRecord(ApiProblem):
    problem_type = "invalid-record"
    default_detail = gettext_lazy("The record is not valid: see errors.")


class PayloadTooLarge(ApiProblem):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    problem_type = "payload-too-large"
    default_detail = gettext_lazy("The request body is too large.")


# The problem type of each of DRF's exceptions; titles are the HTTP reason phrases.
_TYPES: dict[type[Exception], str] = {
    exceptions.ParseError: "malformed-body",
    exceptions.UnsupportedMediaType: "unsupported-media-type",
    exceptions.AuthenticationFailed: "unauthenticated",
    exceptions.NotAuthenticated: "unauthenticated",
    exceptions.PermissionDenied: "forbidden",
    exceptions.NotFound: "not-found",
    exceptions.MethodNotAllowed: "method-not-allowed",
    exceptions.NotAcceptable: "not-acceptable",
    exceptions.Throttled: "throttled",
    exceptions.ValidationError: "invalid-request",
}


# The titles, in the reader's language: the HTTP reason phrases of the statuses we answer with
# (others keep the phrase as HTTP spells it).
_TITLES = {
    400: gettext_lazy("Bad Request"),
    401: gettext_lazy("Unauthorized"),
    403: gettext_lazy("Forbidden"),
    404: gettext_lazy("Not Found"),
    405: gettext_lazy("Method Not Allowed"),
    406: gettext_lazy("Not Acceptable"),
    409: gettext_lazy("Conflict"),
    413: gettext_lazy("Request Entity Too Large"),
    415: gettext_lazy("Unsupported Media Type"),
    422: gettext_lazy("Unprocessable Entity"),
    429: gettext_lazy("Too Many Requests"),
    500: gettext_lazy("Internal Server Error"),
    503: gettext_lazy("Service Unavailable"),
}


def problem_body(
    *, status_code: int, detail: str, problem_type: str, problems: Iterable[Problem] = ()
) -> dict[str, Any]:
    from http import HTTPStatus

    body: dict[str, Any] = {
        "type": f"{TYPE_PREFIX}{problem_type}",
        "title": str(_TITLES.get(status_code, HTTPStatus(status_code).phrase)),
        "status": status_code,
        "detail": str(detail),
    }
    errors = [{"path": p.path, "message": str(p.message)} for p in problems]
    if errors:
        body["errors"] = errors
    return body


def problem_response(
    *,
    status_code: int,
    detail: str,
    problem_type: str,
    problems: Iterable[Problem] = (),
    headers: Mapping[str, str] | None = None,
) -> Response:
    return Response(
        problem_body(
            status_code=status_code, detail=detail, problem_type=problem_type, problems=problems
        ),
        status=status_code,
        content_type=PROBLEM_JSON,
        headers=dict(headers or {}),
    )


def _drf_problems(detail: Any, path: str = "") -> list[Problem]:
    """A DRF ValidationError's nested detail as (path, message) pairs."""
    if isinstance(detail, Mapping):
        out: list[Problem] = []
        for key, value in detail.items():
            child = f"{path}.{key}" if path else str(key)
            if key == "non_field_errors":
                child = path
            out += _drf_problems(value, child)
        return out
    if isinstance(detail, list | tuple):
        if all(not isinstance(v, Mapping | list | tuple) for v in detail):
            return [Problem(path, str(v)) for v in detail]
        out = []
        for index, value in enumerate(detail):
            out += _drf_problems(value, f"{path}[{index}]")
        return out
    return [Problem(path, str(detail))]


def _django_problems(exc: DjangoValidationError) -> list[Problem]:
    if hasattr(exc, "error_dict"):
        return [
            Problem(field if field != "__all__" else "", message)
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [Problem("", message) for message in exc.messages]


def problem_exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    """REST framework's EXCEPTION_HANDLER. Unknown exceptions return None: a bug of ours is a
    500, logged, not dressed up as the client's fault."""
    if isinstance(exc, ApiProblem):
        return problem_response(
            status_code=exc.status_code,
            detail=str(exc.detail),
            problem_type=exc.problem_type,
            problems=exc.problems,
        )
    if isinstance(exc, LenderDataError):
        # The record is fine; what it refers to we do not hold, or it contradicts what we hold.
        return problem_response(
            status_code=422,
            detail=_("The record does not fit what we hold: see errors."),
            problem_type="lender-data",
            problems=exc.problems,
        )
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
        return problem_exception_handler(exc, context)
    if isinstance(exc, DjangoValidationError):
        problems = _django_problems(exc)
        return problem_response(
            status_code=422,
            detail=_("The request cannot be applied: see errors."),
            problem_type="invalid-request",
            problems=problems,
        )
    if isinstance(exc, SuspiciousOperation):
        return problem_response(
            status_code=400, detail=_("The request was refused."), problem_type="bad-request"
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    problem_type = next((t for cls, t in _TYPES.items() if isinstance(exc, cls)), "error")
    if isinstance(exc, exceptions.ValidationError):
        status_code = 422 if exc.status_code == 400 else exc.status_code
        return problem_response(
            status_code=status_code,
            detail=_("The request is not valid: see errors."),
            problem_type=problem_type,
            problems=_drf_problems(exc.detail),
            headers=headers,
        )
    detail = exc.detail if isinstance(exc.detail, str) else _("The request was refused.")
    return problem_response(
        status_code=exc.status_code, detail=detail, problem_type=problem_type, headers=headers
    )


@csrf_exempt  # no session and no form: a POST to a wrong address is a 404 like any other
def api_not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Any other address under /api/: a problem, not Django's HTML page."""
    body = problem_body(
        status_code=404, detail=_("There is no such address in the API."), problem_type="not-found"
    )
    return JsonResponse(body, status=404, content_type=PROBLEM_JSON)
