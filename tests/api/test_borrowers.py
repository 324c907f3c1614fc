"""PUT /api/v1/borrowers/{external_id} upserts; GET shows it, addresses masked."""

import pytest

from collections_app.models import Borrower
from tests.api import payloads
from tests.api.conftest import assert_problem

URL = "/api/v1/borrowers/B-1"


def test_put_creates_then_finds_it_unchanged_then_updates(api) -> None:
    first = api.put(URL, payloads.borrower())
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "created"
    again = api.put(URL, payloads.borrower())
    assert (again.status_code, again.json()["status"]) == (200, "unchanged")
    renamed = api.put(URL, payloads.borrower(name="Dana K. Known"))
    assert (renamed.status_code, renamed.json()["status"]) == (200, "updated")
    borrower = Borrower.objects.get(external_id="B-1")
    assert borrower.name == "Dana K. Known" and borrower.phone == "+14155550187"
    assert borrower.email == "dana.known@example.org"  # normalised
    assert borrower.last_source == "api:core-banking"


def test_the_body_may_leave_out_the_id_the_path_gives(api) -> None:
    body = payloads.borrower()
    del body["external_id"]
    assert api.put(URL, body).status_code == 201


def test_get_shows_the_borrower_with_every_address_masked(api, reader) -> None:
    api.put(URL, payloads.borrower())
    response = reader.get(URL)
    assert response.status_code == 200
    body = response.json()
    text = response.content.decode()
    for secret in ("+14155550187", "4155550142", "dana.known@example.org", "1985", "0123"):
        assert secret not in text, secret
    assert body["phone"] == "+1•••••••187"
    assert [p["type"] for p in body["contact_points"]] == ["home", "mobile", "work"]
    assert body["verification"] == {"date_of_birth": True, "id_last_digits": True}


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"contact_points": [{"kind": "phone", "address": "12"}]}, "contact_points[0].address"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"jurisdiction": ""}, "jurisdiction"),
        ({"nickname": "D"}, "nickname"),
        ({"external_id": "B-2"}, "external_id"),
    ],
)
def test_an_invalid_borrower_is_a_422_naming_the_field(api, change, path) -> None:
    assert_problem(api.put(URL, payloads.borrower(**change)), 422, path)
    assert not Borrower.objects.exists()


def test_unknown_borrower_is_a_404(reader) -> None:
    assert_problem(reader.get("/api/v1/borrowers/nobody"), 404)


def test_a_read_key_may_not_write_and_no_key_may_do_nothing(reader, api_as) -> None:
    assert_problem(reader.put(URL, payloads.borrower()), 403)
    assert_problem(api_as(None).put(URL, payloads.borrower()), 401)
    assert_problem(api_as(None).get(URL), 401)
    assert not Borrower.objects.exists()
