"""Whatever a client sends, the answer is a 4xx problem, never a 500, and nothing is written."""

import json

import pytest
from django.test import override_settings

from collections_app.models import Borrower
from tests.api import payloads
from tests.api.conftest import assert_problem

URL = "/api/v1/borrowers/B-1"


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b'{"name": NaN}',
        b'{"name": Infinity}',
        b'{"name": "a", "name": "b"}',
        b"[" * 100_000,
        b'{"name": "\\ud800"}',
        b'{"name": "\xff\xfe"}',
    ],
    ids=["syntax", "nan", "infinity", "duplicate-key", "deep", "lone-surrogate", "not-utf8"],
)
def test_malformed_json_is_a_400(api, raw) -> None:
    assert_problem(api.put(URL, raw=raw), 400)
    assert not Borrower.objects.exists()


def test_a_paired_surrogate_escape_is_fine(api) -> None:
    body = json.dumps(payloads.borrower(name="Dana \U0001f600"), ensure_ascii=True)
    assert "\\ud83d" in body
    assert api.put(URL, raw=body.encode()).status_code == 201


def test_another_content_type_is_a_415(api) -> None:
    raw = json.dumps(payloads.borrower()).encode()
    assert_problem(api.put(URL, raw=raw, content_type="text/plain"), 415)
    assert_problem(api.put(URL, raw=b"name=x", content_type="application/x-www-form-urlencoded"),
                   415)  # fmt: skip


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_over_the_limit_is_a_413(api) -> None:
    body = payloads.borrower(name="x" * 2000)
    assert_problem(api.put(URL, body, **{"Idempotency-Key": "k"}), 413)
    assert_problem(api.put(URL, body), 413)


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ([payloads.borrower()], ""),
        ("a string", ""),
        (None, ""),
        ({**payloads.borrower(), "name": ["Dana"]}, "name"),
        ({**payloads.borrower(), "contact_points": "+14155550187"}, "contact_points"),
        ({**payloads.borrower(), "contact_points": [None]}, "contact_points[0]"),
        ({**payloads.borrower(), "date_of_birth": {"year": 1985}}, "date_of_birth"),
    ],
)
def test_the_wrong_shape_or_types_are_a_422(api, body, path) -> None:
    assert_problem(api.put(URL, body), 422, path)
    assert not Borrower.objects.exists()


def test_an_empty_body_is_a_422_naming_what_is_required(api) -> None:
    assert_problem(api.put(URL, raw=b""), 422, "name", "jurisdiction")


def test_a_method_the_address_does_not_take_is_a_405(api) -> None:
    assert_problem(api.send("DELETE", URL), 405)
    assert_problem(api.post("/api/v1/cases/", {}), 405)
