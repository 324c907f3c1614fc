"""Promise terms as pure functions: what counts towards a promise, when it is kept or broken, the
follow-up steps, and the validation the policy editor shows."""

import datetime as dt
from decimal import Decimal

import pytest

from collections_app.policies.promises import (
    BROKEN,
    DEFAULTS,
    KEPT,
    OpenPromise,
    allocate_payment,
    follow_up_steps,
    promise_outcome,
    promise_terms,
    validate_promises,
)

DUE = dt.date(2026, 3, 10)
MADE = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
TERMS = promise_terms({"grace_days": 2, "kept_threshold_percent": 90})


def promise(pk: int, amount: str, due: dt.date = DUE, paid: str = "0") -> OpenPromise:
    return OpenPromise(pk, Decimal(amount), Decimal(paid), due, MADE)


def allocate(amount: str, promises, received_on: dt.date = DUE, received_at=None):
    return allocate_payment(
        amount=Decimal(amount),
        received_at=received_at or MADE + dt.timedelta(hours=1),
        received_on=received_on,
        promises=promises,
        terms=TERMS,
    )


def test_one_payment_goes_to_the_promise_due_first_and_is_never_counted_twice() -> None:
    later, sooner = promise(1, "100", DUE + dt.timedelta(days=5)), promise(2, "100")
    assert allocate("100", [later, sooner]) == [(2, Decimal("100"))]
    assert allocate("150", [later, sooner]) == [(2, Decimal("100")), (1, Decimal("50"))]
    # more than all promises together: the rest counts for none of them
    assert sum(a for _, a in allocate("500", [later, sooner])) == Decimal("200")


def test_a_partly_paid_promise_takes_only_what_is_still_owed() -> None:
    assert allocate("100", [promise(1, "100", paid="70"), promise(2, "100", DUE)]) == [
        (1, Decimal("30")),
        (2, Decimal("70")),
    ]


def test_a_payment_counts_from_the_promise_being_made_to_its_deadline() -> None:
    p = promise(1, "100")
    before_it_was_made = MADE - dt.timedelta(minutes=1)
    assert allocate("100", [p], received_at=before_it_was_made) == []
    assert allocate("100", [p], received_on=DUE + dt.timedelta(days=2)) == [(1, Decimal("100"))]
    assert allocate("100", [p], received_on=DUE + dt.timedelta(days=3)) == []


def test_after_one_promise_s_deadline_the_payment_goes_to_the_next() -> None:
    overdue, next_one = promise(1, "100"), promise(2, "100", DUE + dt.timedelta(days=10))
    on = DUE + dt.timedelta(days=4)
    assert allocate("100", [overdue, next_one], received_on=on) == [(2, Decimal("100"))]


@pytest.mark.parametrize(
    ("paid", "today", "outcome"),
    [
        ("100", DUE - dt.timedelta(days=3), KEPT),  # paid in full: kept at once
        ("95", DUE, None),  # due today: never broken today
        ("0", DUE + dt.timedelta(days=2), None),  # the last day of grace
        ("95", DUE + dt.timedelta(days=3), KEPT),  # at least 90 % by the deadline
        ("90", DUE + dt.timedelta(days=3), KEPT),
        ("89.99", DUE + dt.timedelta(days=3), BROKEN),
        ("50", DUE + dt.timedelta(days=3), BROKEN),
    ],
)
def test_kept_and_broken_by_the_threshold_after_the_grace_days(paid, today, outcome) -> None:
    assert (
        promise_outcome(
            amount=Decimal("100"), paid=Decimal(paid), due_date=DUE, terms=TERMS, today=today
        )
        == outcome
    )


def test_a_policy_without_the_terms_reads_the_shipped_defaults() -> None:
    assert promise_terms({}) == promise_terms(None) == promise_terms(DEFAULTS)
    assert (promise_terms({}).grace_days, promise_terms({}).kept_threshold_percent) == (2, 90)
    partial = promise_terms({"grace_days": 0})
    assert (partial.grace_days, partial.kept_threshold_percent) == (0, Decimal("90"))
    assert partial.follow_up == tuple(DEFAULTS["follow_up"])


def test_the_follow_up_is_a_step_keyed_once_per_night_and_switched_like_cadence_steps() -> None:
    terms = promise_terms({})
    [sms] = follow_up_steps(terms=terms, segment="strategic", channels=("sms", "email"))
    assert (sms.step, sms.template_key, sms.channel, sms.at) == (
        "promise-broken:sms",
        "promise-broken-sms",
        "sms",
        dt.time(10),
    )
    [email] = follow_up_steps(terms=terms, segment="unreachable", channel_switch={"sms": "email"})
    assert (email.step, email.template_key, email.switched_from) == (
        "promise-broken:email",
        "promise-broken-email",
        "sms",
    )
    assert follow_up_steps(terms=terms, segment="x", channels=("email",)) == []  # no phone
    only_hardship = promise_terms({"follow_up": [{**DEFAULTS["follow_up"][0], "segments": ["h"]}]})
    assert follow_up_steps(terms=only_hardship, segment="strategic") == []
    assert follow_up_steps(terms=promise_terms({"follow_up": []}), segment="x") == []


def test_the_shipped_terms_are_valid() -> None:
    assert validate_promises(DEFAULTS) == []
    assert validate_promises({}) == []


@pytest.mark.parametrize(
    ("promises", "problem"),
    [
        ({"grace_days": -1}, "grace_days must be a whole number of days from 0 to 30, not -1"),
        ({"grace_days": 2.5}, "grace_days must be a whole number"),
        ({"grace_days": True}, "grace_days must be a whole number"),
        ({"kept_threshold_percent": 0}, "above 0 and at most 100, not 0"),
        ({"kept_threshold_percent": 120}, "above 0 and at most 100, not 120"),
        ({"kept_threshold_percent": "90"}, "kept_threshold_percent must be a number"),
        ({"grace": 2}, "unknown key 'grace'"),
        ({"follow_up": {"channel": "sms"}}, "follow_up must be a list of steps"),
        ({"follow_up": [{"channel": "fax", "at": "10:00"}]}, "channel must be one of"),
        ({"follow_up": [{"channel": "sms", "at": "25:00"}]}, "at must be a local time"),
        ({"follow_up": [{"channel": "sms"}]}, "at must be a local time such as 10:00, not None"),
        ({"follow_up": [{"channel": "sms", "at": "10:00", "day": 2}]}, "unknown field(s) day"),
        ({"follow_up": ["sms"]}, "follow_up step 0 must be an object"),
        ([1, 2], "promises: must be an object"),
    ],
)
def test_invalid_terms_are_named(promises, problem) -> None:
    problems = validate_promises(promises)
    assert any(problem in p for p in problems), problems
