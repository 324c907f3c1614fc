"""Reading cases: the list with its filters and cursor, one case with its history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from collections_app.models import CollectionCase
from collections_app.services.cases import case_add_note
from collections_app.services.payments import plan_create, promise_create
from tests.api.conftest import assert_problem
from tests.factories import CaseFactory
from tests.helpers import bring_to

CASES = "/api/v1/cases/"
PHONE, EMAIL = "+14155550187", "dana.known@example.org"


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_the_list_pages_by_cursor_through_every_case_once(reader) -> None:
    made = [CaseFactory().pk for _ in range(5)]
    seen, url, pages = [], CASES + "?page_size=2", 0
    while url:
        response = reader.get(url)
        seen += _ids(response)
        url, pages = response.json()["next"], pages + 1
    assert seen == sorted(made) and pages == 3


def test_a_case_opened_while_paging_is_neither_skipped_nor_repeated(reader) -> None:
    first = [CaseFactory().pk for _ in range(3)]
    page1 = reader.get(CASES, {"page_size": 2}).json()
    late = CaseFactory().pk
    page2 = reader.get(page1["next"]).json()
    assert [r["id"] for r in page1["results"] + page2["results"]] == [*first, late]


def test_filters(reader) -> None:
    us = CaseFactory()
    cn = CaseFactory(loan__borrower__jurisdiction="CN", loan__currency="CNY")
    escalated = bring_to(CaseFactory(), "escalation")
    CollectionCase.objects.filter(pk=us.pk).update(segment="hardship")
    assert _ids(reader.get(CASES, {"state": "escalation"})) == [escalated.pk]
    assert _ids(reader.get(CASES, {"segment": "hardship"})) == [us.pk]
    assert _ids(reader.get(CASES, {"jurisdiction": "CN"})) == [cn.pk]
    assert _ids(reader.get(CASES, {"loan": cn.loan.external_id})) == [cn.pk]
    past = timezone.now() - dt.timedelta(days=1)
    CollectionCase.objects.filter(pk=us.pk).update(updated_at=past - dt.timedelta(days=1))
    since = reader.get(CASES, {"updated_since": past.isoformat()})
    assert _ids(since) == [cn.pk, escalated.pk]


@pytest.mark.parametrize(
    ("params", "path"),
    [
        ({"state": "sleeping"}, "state"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"loan": "x" * 65}, "loan"),
        ({"jurisdiction": "US\x00"}, "jurisdiction"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(reader, params, path) -> None:
    assert_problem(reader.get(CASES, params), 400, path)


@pytest.mark.parametrize("params", [{"cursor": "not-a-cursor"}, {"page_size": "0"},
                                    {"page_size": "501"}, {"page_size": "²"}])  # fmt: skip
def test_a_bad_cursor_or_page_size_is_a_400(reader, params) -> None:
    assert_problem(reader.get(CASES, params), 400)


def test_one_case_with_amounts_promises_plans_and_a_masked_timeline(reader) -> None:
    case = CaseFactory(loan__borrower__phone=PHONE, loan__borrower__email=EMAIL)
    case_add_note(case=case, text=f"Borrower asked us to use {EMAIL} or 415-555-0187", actor=None)
    promise_create(case=case, amount=Decimal("100.00"), due_date=timezone.localdate())
    plan_create(case=case, installments=[(timezone.localdate() + dt.timedelta(days=30),
                                          Decimal("50.00"))])  # fmt: skip
    response = reader.get(f"/api/v1/cases/{case.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "negotiation"  # the promise was engagement
    amounts = {"currency": "USD", "amount_overdue": "300.00", "outstanding_balance": "1200.00",
               "balance_principal": "1200.00", "balance_interest": "0.00",
               "balance_fees": "0.00", "balance_as_of": None, "principal": "1200.00"}  # fmt: skip
    assert body["amounts"] == amounts
    assert [(p["amount"], p["status"]) for p in body["promises"]] == [("100.00", "active")]
    assert [i["amount"] for i in body["plans"][0]["installments"]] == ["50.00"]
    kinds = [entry["kind"] for entry in body["timeline"]]
    assert {"note", "promise", "plan", "transition"} <= set(kinds)
    text = response.content.decode()
    assert EMAIL not in text and "415-555-0187" not in text and PHONE not in text
    assert body["timeline_truncated"] is False


@pytest.mark.parametrize("case_id", ["0", "-1", "abc", "99999", "9" * 40])
def test_an_unknown_case_is_a_404_problem(reader, case_id) -> None:
    assert_problem(reader.get(f"/api/v1/cases/{case_id}"), 404)


def test_an_address_the_api_does_not_have_is_a_404_problem(reader) -> None:
    assert_problem(reader.get("/api/v1/nothing/here"), 404)
