"""The portfolio file's two spellings turned into records, and every problem reported where the
lender finds it: the line, and the CSV column or JSON path."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest

from collections_app.imports.portfolio import (
    FileProblem,
    Rejected,
    Row,
    csv_header,
    guess_format,
    portfolio_rows,
)

HEADER = (
    "borrower_external_id,name,jurisdiction,region,time_zone,language,"
    "phone1,phone1_type,phone1_consent,phone1_consent_at,phone2,phone2_type,email1,"
    "loan_external_id,product,currency,principal,balance_principal,balance_interest,"
    "balance_fees,balance_as_of,status,amount_past_due,due_date,days_past_due"
)
GOOD = (
    "B-1,Ann Lee,US,CA,America/Los_Angeles,en,"
    "(415) 555-0100,mobile,prior_express_consent,2025-01-02T10:00:00-08:00,,,Ann@Example.COM,"
    "L-1,card,usd,1000,800.00,12.50,25,2026-03-01,past_due,120,2026-01-15,45"
)
JURISDICTIONS = {"US", "CN"}


def rows(text: str, fmt: str = "csv", **kwargs) -> list:
    stream = io.BytesIO(text.encode())
    return list(portfolio_rows(stream, format=fmt, jurisdictions=JURISDICTIONS, **kwargs))


def problems(row: Rejected) -> list[tuple[str, str]]:
    return [(p.path, p.message) for p in row.problems]


def test_a_csv_row_is_a_loan_with_its_borrower_and_contact_points() -> None:
    (row,) = rows(f"{HEADER}\n{GOOD}\n")
    assert isinstance(row, Row)
    assert row.line == 2
    assert (row.borrower.external_id, row.borrower.jurisdiction, row.borrower.region) == (
        "B-1",
        "US",
        "CA",
    )
    phone, email = row.borrower.contact_points
    assert (phone.kind, phone.address, phone.type, phone.consent) == (
        "phone",
        "+14155550100",
        "mobile",
        "prior_express_consent",
    )
    assert phone.consent_at == dt.datetime(2025, 1, 2, 18, 0, tzinfo=dt.UTC)
    assert (email.kind, email.address) == ("email", "ann@example.com")
    loan = row.loan
    assert (loan.external_id, loan.borrower_external_id, loan.currency) == ("L-1", "B-1", "USD")
    assert (loan.balance_principal, loan.balance_interest, loan.balance_fees) == (
        Decimal("800.00"),
        Decimal("12.50"),
        Decimal("25.00"),
    )
    assert (loan.due_date, loan.days_past_due) == (dt.date(2026, 1, 15), 45)


def test_each_rejected_row_names_its_line_and_the_columns_to_fix() -> None:
    bad_phone = GOOD.replace("(415) 555-0100", "555").replace("B-1", "B-2").replace("L-1", "L-2")
    bad_amounts = GOOD.replace(",usd,", ",XYZ,").replace("800.00", "8.001").replace("L-1", "L-3")
    consent_without_number = GOOD.replace(",,,Ann", ",,mobile,Ann").replace("L-1", "L-4")
    found = rows("\n".join([HEADER, GOOD, bad_phone, bad_amounts, consent_without_number]))
    assert [type(r).__name__ for r in found] == ["Row", "Rejected", "Rejected", "Rejected"]
    assert [r.line for r in found] == [2, 3, 4, 5]
    assert problems(found[1]) == [("phone1", "is not a valid phone number")]
    assert problems(found[2]) == [
        ("currency", "must be an ISO 4217 currency code, e.g. USD, CNY"),
        ("balance_principal", "must have at most 2 decimal places"),
    ]
    assert problems(found[3]) == [("phone2_type", "is filled in, but phone2 is empty")]


def test_a_problem_in_the_second_phone_is_reported_at_its_columns() -> None:
    second = GOOD.replace(",,,Ann", ",+14155550100,work,Ann")  # the same number twice
    (row,) = rows(f"{HEADER}\n{second}\n")
    assert problems(row) == [("phone2", "is the same as contact_points[0]")]
    late_consent = GOOD.replace("2025-01-02T10:00:00-08:00", "2025-01-02 10:00")
    (row,) = rows(f"{HEADER}\n{late_consent}\n")
    assert [path for path, _ in problems(row)] == ["phone1_consent_at"]


def test_a_borrower_under_a_jurisdiction_without_rules_is_rejected_on_its_line() -> None:
    moved = GOOD.replace(",US,CA,", ",MX,,").replace("(415) 555-0100", "+52 55 1234 5678")
    (row,) = rows(f"{HEADER}\n{moved}\n")
    assert problems(row) == [("jurisdiction", "has no contact-rules profile (known: CN, US)")]


def test_line_numbers_count_lines_in_the_file_not_rows() -> None:
    # A name quoted across two lines (spreadsheets write that; a name may not hold a line
    # break), then a blank line: the next row is on line 5.
    quoted = GOOD.replace("Ann Lee", '"Ann\nLee"')
    found = rows(f"{HEADER}\n{quoted}\n\n{GOOD.replace('L-1', 'L-2')}\n")
    assert [(type(r).__name__, r.line) for r in found] == [("Rejected", 2), ("Row", 5)]
    assert problems(found[0]) == [("name", "must not contain control characters")]


def test_a_row_with_too_many_or_too_few_values_is_rejected_whole() -> None:
    found = rows(f"{HEADER}\n{GOOD},extra\n{GOOD.rsplit(',', 1)[0]}\n")
    assert [problems(r)[0][1] for r in found] == [
        "the row has 26 values, the header 25 columns",
        "the row has 24 values, the header 25 columns",
    ]


def test_an_unreadable_line_is_rejected_and_the_rest_imported() -> None:
    data = f"{HEADER}\n".encode() + GOOD.replace("Ann", "Zoë").encode("latin-1") + b"\n"
    data += GOOD.replace("L-1", "L-2").encode() + b"\n"
    found = list(portfolio_rows(io.BytesIO(data), format="csv"))
    assert [(type(r).__name__, r.line) for r in found] == [("Rejected", 2), ("Row", 3)]
    assert "UTF-8" in found[0].problems[0].message


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("borrower_external_id,loan_external_id,phone1_typ", [("phone1_typ", "unknown column")]),
        ("borrower_external_id,loan_external_id,name,Name", [("name", "appears twice")]),
        ("borrower_external_id,name", [("loan_external_id", "missing column")]),
        ("borrower_external_id,loan_external_id,phone2_type", [("phone2", "missing column")]),
    ],
)
def test_a_header_it_does_not_know_refuses_the_file_before_any_row(header, expected) -> None:
    with pytest.raises(FileProblem) as refused:
        rows(f"{header}\n{GOOD}\n")
    found = [(p.path, p.message) for p in refused.value.problems]
    assert [
        (path, message.split(" (")[0].removeprefix("the column ")) for path, message in found
    ] == [(path, message) for path, message in expected]


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(FileProblem, match="empty"):
        rows("")


def test_header_columns_are_read_in_any_case_and_order() -> None:
    header = csv_header([" LOAN_EXTERNAL_ID", "Phone1", "borrower_external_id", "phone1_Type"])
    assert header.loan == (("external_id", 0),)
    assert [(c.prefix, c.address, c.attributes) for c in header.contacts] == [
        ("phone1", 1, (("type", 3),))
    ]


def test_reading_on_from_a_row_end_gives_the_rest_with_their_line_numbers() -> None:
    lines = [GOOD.replace("L-1", f"L-{n}") for n in range(1, 6)]
    text = "\n".join([HEADER, *lines]) + "\n"
    whole = rows(text)
    third = whole[2]
    resumed = rows(text, offset=third.end, first_number=third.line + 1)
    assert [(r.line, r.loan.external_id) for r in resumed] == [(5, "L-4"), (6, "L-5")]
    assert resumed == whole[3:]


# --- JSON lines


def jsonl_line(**changes) -> str:
    borrower = {
        "external_id": "B-9",
        "name": "王芳",
        "jurisdiction": "CN",
        "region": "GD",
        "language": "zh-Hans",
        "contact_points": [{"kind": "phone", "address": "13800138000", "type": "mobile"}],
    }
    loan = {
        "external_id": "L-9",
        "currency": "CNY",
        "principal": 5000,
        "balance_principal": 4200.1,
        "balance_as_of": "2026-03-01",
        "status": "past_due",
        "amount_past_due": "300",
        "due_date": "2026-02-01",
    }
    borrower.update(changes.pop("borrower", {}))
    loan.update(changes.pop("loan", {}))
    return json.dumps({"borrower": borrower, "loan": loan, **changes}, ensure_ascii=False)


def test_a_json_line_is_a_loan_with_its_borrower() -> None:
    (row,) = rows(jsonl_line() + "\n", "jsonl")
    assert isinstance(row, Row)
    assert row.borrower.contact_points[0].address == "+8613800138000"
    assert row.loan.borrower_external_id == "B-9"
    # A JSON number is read as the decimal it spells, never through a float.
    assert row.loan.balance_principal == Decimal("4200.10")


def test_json_problems_are_reported_at_their_path() -> None:
    text = "\n".join(
        [
            jsonl_line(),
            jsonl_line(
                borrower={"contact_points": [{"kind": "phone", "address": "1"}]},
                loan={"currency": "RMB"},
            ),
            "{not json",
            "[1, 2]",
            jsonl_line(loan={"borrower_external_id": "B-other"}),
            jsonl_line(extra=1),
            "",
            json.dumps({"borrower": {"external_id": "B-1"}}),
        ]
    )
    found = rows(text, "jsonl")
    assert [r.line for r in found] == [1, 2, 3, 4, 5, 6, 8]
    assert problems(found[1]) == [
        (
            "borrower.contact_points[0].address",
            "is not a phone number (write it in E.164, e.g. +14155550100)",
        ),
        ("loan.currency", "must be an ISO 4217 currency code, e.g. USD, CNY"),
    ]
    assert problems(found[2])[0][1].startswith("not valid JSON")
    assert problems(found[3])[0][1].startswith("each line must be an object")
    assert problems(found[4])[0][0] == "loan.borrower_external_id"
    assert problems(found[5]) == [("extra", "unknown field (known fields: borrower, loan)")]
    assert problems(found[6]) == [("loan", "is required")]


def test_the_format_is_guessed_from_the_file_name() -> None:
    assert [guess_format(n) for n in ("a.CSV", "b.jsonl", "c.ndjson", "d.xlsx")] == [
        "csv",
        "jsonl",
        "jsonl",
        None,
    ]
