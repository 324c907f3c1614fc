"""POST /api/v1/signals/: an ability-to-pay fact, stored once."""

import pytest

from collections_app.models import AbilitySignal
from tests.api import payloads
from tests.api.conftest import assert_problem

URL = "/api/v1/signals/"


@pytest.fixture
def loan(api) -> None:
    assert api.put("/api/v1/borrowers/B-1", payloads.borrower()).status_code == 201
    assert api.put("/api/v1/loans/L-1", payloads.loan()).status_code == 201


def test_a_signal_is_stored_once_with_its_value_as_sent(api, loan) -> None:
    response = api.post(URL, payloads.signal())
    assert response.status_code == 201, response.content
    signal = response.json()["signal"]
    assert (signal["kind"], signal["value"]) == ("bureau_other_loans_current",
                                                 {"count": 3, "share": 0.75})  # fmt: skip
    again = api.post(URL, payloads.signal())
    assert (again.status_code, again.json()["status"]) == (200, "unchanged")
    stored = AbilitySignal.objects.get()
    assert stored.value == {"count": 3, "share": 0.75} and stored.source == "api:core-banking"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"kind": "horoscope"}, "kind"),
        ({"value": [1, 2]}, "value"),
        ({"observed_at": "yesterday"}, "observed_at"),
        ({"borrower_external_id": "B-404"}, "borrower_external_id"),
    ],
)
def test_an_invalid_signal_is_a_422(api, loan, change, path) -> None:
    assert_problem(api.post(URL, payloads.signal(**change)), 422, path)
    assert not AbilitySignal.objects.exists()


def test_a_read_key_may_not_post_signals(reader, loan) -> None:
    assert_problem(reader.post(URL, payloads.signal()), 403)
