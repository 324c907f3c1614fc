"""Only a usable key gets in; its scope says what it may do."""

import datetime as dt

import pytest
from django.utils import timezone

from collections_app.models import IntegrationKey
from tests.api.conftest import Api, assert_problem, make_key

CASES = "/api/v1/cases/"


def test_no_key_is_401_with_the_scheme_to_use(api_as) -> None:
    response = api_as(None).get(CASES)
    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Api-Key"


@pytest.mark.parametrize(
    "header",
    ["Api-Key nonsense", "Api-Key abc.def", "Bearer something", "Api-Key", "Basic dXNlcjpwdw=="],
)
def test_a_wrong_or_malformed_key_is_401(client, db, header) -> None:
    make_key("read")
    response = client.get(CASES, headers={"Authorization": header})
    assert_problem(response, 401)


def test_a_valid_key_of_another_prefix_does_not_pass_for_a_known_prefix(client, db) -> None:
    key = make_key("read")
    prefix, _, secret = key.partition(".")
    response = client.get(CASES, headers={"Authorization": f"Api-Key {prefix}.{secret}x"})
    assert_problem(response, 401)


def test_a_revoked_key_is_401(client, db) -> None:
    key = make_key("read")
    assert Api(client, key).get(CASES).status_code == 200
    IntegrationKey.objects.update(revoked=True)
    assert_problem(Api(client, key).get(CASES), 401)


def test_an_expired_key_is_401(client, db) -> None:
    key = make_key("read", expiry_date=timezone.now() - dt.timedelta(minutes=1))
    assert_problem(Api(client, key).get(CASES), 401)


def test_the_key_is_stored_hashed(db) -> None:
    key = make_key("write")
    row = IntegrationKey.objects.get()
    secret = key.partition(".")[2]
    stored = " ".join(str(v) for v in IntegrationKey.objects.values_list().get())
    assert secret not in stored and row.hashed_key.startswith("sha512$$")


def test_a_key_reads_with_either_scope(api_as) -> None:
    assert api_as("read").get(CASES).status_code == 200
    assert api_as("write").get(CASES).status_code == 200
