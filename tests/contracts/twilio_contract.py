"""Twilio's published REST contract (`twilio/twilio_api_v2010.json` beside this file), checked in
Python with openapi-core: every request our code sends in the channel tests is validated
against it, so a request Twilio would reject fails the test.

Stricter than Twilio in one way, on purpose: a form field or query parameter the contract does
not name is refused. Twilio ignores one, so a misspelt `StatusCalback` would be dropped there
without a word and the message would never report its delivery.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from rfc3986_validator import validate_rfc3986
from werkzeug.datastructures import Headers, ImmutableMultiDict

SPEC = Path(__file__).resolve().parent / "twilio" / "twilio_api_v2010.json"
HOST = "https://api.twilio.com"
FORM = "application/x-www-form-urlencoded"
# Twilio's own format: an E.164 number, a short code, or a channel address (`whatsapp:+1555...`).
PHONE_NUMBER = re.compile(r"\+[1-9]\d{1,14}|\d{3,8}|[a-z-]+:\S+")


@dataclass
class ContractRequest:
    """One HTTP request as it reached a test server (openapi-core's request protocol)."""

    method: str
    path: str
    query: list[tuple[str, str]]
    form: list[tuple[str, str]]
    authorization: str | None = None
    content_type: str = FORM
    path_parameters: dict[str, str] | None = None

    host_url = HOST

    def __post_init__(self) -> None:
        self.method = self.method.lower()  # openapi-core looks operations up in lower case

    @property
    def full_url_pattern(self) -> str:
        return HOST + self.path

    @property
    def parameters(self) -> RequestParameters:
        headers = {"Content-Type": self.content_type}
        if self.authorization:
            headers["Authorization"] = self.authorization
        return RequestParameters(
            query=ImmutableMultiDict(self.query),
            header=Headers(headers),
            cookie=ImmutableMultiDict(),
            path=self.path_parameters or {},
        )

    @property
    def body(self) -> bytes | None:
        return urlencode(self.form).encode() if self.method == "post" else None


@dataclass
class ContractResponse:
    status_code: int
    data: bytes
    content_type: str = "application/json"

    @property
    def headers(self) -> Headers:
        return Headers({"Content-Type": self.content_type})


def basic_auth(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


class TwilioContract:
    def __init__(self, spec_path: Path = SPEC) -> None:
        self.spec = json.loads(spec_path.read_text())
        phone = {"phone-number": lambda v: bool(PHONE_NUMBER.fullmatch(v))}
        self.api = OpenAPI.from_dict(self.spec, config=Config(extra_format_validators=phone))
        # Twilio answers its `uri` fields relative to https://api.twilio.com ("The URI of the
        # resource, relative to ..."), which the spec's `format: uri` would refuse.
        relative = {"uri": lambda v: bool(validate_rfc3986(v, rule="URI_reference"))}
        self.answers = OpenAPI.from_dict(
            self.spec, config=Config(extra_format_validators=phone | relative)
        )

    def request_violations(self, request: ContractRequest) -> list[str]:
        """What in `request` breaks the contract ([] when Twilio would accept its shape)."""
        found = self._operation(request)
        if found is None:
            return [f"{request.method.upper()} {request.path}: no such operation in Twilio's API"]
        operation, request.path_parameters = found
        problems = _unknown_fields(request, operation)
        result = self.api.unmarshal_request(request)
        problems += [_describe(error) for error in result.errors]
        return problems

    def response_violations(
        self, request: ContractRequest, response: ContractResponse
    ) -> list[str]:
        """What in a test server's answer is not shaped like Twilio's."""
        result = self.answers.unmarshal_response(request, response)
        return [_describe(error) for error in result.errors]

    def _operation(self, request: ContractRequest) -> tuple[dict[str, Any], dict[str, str]] | None:
        for template, operations in self.spec["paths"].items():
            parameters = _match(template, request.path)
            if parameters is not None and request.method in operations:
                return operations[request.method], parameters
        return None


def _unknown_fields(request: ContractRequest, operation: dict[str, Any]) -> list[str]:
    """Names the operation does not take. (openapi-core drops unknown form fields before it
    validates, so it cannot see them.)"""
    query = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
    schema = operation.get("requestBody", {}).get("content", {}).get(FORM, {}).get("schema", {})
    form = set(schema.get("properties", {}))
    return [
        f"query parameter {name!r} is not in the contract"
        for name in dict(request.query)
        if name not in query
    ] + [
        f"form field {name!r} is not in the contract"
        for name in dict(request.form)
        if name not in form
    ]


def _match(template: str, path: str) -> dict[str, str] | None:
    """The path parameters when `path` fits `template` (`/Accounts/{AccountSid}/{Sid}.json`)."""
    parts, wanted = template.split("/"), path.split("/")
    if len(parts) != len(wanted):
        return None
    parameters = {}
    for part, value in zip(parts, wanted, strict=True):
        if "{" not in part:
            if part != value:
                return None
            continue
        name, suffix = part[1 : part.index("}")], part[part.index("}") + 1 :]
        if not value.endswith(suffix) or len(value) == len(suffix):
            return None
        parameters[name] = value[: len(value) - len(suffix)]
    return parameters


def _describe(error: BaseException) -> str:
    """openapi-core's error with the schema errors under it (which field, and why)."""
    details: list[str] = []
    cause: BaseException | None = error
    while cause is not None:
        for schema_error in getattr(cause, "schema_errors", ()) or ():
            where = "/".join(str(p) for p in schema_error.path) or "body"
            details.append(f"{where}: {schema_error.message}")
        cause = cause.__cause__
    return f"{type(error).__name__}: {'; '.join(details) if details else error}"


@cache
def twilio_contract() -> TwilioContract:
    """One parsed contract per test process (reading it takes about a second)."""
    return TwilioContract()


def violations_of(requests: Iterable[ContractRequest]) -> list[str]:
    contract = twilio_contract()
    return [
        f"{r.method.upper()} {r.path}: {problem}"
        for r in requests
        for problem in contract.request_violations(r)
    ]
