"""Statute of limitations, table tests written from the rule texts (compliance/limitations.py and
the rules the US and CN profiles ship with, migration 0015).

A debt is time-barred from the day after its last day to sue: the start (the event the rule
counts from) is not counted, the last day is the same date N years later (CN Civil Code art.
188, 201, 202; US statutes as cited per state)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from collections_app.compliance.limitations import (
    TIME_BARRED,
    UNKNOWN,
    WITHIN,
    DebtDates,
    add_years,
    debt_status,
)
from collections_app.compliance.profiles import profile_save_new_version
from collections_app.models import JurisdictionProfile

# Years per rule text, written here independently of the shipped data: the shorter of the
# written-contract and open-account periods (a credit card may be either).
US_YEARS = {
    "AZ": 3,  # A.R.S. 12-543
    "CA": 4,  # CCP 337
    "CO": 6,  # C.R.S. 13-80-103.5
    "DC": 3,  # D.C. Code 12-301(7)
    "FL": 4,  # Fla. Stat. 95.11(3)
    "GA": 4,  # O.C.G.A. 9-3-25
    "IL": 5,  # 735 ILCS 5/13-205
    "MA": 6,  # M.G.L. c. 260 s. 2
    "MD": 3,  # CJP 5-101
    "MI": 6,  # MCL 600.5807(9)
    "NC": 3,  # G.S. 1-52
    "NJ": 6,  # N.J.S.A. 2A:14-1
    "NY": 3,  # CPLR 214-i
    "OH": 4,  # R.C. 2305.07
    "PA": 4,  # 42 Pa.C.S. 5525
    "TX": 4,  # CPRC 16.004
    "VA": 3,  # Va. Code 8.01-246(4)
    "WA": 3,  # RCW 4.16.080(3)
}
START = dt.date(2020, 3, 10)  # the first day past due


def _rules(code: str) -> dict:
    return JurisdictionProfile.objects.get(code=code, is_current=True).limitation_rules


def _around(rules: dict, dates: DebtDates, last_day: dt.date) -> list[str]:
    return [
        debt_status(rules, dates, last_day + dt.timedelta(days=offset)).status
        for offset in (-1, 0, 1)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "years"), sorted(US_YEARS.items()))
def test_a_us_debt_one_day_before_on_and_after_its_last_day(state: str, years: int) -> None:
    rules = _rules("US")
    dates = DebtDates(default=START, last_payment=None, charge_off=None, borrower_region=state)
    last_day = dt.date(START.year + years, 3, 10)
    assert debt_status(rules, dates, last_day).last_day == last_day
    assert _around(rules, dates, last_day) == [WITHIN, WITHIN, TIME_BARRED]


@pytest.mark.django_db
def test_the_us_profile_ships_exactly_the_states_the_readme_names() -> None:
    assert set(_rules("US")["regions"]) == set(US_YEARS)


@pytest.mark.django_db
def test_cn_three_years_from_the_first_day_past_due_art_188() -> None:
    rules = _rules("CN")
    dates = DebtDates(default=START, last_payment=None, charge_off=None, borrower_region="GD")
    assert _around(rules, dates, dt.date(2023, 3, 10)) == [WITHIN, WITHIN, TIME_BARRED]


@pytest.mark.django_db
def test_cn_a_payment_restarts_the_three_years_art_195() -> None:
    rules = _rules("CN")
    paid = dt.date(2021, 6, 1)
    dates = DebtDates(default=START, last_payment=paid, charge_off=None)
    status = debt_status(rules, dates, dt.date(2024, 6, 1))
    assert (status.status, status.start_event, status.last_day) == (
        WITHIN,
        "last_payment",
        dt.date(2024, 6, 1),
    )
    assert debt_status(rules, dates, dt.date(2024, 6, 2)).status == TIME_BARRED


@pytest.mark.django_db
def test_us_a_later_payment_does_not_restart_the_period() -> None:
    """Whether it does differs by state (NY: never, CCFA): the shipped US rules count from the
    first day past due only, the side that errs towards time-barred."""
    dates = DebtDates(
        default=START, last_payment=dt.date(2022, 1, 5), charge_off=None, borrower_region="NY"
    )
    assert debt_status(_rules("US"), dates, dt.date(2023, 3, 11)).status == TIME_BARRED


@pytest.mark.django_db
def test_both_states_known_the_earlier_last_day_wins() -> None:
    dates = DebtDates(
        default=START,
        last_payment=None,
        charge_off=None,
        origination_region="NY",  # 3 years
        borrower_region="CA",  # 4 years
    )
    status = debt_status(_rules("US"), dates, dt.date(2023, 3, 11))
    assert (status.status, status.region, status.disclosure) == (TIME_BARRED, "NY", "time_barred")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("origination", "borrower"),
    [("", ""), ("ZZ", ""), ("", "ZZ"), ("CA", "ZZ")],  # ZZ: a state with no rule
)
def test_a_state_without_a_rule_is_unknown_and_suit_is_forbidden(origination, borrower) -> None:
    dates = DebtDates(
        default=dt.date.today(),  # overdue since today: far inside any period
        last_payment=None,
        charge_off=None,
        origination_region=origination,
        borrower_region=borrower,
    )
    status = debt_status(_rules("US"), dates, dt.date.today())
    assert (status.status, status.why, status.suit_forbidden) == (UNKNOWN, "no_rule", True)
    assert status.disclosure == ""  # we cannot say it is time-barred either


def test_no_start_date_is_unknown() -> None:
    rules = {"default": {"years": 3, "from": ["charge_off"]}}
    dates = DebtDates(default=START, last_payment=None, charge_off=None)
    assert debt_status(rules, dates, START).status == UNKNOWN
    assert debt_status({}, dates, START).suit_forbidden


def test_the_latest_known_event_starts_the_period() -> None:
    rules = {"default": {"years": 3, "from": ["default", "charge_off"]}}
    dates = DebtDates(default=START, last_payment=None, charge_off=dt.date(2020, 9, 6))
    status = debt_status(rules, dates, dt.date(2023, 9, 6))
    assert (status.status, status.start_event) == (WITHIN, "charge_off")


def test_29_february_ends_on_28_february() -> None:
    assert add_years(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 28)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rules", "path"),
    [
        ({"regions": {"CA": {"years": 0}}}, "limitation_rules.regions.CA.years"),
        ({"regions": {"CA": {"years": 4, "from": ["payday"]}}}, "limitation_rules.regions.CA.from"),
        ({"region_from": "lender"}, "limitation_rules.region_from"),
        ({"disclosure": "nope"}, "limitation_rules.disclosure"),
        ({"default": "3 years"}, "limitation_rules.default"),
    ],
)
def test_a_profile_with_a_broken_rule_is_refused_on_save(rules, path) -> None:
    profile = JurisdictionProfile.objects.get(code="US", is_current=True)
    profile.limitation_rules = rules
    with pytest.raises(ValidationError) as refused:
        profile_save_new_version(profile=profile, actor=None)
    assert any(m.startswith(path + ":") for m in refused.value.message_dict["limitation_rules"])
