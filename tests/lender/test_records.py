"""What a lender sends is read into records or refused field by field, each problem at its JSON
path (collections_app/lender/records.py). Pure: no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collections_app.lender.records import (
    BORROWER_FIELDS,
    LOAN_FIELDS,
    PAYMENT_FIELDS,
    REVERSAL_FIELDS,
    SIGNAL_FIELDS,
    ContactPointRecord,
    engine_addresses,
    parse_borrower,
    parse_loan,
    parse_payment,
    parse_reversal,
    parse_signal,
)

UTC = dt.UTC


def borrower(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "external_id": "B-1",
        "name": "Ana Diaz",
        "jurisdiction": "US",
        "region": "CA",
        "time_zone": "America/Los_Angeles",
        "language": "en",
        "contact_points": [
            {
                "kind": "phone",
                "address": "+14155550123",
                "type": "mobile",
                "source": "application",
                "consent": "prior_express_consent",
                "consent_at": "2025-01-05T10:00:00Z",
                "primary": True,
            },
            {"kind": "email", "address": "ana@example.com", "type": "home"},
        ],
        "date_of_birth": "1990-04-02",
        "id_last_digits": "6789",
    }
    return {k: v for k, v in {**data, **changes}.items() if v is not ...}


def loan(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "external_id": "L-1",
        "borrower_external_id": "B-1",
        "product": "cash-12m",
        "currency": "USD",
        "principal": "1200.00",
        "balance_principal": "1000.00",
        "balance_interest": "50.00",
        "balance_fees": "25.00",
        "balance_as_of": "2026-03-01",
        "status": "past_due",
        "amount_past_due": "300.00",
        "due_date": "2026-02-01",
        "days_past_due": "28",
        "charge_off_date": "",
        "last_payment_date": "",
        "origination_date": "2025-03-01",
        "origination_state": "CA",
    }
    return {k: v for k, v in {**data, **changes}.items() if v is not ...}


def payment(**changes: Any) -> dict[str, Any]:
    data = {
        "external_id": "P-1",
        "loan_external_id": "L-1",
        "amount": "120.00",
        "currency": "USD",
        "received_at": "2026-03-02T09:15:00-05:00",
    }
    return {k: v for k, v in {**data, **changes}.items() if v is not ...}


def reversal(**changes: Any) -> dict[str, Any]:
    data = {
        "payment_external_id": "P-1",
        "reason": "nsf",
        "reversed_at": "2026-03-04T12:00:00Z",
        "note": "returned R01",
    }
    return {k: v for k, v in {**data, **changes}.items() if v is not ...}


def signal(**changes: Any) -> dict[str, Any]:
    data = {
        "borrower_external_id": "B-1",
        "loan_external_id": "",
        "kind": "bureau_other_loans_current",
        "value": "true",
        "observed_at": "2026-03-03T00:00:00Z",
        "source": "bureau refresh",
    }
    return {k: v for k, v in {**data, **changes}.items() if v is not ...}


def problems(result: tuple[object, list]) -> dict[str, str]:
    record, found = result
    assert (record is None) == bool(found)
    return {p.path: p.message for p in found}


# --- borrowers


def test_a_borrower_reads_with_its_contact_points_normalised():
    record, found = parse_borrower(
        borrower(
            contact_points=[
                {"kind": "phone", "address": "(415) 555-0123", "type": "MOBILE"},
                {"kind": "EMAIL", "address": " Ana.Diaz@Example.COM "},
                {"kind": "phone", "address": "+1 212 555 0188", "type": "work", "primary": "yes"},
            ]
        )
    )
    assert found == []
    assert [(p.kind, p.address, p.type, p.primary) for p in record.contact_points] == [
        ("phone", "+14155550123", "mobile", False),  # read in the US: the borrower's country
        ("email", "ana.diaz@example.com", "other", False),
        ("phone", "+12125550188", "work", True),
    ]
    assert record.date_of_birth == dt.date(1990, 4, 2)
    assert record.id_last_digits == "6789"
    assert record.region == "CA" and record.jurisdiction == "US"


def test_a_chinese_number_without_plus_is_read_in_china():
    record, found = parse_borrower(
        borrower(
            jurisdiction="CN",
            region="GD",
            time_zone="Asia/Shanghai",
            language="zh-hans",
            contact_points=[{"kind": "phone", "address": "138 0013 8000", "type": "mobile"}],
            id_last_digits="12345x",
        )
    )
    assert found == []
    assert record.contact_points[0].address == "+8613800138000"
    assert record.language == "zh-Hans"
    assert record.id_last_digits == "12345X"


def test_the_secrets_stay_out_of_the_records_repr():
    record, _ = parse_borrower(borrower())
    assert "1990" not in repr(record) and "6789" not in repr(record)


@pytest.mark.parametrize(
    ("changes", "path", "words"),
    [
        ({"external_id": ""}, "external_id", "required"),
        ({"external_id": "x" * 65}, "external_id", "at most 64"),
        ({"name": ...}, "name", "required"),
        ({"name": "Ana\x00"}, "name", "control characters"),
        ({"jurisdiction": ...}, "jurisdiction", "required"),
        ({"jurisdiction": "u s"}, "jurisdiction", "contact-rules profile"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "IANA"),
        ({"time_zone": "PST"}, "time_zone", "IANA"),
        ({"language": "fr"}, "language", "en, zh-Hans"),
        ({"region": "California"}, "region", "state or province"),
        ({"date_of_birth": "02/04/1990"}, "date_of_birth", "YYYY-MM-DD"),
        ({"date_of_birth": "1890-01-01"}, "date_of_birth", "between"),
        ({"id_last_digits": "12ab"}, "id_last_digits", "last 4 to 6 digits"),
        ({"id_last_digits": 123}, "id_last_digits", "leading zeros"),
        ({"contact_points": "not json"}, "contact_points", "list"),
        ({"contact_points": {"kind": "phone"}}, "contact_points", "list"),
        ({"contact_points": [{"kind": "fax", "address": "1"}]}, "contact_points[0].kind", "phone"),
        (
            {"contact_points": [{"kind": "phone", "address": "+1415555012"}]},
            "contact_points[0].address",
            "not a valid phone number",
        ),
        (
            {"contact_points": [{"kind": "phone", "address": "call me"}]},
            "contact_points[0].address",
            "E.164",
        ),
        (
            {"contact_points": [{"kind": "email", "address": "ana@"}]},
            "contact_points[0].address",
            "email",
        ),
        (
            {"contact_points": [{"kind": "email", "address": "a@example.com", "type": "mobile"}]},
            "contact_points[0].type",
            "mobile",
        ),
        (
            {"contact_points": [{"kind": "phone", "address": "+14155550123", "type": "pager"}]},
            "contact_points[0].type",
            "mobile, home, work, other",
        ),
        (
            {
                "contact_points": [
                    {"kind": "phone", "address": "+14155550123", "consent": "prior_express_consent"}
                ]
            },
            "contact_points[0].consent_at",
            "required",
        ),
        (
            {
                "contact_points": [
                    {
                        "kind": "phone",
                        "address": "+14155550123",
                        "consent": "prior_express_consent",
                        "consent_at": "2025-01-05 10:00",
                    }
                ]
            },
            "contact_points[0].consent_at",
            "UTC offset",
        ),
        (
            {"contact_points": [{"kind": "phone", "address": "+14155550123", "consent": "maybe"}]},
            "contact_points[0].consent",
            "prior_express_consent",
        ),
        (
            {
                "contact_points": [
                    {
                        "kind": "email",
                        "address": "a@example.com",
                        "consent": "prior_express_consent",
                        "consent_at": "2025-01-05T10:00:00Z",
                    }
                ]
            },
            "contact_points[0].consent",
            "phone numbers",
        ),
        (
            {"contact_points": [{"kind": "phone", "address": "+14155550123", "primary": "maybe"}]},
            "contact_points[0].primary",
            "true or false",
        ),
        (
            {
                "contact_points": [
                    {"kind": "phone", "address": "+14155550123"},
                    {"kind": "phone", "address": "415-555-0123"},
                ]
            },
            "contact_points[1].address",
            "same as contact_points[0]",
        ),
        (
            {
                "contact_points": [
                    {"kind": "phone", "address": "+14155550123", "primary": True},
                    {"kind": "phone", "address": "+14155550124", "primary": True},
                ]
            },
            "contact_points[1].primary",
            "only one phone",
        ),
        (
            {"contact_points": [{"kind": "phone", "address": "+14155550123", "extension": "12"}]},
            "contact_points[0].extension",
            "unknown field",
        ),
        ({"nickname": "Ani"}, "nickname", "unknown field"),
    ],
)
def test_a_bad_borrower_field_is_refused_at_its_path(changes, path, words):
    found = problems(parse_borrower(borrower(**changes)))
    assert path in found, found
    assert words in found[path]


def test_a_jurisdiction_without_a_profile_is_refused_when_the_caller_knows_them():
    found = problems(parse_borrower(borrower(jurisdiction="MX"), jurisdictions={"US", "CN"}))
    assert found == {"jurisdiction": "has no contact-rules profile (known: CN, US)"}
    assert problems(parse_borrower(borrower(jurisdiction="us"), jurisdictions={"US"})) == {}


def test_every_problem_of_a_row_is_reported_at_once():
    found = problems(parse_borrower(borrower(name="", time_zone="Nowhere", language="xx")))
    assert set(found) == {"name", "time_zone", "language"}


def test_not_an_object_is_a_problem_not_a_crash():
    assert problems(parse_borrower(["B-1"])) == {"": "must be an object with named fields"}


def test_a_csv_row_of_strings_reads_the_same_as_json():
    row = {
        "external_id": "B-1",
        "name": "Ana Diaz",
        "jurisdiction": "US",
        "region": "",
        "time_zone": "",
        "language": "",
        "contact_points": '[{"kind": "phone", "address": "+14155550123", "primary": "true"}]',
        "date_of_birth": "",
        "id_last_digits": "",
    }
    record, found = parse_borrower(row)
    assert found == []
    assert record.region == "" and record.time_zone == "" and record.language == "en"
    assert record.date_of_birth is None and record.id_last_digits == ""
    assert record.contact_points == (
        ContactPointRecord(kind="phone", address="+14155550123", primary=True),
    )
    assert set(row) == set(BORROWER_FIELDS)


# --- engine addresses


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        ([], ("", "")),
        (
            [
                ContactPointRecord(kind="phone", address="+14155550001", type="home"),
                ContactPointRecord(kind="phone", address="+14155550002", type="mobile"),
                ContactPointRecord(kind="email", address="a@example.com"),
                ContactPointRecord(kind="email", address="b@example.com"),
            ],
            ("+14155550002", "a@example.com"),
        ),
        (
            [
                ContactPointRecord(kind="phone", address="+14155550002", type="mobile"),
                ContactPointRecord(kind="phone", address="+14155550001", type="home", primary=True),
                ContactPointRecord(kind="email", address="a@example.com"),
                ContactPointRecord(kind="email", address="b@example.com", primary=True),
            ],
            ("+14155550001", "b@example.com"),
        ),
        (
            [ContactPointRecord(kind="phone", address="+14155550001", type="work")],
            ("+14155550001", ""),
        ),
    ],
)
def test_the_engine_contacts_the_primary_else_the_first_mobile_else_the_first(points, expected):
    assert engine_addresses(points) == expected


# --- loans


def test_a_loan_reads_from_strings():
    record, found = parse_loan(loan())
    assert found == []
    assert record.balance_total == Decimal("1075.00")
    assert record.due_date == dt.date(2026, 2, 1)
    assert record.days_past_due == 28
    assert record.charge_off_date is None
    assert record.last_payment_date is None
    assert set(loan()) == set(LOAN_FIELDS)


def test_a_loan_carries_the_last_payment_date_the_limitation_period_may_run_from():
    record, found = parse_loan(loan(last_payment_date="2025-11-30"))
    assert found == []
    assert record.last_payment_date == dt.date(2025, 11, 30)


def test_a_loan_reads_from_json_numbers():
    record, found = parse_loan(
        loan(principal=1200, balance_principal=999.99, balance_interest=0.1, days_past_due=28)
    )
    assert found == []
    assert record.balance_principal == Decimal("999.99")
    assert record.balance_interest == Decimal("0.10")


def test_a_current_loan_needs_no_due_date():
    record, found = parse_loan(
        loan(status="current", amount_past_due="0", due_date="", days_past_due="")
    )
    assert found == []
    assert record.due_date is None and record.days_past_due is None


@pytest.mark.parametrize(
    ("changes", "path", "words"),
    [
        ({"currency": "XYZ"}, "currency", "ISO 4217"),
        ({"currency": "US"}, "currency", "ISO 4217"),
        ({"currency": ...}, "currency", "required"),
        ({"principal": "0"}, "principal", "more than 0"),
        ({"principal": "1,200.00"}, "principal", "digits and a point"),
        ({"balance_principal": "-1.00"}, "balance_principal", "negative"),
        ({"balance_interest": "-0.01"}, "balance_interest", "negative"),
        ({"balance_fees": "10.005"}, "balance_fees", "2 decimal places"),
        ({"balance_fees": 0.001}, "balance_fees", "2 decimal places"),
        ({"balance_fees": "NaN"}, "balance_fees", "digits"),
        ({"balance_fees": float("inf")}, "balance_fees", "amount"),
        ({"balance_fees": True}, "balance_fees", "amount"),
        ({"balance_principal": "1000000000000.00"}, "balance_principal", "at most"),
        ({"balance_principal": 10**26}, "balance_principal", "at most"),
        ({"balance_principal": "1" * 40 + ".001"}, "balance_principal", "at most"),
        ({"balance_as_of": "2026-02-30"}, "balance_as_of", "YYYY-MM-DD"),
        ({"balance_as_of": ...}, "balance_as_of", "required"),
        ({"due_date": "9999-12-31"}, "due_date", "between"),
        ({"status": "late"}, "status", "current, past_due, paid, charged_off"),
        ({"days_past_due": "-3"}, "days_past_due", "whole number"),
        ({"days_past_due": "2.5"}, "days_past_due", "whole number"),
        ({"origination_state": "Calif."}, "origination_state", "state or province"),
        # Together:
        ({"amount_past_due": "0"}, "amount_past_due", "more than 0 for a past_due loan"),
        ({"due_date": ""}, "due_date", "oldest unpaid due date"),
        ({"due_date": "2026-03-01"}, "due_date", "before balance_as_of"),
        ({"status": "current"}, "amount_past_due", "must be 0 for a current loan"),
        ({"amount_past_due": "2000.00"}, "amount_past_due", "more than the balance"),
        (
            {"status": "paid", "amount_past_due": "0"},
            "status",
            "no balance left",
        ),
        ({"status": "charged_off"}, "charge_off_date", "required"),
        ({"origination_date": "2026-04-01"}, "origination_date", "after balance_as_of"),
        ({"rate": "9.9"}, "rate", "unknown field"),
    ],
)
def test_a_bad_loan_field_is_refused_at_its_path(changes, path, words):
    found = problems(parse_loan(loan(**changes)))
    assert path in found, found
    assert words in found[path]


def test_a_paid_off_loan_reads():
    record, found = parse_loan(
        loan(
            status="paid",
            amount_past_due="0",
            balance_principal="0",
            balance_interest="0",
            balance_fees="0",
        )
    )
    assert found == [] and record.balance_total == 0


def test_a_charged_off_loan_reads_with_its_date():
    record, found = parse_loan(loan(status="charged_off", charge_off_date="2026-02-20"))
    assert found == [] and record.charge_off_date == dt.date(2026, 2, 20)


# --- payments, reversals, signals


def test_a_payment_reads_with_its_zone():
    record, found = parse_payment(payment())
    assert found == []
    assert record.amount == Decimal("120.00")
    assert record.received_at == dt.datetime(2026, 3, 2, 14, 15, tzinfo=UTC)
    assert set(payment()) == set(PAYMENT_FIELDS)


@pytest.mark.parametrize(
    ("changes", "path", "words"),
    [
        ({"amount": "0"}, "amount", "more than 0"),
        ({"amount": "-5"}, "amount", "more than 0"),
        ({"amount": "1.001"}, "amount", "2 decimal places"),
        ({"currency": "usd"}, None, None),
        ({"currency": "ABC"}, "currency", "ISO 4217"),
        ({"received_at": "2026-03-02T09:15:00"}, "received_at", "UTC offset"),
        ({"received_at": "2026-03-02"}, "received_at", "UTC offset"),
        ({"received_at": "yesterday"}, "received_at", "ISO 8601"),
        ({"received_at": dt.datetime(2026, 3, 2, 9, 15)}, "received_at", "UTC offset"),
        ({"loan_external_id": ...}, "loan_external_id", "required"),
        ({"method": "card"}, "method", "unknown field"),
    ],
)
def test_a_bad_payment_field_is_refused_at_its_path(changes, path, words):
    found = problems(parse_payment(payment(**changes)))
    if path is None:
        assert found == {}
        return
    assert path in found, found
    assert words in found[path]


def test_a_reversal_reads():
    record, found = parse_reversal(reversal(reason="NSF"))
    assert found == []
    assert record.reason == "nsf"
    assert record.reversed_at == dt.datetime(2026, 3, 4, 12, tzinfo=UTC)
    assert set(reversal()) == set(REVERSAL_FIELDS)


@pytest.mark.parametrize(
    ("changes", "path", "words"),
    [
        ({"reason": "mistake"}, "reason", "nsf, chargeback, other"),
        ({"reversed_at": "2026-03-04T12:00:00"}, "reversed_at", "UTC offset"),
        ({"note": "x" * 501}, "note", "at most 500"),
        ({"payment_external_id": ""}, "payment_external_id", "required"),
    ],
)
def test_a_bad_reversal_field_is_refused_at_its_path(changes, path, words):
    found = problems(parse_reversal(reversal(**changes)))
    assert words in found[path]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True),
        (True, True),
        ("3", 3),
        (2.5, 2.5),
        ('{"band": "high", "monthly": 4200}', {"band": "high", "monthly": 4200}),
        ({"band": "high"}, {"band": "high"}),
        ("high", "high"),
    ],
)
def test_a_signal_value_is_json_or_text(value, expected):
    record, found = parse_signal(signal(value=value))
    assert found == []
    assert record.value == expected
    assert set(signal()) == set(SIGNAL_FIELDS)


@pytest.mark.parametrize(
    ("changes", "path", "words"),
    [
        ({"kind": "horoscope"}, "kind", "bureau_other_loans_current"),
        ({"value": ...}, "value", "required"),
        ({"value": [1, 2]}, "value", "number, true or false, text or an object"),
        ({"value": "[1, 2]"}, None, None),  # text that is a JSON list stays text
        ({"value": {"x": float("nan")}}, "value", "number"),
        ({"value": {"x": "y" * 5000}}, "value", "at most"),
        ({"observed_at": "2026-03-03"}, "observed_at", "UTC offset"),
    ],
)
def test_a_bad_signal_field_is_refused_at_its_path(changes, path, words):
    found = problems(parse_signal(signal(**changes)))
    if path is None:
        assert found == {}
        return
    assert words in found[path]


# --- never a crash

_junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(
        [
            (parse_borrower, BORROWER_FIELDS),
            (parse_loan, LOAN_FIELDS),
            (parse_payment, PAYMENT_FIELDS),
            (parse_reversal, REVERSAL_FIELDS),
            (parse_signal, SIGNAL_FIELDS),
        ]
    ),
    data=st.data(),
)
def test_no_input_makes_a_parser_raise(kind, data):
    parse, fields = kind
    row = data.draw(st.dictionaries(st.sampled_from([*fields, "other"]), _junk, max_size=12))
    record, found = parse(row)
    assert (record is None) == bool(found)
    assert all(isinstance(p.path, str) and p.message for p in found)
