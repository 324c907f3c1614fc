"""The plan schedule sums exactly to the total, to the cent; the offers are what the policy
allows; a plan outside the policy is refused with the reason. Pure: no database."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collections_app.policies.payment_terms import payment_terms, payment_terms_problems
from collections_app.policies.plans import (
    due_dates,
    plan_offer_problems,
    plan_offers,
    plan_schedule,
    split_amount,
)

CENT = Decimal("0.01")
TODAY = dt.date(2026, 3, 10)
TERMS = payment_terms(None).plans  # 3/6/12, minimum 20, first due within 14 days


@given(
    cents=st.integers(min_value=1, max_value=10**12),
    count=st.integers(min_value=1, max_value=60),
    remainder=st.sampled_from(["first", "last"]),
)
def test_the_instalments_sum_exactly_to_the_total(cents: int, count: int, remainder: str) -> None:
    total = Decimal(cents) * CENT
    if cents < count:
        with pytest.raises(ValueError):
            split_amount(total, count, remainder=remainder)
        return
    amounts = split_amount(total, count, remainder=remainder)
    assert sum(amounts) == total
    assert len(amounts) == count
    assert all(a == a.quantize(CENT) and a >= CENT for a in amounts)
    # every instalment but the odd one is the same; the odd one carries under `count` cents more
    odd = 0 if remainder == "first" else -1
    regular = [a for i, a in enumerate(amounts) if i != (odd % count)]
    assert len(set(regular)) <= 1
    assert Decimal(0) <= amounts[odd] - min(amounts) < count * CENT


@pytest.mark.parametrize(
    ("total", "count", "expected"),
    [
        ("100.00", 3, ["33.33", "33.33", "33.34"]),
        ("1000.00", 6, ["166.66"] * 5 + ["166.70"]),
        ("0.05", 5, ["0.01"] * 5),
        ("1234.57", 12, ["102.88"] * 11 + ["102.89"]),
        ("300.00", 6, ["50.00"] * 6),
    ],
)
def test_known_splits_put_the_leftover_cents_on_the_last(total, count, expected) -> None:
    assert split_amount(Decimal(total), count) == [Decimal(e) for e in expected]


def test_the_leftover_can_go_on_the_first_instead() -> None:
    assert split_amount(Decimal("100.00"), 3, remainder="first") == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]


def test_many_balances_and_counts_sum_exactly() -> None:
    checked = 0
    for cents in range(300, 200_000, 997):
        for count in (3, 6, 12, 24):
            total = Decimal(cents) * CENT
            schedule = plan_schedule(total=total, count=count, first_due=TODAY, frequency="monthly")
            assert sum(amount for _, amount in schedule) == total
            checked += 1
    assert checked > 700


def test_monthly_dates_keep_the_agreed_day_and_clamp_short_months() -> None:
    dates = due_dates(first_due=dt.date(2026, 1, 31), count=4, frequency="monthly")
    assert dates == [
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 30),
    ]
    assert due_dates(first_due=dt.date(2026, 12, 15), count=2, frequency="monthly")[1] == (
        dt.date(2027, 1, 15)
    )


def test_weekly_and_fortnightly_dates() -> None:
    assert due_dates(first_due=TODAY, count=3, frequency="weekly")[-1] == TODAY + dt.timedelta(14)
    assert due_dates(first_due=TODAY, count=3, frequency="fortnightly")[-1] == (
        TODAY + dt.timedelta(28)
    )


def test_offers_leave_out_counts_whose_instalment_is_below_the_minimum() -> None:
    offers = plan_offers(terms=TERMS, total=Decimal("100.00"))
    # 100 / 3 = 33.33 >= 20; 100 / 6 = 16.66 < 20; 100 / 12 < 20
    assert {o.count for o in offers} == {3}
    assert {o.frequency for o in offers} == {"weekly", "fortnightly", "monthly"}
    assert {o.count for o in plan_offers(terms=TERMS, total=Decimal("300.00"))} == {3, 6, 12}


def test_a_plan_outside_the_policy_is_refused_with_the_reason() -> None:
    def problems(**kw):
        args = {"count": 6, "frequency": "monthly", "first_due": TODAY + dt.timedelta(7)} | kw
        return plan_offer_problems(
            terms=TERMS, total=Decimal("300.00"), today=TODAY, currency="USD", **args
        )

    assert problems() == []
    assert problems(count=5) == ["The policy offers 3, 6, 12 instalments, not 5."]
    assert "weekly, fortnightly, monthly" in problems(frequency="daily")[0]
    assert problems(first_due=TODAY + dt.timedelta(15)) == [
        "The first instalment must be due within 14 days (by 2026-03-24)."
    ]
    assert problems(first_due=TODAY - dt.timedelta(1)) == [
        "The first instalment cannot be due in the past."
    ]
    below = plan_offer_problems(
        terms=TERMS,
        total=Decimal("100.00"),
        count=12,
        frequency="monthly",
        first_due=TODAY,
        today=TODAY,
        currency="USD",
    )
    assert below == [
        "12 instalments of 100.00 USD would be less than the minimum instalment of 20 USD."
    ]


def test_a_segment_overrides_the_plans_key_by_key() -> None:
    raw = {
        "plans": {"min_installment": 50},
        "segments": {"hardship": {"plans": {"installment_counts": [6, 24]}}},
    }
    hardship = payment_terms(raw, "hardship").plans
    other = payment_terms(raw, "strategic").plans
    assert (hardship.installment_counts, hardship.min_installment) == ((6, 24), Decimal("50"))
    assert (other.installment_counts, other.min_installment) == ((3, 6, 12), Decimal("50"))
    # the shipped default: hardship cases may spread over 24 instalments
    assert payment_terms(None, "hardship").plans.installment_counts == (3, 6, 12, 24)


def test_the_settlement_limits_are_per_role_with_the_shipped_defaults() -> None:
    terms = payment_terms(None).settlements
    assert terms.limit_for(["agent"]) == 10
    assert terms.limit_for(["supervisor"]) == 30
    assert terms.limit_for(["agent", "supervisor"]) == 30
    assert terms.limit_for(["legal"]) == 0
    assert terms.highest_limit == 30


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        ({"plans": {"installment_counts": [0, 3]}}, "payment_terms.plans.installment_counts"),
        ({"plans": {"installment_counts": "6"}}, "payment_terms.plans.installment_counts"),
        ({"plans": {"min_installment": -5}}, "payment_terms.plans.min_installment"),
        ({"plans": {"frequencies": ["daily"]}}, "payment_terms.plans.frequencies"),
        ({"plans": {"remainder": "middle"}}, "payment_terms.plans.remainder"),
        ({"plans": {"first_due_within_days": 1000}}, "payment_terms.plans.first_due_within_days"),
        (
            {"settlements": {"max_discount_percent": {"agent": 100}}},
            "payment_terms.settlements.max_discount_percent.agent",
        ),
        ({"settlements": {"offer_valid_days": 0}}, "payment_terms.settlements.offer_valid_days"),
        ({"segments": {"nobody": {}}}, "payment_terms.segments.nobody"),
        ({"segments": {"hardship": {"plan": {}}}}, "payment_terms.segments.hardship.plan"),
        ({"plan": {}}, "payment_terms.plan"),
    ],
)
def test_payment_terms_problems_name_where_they_are(raw, path) -> None:
    assert [p.path for p in payment_terms_problems(raw)] == [path]


def test_the_shipped_defaults_have_no_problems() -> None:
    from collections_app.policies.payment_terms import DEFAULTS

    assert payment_terms_problems(DEFAULTS) == []
    assert payment_terms_problems({}) == []
