"""Calling the lender API as a lender system would: with a key of a given scope."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from collections_app.models import IntegrationKey


class Api:
    """A test client that sends JSON with an integration's key."""

    def __init__(self, client: Client, key: str | None) -> None:
        self.client = client
        self.key = key

    def _headers(self, headers: dict[str, str]) -> dict[str, str]:
        out = {"Authorization": f"Api-Key {self.key}"} if self.key else {}
        out.update(headers)
        return out

    def get(self, path: str, params: dict | None = None, **headers: str):
        return self.client.get(path, params or {}, headers=self._headers(headers))

    def send(self, method: str, path: str, body: object = None, *, raw: bytes | None = None,
             content_type: str = "application/json", **headers: str):  # fmt: skip
        data = raw if raw is not None else json.dumps(body)
        call = getattr(self.client, method.lower())
        return call(path, data, content_type=content_type, headers=self._headers(headers))

    def post(self, path: str, body: object = None, **kw):
        return self.send("POST", path, body, **kw)

    def put(self, path: str, body: object = None, **kw):
        return self.send("PUT", path, body, **kw)


def make_key(scope: str = "write", integration: str = "core-banking", **fields) -> str:
    _obj, key = IntegrationKey.objects.create_key(
        name=f"{integration} {scope}", integration=integration, scope=scope, **fields
    )
    return key


@pytest.fixture
def api_as(db, client) -> Callable[..., Api]:
    def build(scope: str | None = "write", **fields) -> Api:
        return Api(client, make_key(scope, **fields) if scope else None)

    return build


@pytest.fixture
def api(api_as) -> Api:
    return api_as("write")


@pytest.fixture
def reader(api_as) -> Api:
    return api_as("read")


def assert_problem(response, status: int, *paths: str) -> dict:
    """The answer is a problem document with this status, naming these paths in its errors."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json", response["Content-Type"]
    body = response.json()
    assert body["status"] == status and body["type"] and body["title"] and body["detail"]
    named = {e["path"] for e in body.get("errors", [])}
    assert set(paths) <= named, body
    return body
