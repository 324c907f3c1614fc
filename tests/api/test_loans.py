"""PUT /api/v1/loans/{external_id}: past due opens or updates the case, current closes it;
POST /api/v1/loans/bulk applies the valid rows and reports each by index."""

import pytest

from collections_app.models import CaseEvent, CollectionCase, Loan
from tests.api import payloads
from tests.api.conftest import assert_problem

URL = "/api/v1/loans/L-1"
BULK = "/api/v1/loans/bulk"


@pytest.fixture
def borrower(api) -> None:
    assert api.put("/api/v1/borrowers/B-1", payloads.borrower()).status_code == 201


def test_a_past_due_loan_opens_its_case_and_the_audit_trail_names_the_integration(
    api, borrower
) -> None:
    response = api.put(URL, payloads.loan())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "created"
    loan = body["loan"]
    assert loan["balance"] == {"principal": "1000.00", "interest": "35.10", "fees": "15.00",
                               "total": "1050.10", "as_of": payloads.TODAY.isoformat()}  # fmt: skip
    case = CollectionCase.objects.get(loan__external_id="L-1")
    assert loan["open_case"] == {"id": case.pk, "state": "reminder", "amount_overdue": "300.00"}
    sources = {e.data.get("source") for e in CaseEvent.objects.filter(case=case)}
    assert "api:core-banking" in sources


def test_the_same_loan_again_changes_nothing(api, borrower) -> None:
    api.put(URL, payloads.loan())
    again = api.put(URL, payloads.loan())
    assert (again.status_code, again.json()["status"]) == (200, "unchanged")
    assert CollectionCase.objects.count() == 1


def test_a_higher_amount_past_due_is_what_the_case_quotes_next(api, borrower) -> None:
    api.put(URL, payloads.loan())
    response = api.put(URL, payloads.loan(amount_past_due="350.00", balance_fees="65.00"))
    assert response.json()["status"] == "updated", response.content
    assert response.json()["loan"]["open_case"]["amount_overdue"] == "350.00"
    assert CollectionCase.objects.get().amount_overdue == 350


def test_a_loan_reported_current_closes_its_case(api, borrower) -> None:
    api.put(URL, payloads.loan())
    current = payloads.loan(status="current", amount_past_due="0", due_date=None)
    response = api.put(URL, current)
    assert response.status_code == 200, response.content
    assert response.json()["loan"]["open_case"] is None
    case = CollectionCase.objects.get()
    assert case.state == "resolved" and case.close_reason == "current"


def test_a_loan_of_a_borrower_we_do_not_hold_is_a_422(api) -> None:
    assert_problem(api.put(URL, payloads.loan()), 422, "borrower_external_id")
    assert not Loan.objects.exists()


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"currency": "XYZ"}, "currency"),
        ({"balance_as_of": "01/03/2026"}, "balance_as_of"),
        ({"principal": "-5"}, "principal"),
        ({"principal": 12.345}, "principal"),
        ({"status": "late"}, "status"),
        ({"external_id": "L-2"}, "external_id"),
    ],
)
def test_an_invalid_loan_is_a_422_naming_the_field(api, borrower, change, path) -> None:
    assert_problem(api.put(URL, payloads.loan(**change)), 422, path)
    assert not Loan.objects.exists()


def test_get_a_loan(api, reader, borrower) -> None:
    api.put(URL, payloads.loan())
    body = reader.get(URL).json()
    assert (body["external_id"], body["status"], body["days_past_due"]) == ("L-1", "past_due", 20)
    assert_problem(reader.get("/api/v1/loans/L-404"), 404)


def test_a_read_key_may_not_write(reader, borrower) -> None:
    assert_problem(reader.put(URL, payloads.loan()), 403)
    assert_problem(reader.post(BULK, {"loans": [payloads.loan()]}), 403)


# --- bulk


def test_bulk_applies_the_valid_rows_and_reports_the_bad_ones_by_index(api, borrower) -> None:
    rows = [
        payloads.loan("L-1"),
        payloads.loan("L-2", currency="XYZ"),
        payloads.loan("L-3", borrower_id="B-unknown"),
        payloads.loan("L-4"),
        payloads.loan("L-1"),
    ]
    response = api.post(BULK, {"loans": rows})
    assert response.status_code == 200, response.content
    body = response.json()
    # The same loan twice in one call: both applied in order (the second finds it unchanged).
    assert body["counts"] == {"created": 2, "updated": 0, "unchanged": 1, "rejected": 2}
    results = body["results"]
    assert [(r["index"], r["external_id"], r["status"]) for r in results] == [
        (0, "L-1", "created"),
        (1, "L-2", "rejected"),
        (2, "L-3", "rejected"),
        (3, "L-4", "created"),
        (4, "L-1", "unchanged"),
    ]
    assert [e["path"] for e in results[1]["errors"]] == ["currency"]
    assert "borrower_external_id" in {e["path"] for e in results[2]["errors"]}
    assert set(Loan.objects.values_list("external_id", flat=True)) == {"L-1", "L-4"}
    assert CollectionCase.objects.count() == 2


def test_bulk_again_is_unchanged(api, borrower) -> None:
    rows = [payloads.loan(f"L-{i}") for i in range(5)]
    assert api.post(BULK, {"loans": rows}).json()["counts"]["created"] == 5
    assert api.post(BULK, {"loans": rows}).json()["counts"]["unchanged"] == 5


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"loans": []}, "loans"),
        ({"loans": {"external_id": "L-1"}}, "loans"),
        ({"rows": [payloads.loan()]}, "rows"),
        ([payloads.loan()], ""),
    ],
)
def test_a_bulk_body_of_the_wrong_shape_is_a_422(api, borrower, body, path) -> None:
    assert_problem(api.post(BULK, body), 422, path)


def test_more_than_1000_rows_is_a_422_and_nothing_is_applied(api, borrower) -> None:
    rows = [payloads.loan(f"L-{i}") for i in range(1001)]
    assert_problem(api.post(BULK, {"loans": rows}), 422, "loans")
    assert not Loan.objects.exists()


def test_amounts_in_the_detail_are_strings_in_the_answer_and_its_replay(api, borrower) -> None:
    days = payloads.dt.timedelta
    api.put(URL, payloads.loan(balance_as_of=(payloads.TODAY - days(2)).isoformat()))
    assert api.post("/api/v1/payments/", payloads.payment()).status_code == 201
    # A report dated before the payment arrived: the payment stays applied on top of it.
    report = payloads.loan(balance_as_of=(payloads.TODAY - days(1)).isoformat(), balance_fees="20")
    first = api.put(URL, report, **{"Idempotency-Key": "report-1"})
    assert first.status_code == 200, first.content
    assert first.json()["detail"]["since_report"]["paid"] == "100.00"
    replay = api.put(URL, report, **{"Idempotency-Key": "report-1"})
    assert replay["Idempotent-Replayed"] == "true" and replay.json() == first.json()
