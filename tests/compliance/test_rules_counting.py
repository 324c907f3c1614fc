"""Counting the call rules as 12 CFR 1006.14 counts them, as tables from the rule's text.

1006.14(b)(2): a debt collector is presumed to comply if it places a call to a person about a
debt neither (i)(A) more than seven times within a period of seven consecutive days, nor (i)(B)
within a period of seven consecutive days after a telephone conversation with the person about
the debt; "the date of the telephone conversation is the first day of the seven-consecutive-day
period". 1006.14(b)(3)(ii): telephone calls that do not connect to the dialed number (a busy
signal, a number not in service) do not count. Dates are the borrower's (their time zone).

`US` counts so (`call_counting = calendar_days`); `US_ROLLING` is the conservative option a
profile may choose: 7 x 24 hours back from each call, every call counted.
"""

import datetime as dt
from dataclasses import replace

import pytest

from collections_app.compliance.rules import contact_decision
from tests.compliance.builders import US, US_ROLLING, call, calls, local, snap

NY = "America/New_York"
LA = "America/Los_Angeles"
MINUTE = dt.timedelta(minutes=1)
DAY = dt.timedelta(days=1)
# Day one is Monday 2026-06-01 (New York).
DAY1_EVENING = local(NY, 2026, 6, 1, 20, 0)


def _day(n: int, hour: int, minute: int = 0, zone: str = NY) -> dt.datetime:
    return local(zone, 2026, 6, n, hour, minute)


# --- (b)(2)(i)(B): the conversation rule; the date of the conversation is day one


@pytest.mark.parametrize(
    ("profile", "day", "hour", "allowed"),
    [
        (US, 1, 20, False),  # the same day, after the conversation: day one
        (US, 2, 8, False),
        (US, 7, 8, False),  # day 7: the last of the seven
        (US, 7, 20, False),
        (US, 8, 8, True),  # day 8, as soon as the window opens
        (US, 9, 12, True),
        # Rolling hours: still 7 x 24 h from the 20:00 conversation on day 8 in the morning.
        (US_ROLLING, 7, 20, False),
        (US_ROLLING, 8, 8, False),
        (US_ROLLING, 8, 19, False),
        (US_ROLLING, 8, 20, True),
    ],
)
def test_the_conversation_rule_on_day_7_and_day_8(profile, day, hour, allowed) -> None:
    talk = call(DAY1_EVENING - dt.timedelta(minutes=30), "connected")  # 19:30 on day one
    at = _day(day, hour, 5 if day == 1 else 0)
    decision = contact_decision(snap(profile=profile, entries=(talk,)), "voice", at)
    assert decision.allowed is allowed
    if not allowed:
        assert decision.rule == "conversation_cooldown"


def test_after_a_conversation_the_next_allowed_call_is_day_8_at_the_window() -> None:
    talk = call(_day(1, 20, 30), "connected")
    decision = contact_decision(snap(entries=(talk,)), "voice", _day(3, 10))
    assert decision.next_allowed_at == _day(8, 8)


# --- (b)(3)(ii): calls that do not connect to the dialed number are not counted


@pytest.mark.parametrize(
    ("outcome", "exact_allows", "rolling_allows"),
    [
        ("busy", True, False),  # a busy signal: never connected to the number
        ("not_connected", True, False),  # not in service / the network could not complete it
        ("unanswered", False, False),  # it rang: connected to the number, counted
        ("voicemail", False, False),  # reached voicemail: connected, counted
        ("failed", False, False),  # cancelled while it may have rung, a fax line: counted
    ],
)
def test_seven_calls_that_never_connected_do_not_count(
    outcome, exact_allows, rolling_allows
) -> None:
    seven = calls(_day(1, 9), 7, dt.timedelta(hours=1), outcome=outcome)
    at = _day(2, 9)
    exact = contact_decision(snap(entries=seven), "voice", at)
    rolling = contact_decision(snap(profile=US_ROLLING, entries=seven), "voice", at)
    assert exact.allowed is exact_allows
    assert rolling.allowed is rolling_allows
    for d in (exact, rolling):
        if not d.allowed:
            assert d.rule == "call_attempts_7d"


def test_a_call_whose_outcome_is_not_known_yet_counts() -> None:
    no_cooldown = replace(US, call_cooldown_after_conversation_days=None)
    seven = calls(_day(1, 9), 7, dt.timedelta(hours=1), outcome="pending")
    decision = contact_decision(snap(profile=no_cooldown, entries=seven), "voice", _day(2, 9))
    assert (decision.allowed, decision.rule) == (False, "call_attempts_7d")


def test_six_counted_calls_and_busy_ones_allow_a_seventh_but_not_an_eighth() -> None:
    busy = calls(_day(1, 9), 5, MINUTE, outcome="busy")
    six = calls(_day(1, 10), 6, MINUTE)
    assert contact_decision(snap(entries=busy + six), "voice", _day(1, 11)).allowed
    seventh = (*busy, *six, call(_day(1, 11)))
    denied = contact_decision(snap(entries=seventh), "voice", _day(1, 12))
    assert (denied.allowed, denied.rule) == (False, "call_attempts_7d")
    assert "7 call attempts" in denied.detail


# --- (b)(2)(i)(A): more than seven within any seven consecutive days


@pytest.mark.parametrize(
    ("profile", "allowed"),
    [
        (US, True),  # days 2-8 hold six calls: an eighth call in days 1-8 is lawful
        (US_ROLLING, False),  # the day-1 18:00 call is within 7 x 24 h of day 8 at 09:00
    ],
)
def test_seven_attempts_on_days_1_to_7_then_day_8_is_allowed(profile, allowed) -> None:
    week = calls(_day(1, 18), 7, DAY)  # 18:00, days 1 to 7
    decision = contact_decision(snap(profile=profile, entries=week), "voice", _day(8, 9))
    assert decision.allowed is allowed


def test_on_day_8_the_periods_ending_then_still_hold() -> None:
    """Day 8's period (days 2-8) may hold seven: six from days 2-7 and one on day 8."""
    week = calls(_day(1, 18), 7, DAY)
    day8 = (*week, call(_day(8, 9)))
    decision = contact_decision(snap(entries=day8), "voice", _day(8, 12))
    assert (decision.allowed, decision.rule) == (False, "call_attempts_7d")
    assert decision.next_allowed_at == _day(9, 8)  # day 2's call leaves the period on day 9


@pytest.mark.parametrize(
    ("calls_on", "allowed"),
    [
        ((1, 1, 1, 1, 1, 1, 1), True),  # all seven on day 1: day 8 begins a new period
        ((2, 2, 2, 2, 2, 2, 2), False),  # day 2 is inside days 2-8
        ((1, 2, 3, 4, 5, 6, 7), True),
        ((2, 3, 4, 5, 6, 7, 7), False),
    ],
)
def test_seven_attempts_by_date_then_day_8(calls_on, allowed) -> None:
    entries = tuple(call(_day(d, 10, i)) for i, d in enumerate(calls_on))
    assert contact_decision(snap(entries=entries), "voice", _day(8, 8)).allowed is allowed


# --- dates are the borrower's: time-zone boundaries


def test_the_conversation_day_is_the_borrowers_date_not_utc() -> None:
    # 20:30 in New York on day 1 is already 00:30 UTC on June 2nd.
    talk = call(_day(1, 20, 30), "connected")
    assert talk.occurred_at.date() == dt.date(2026, 6, 2)
    assert contact_decision(snap(entries=(talk,)), "voice", _day(8, 8)).allowed
    # In Los Angeles the same instant is 17:30 on day 1: day 8 is allowed there too.
    la = snap(zones=(LA,), entries=(talk,))
    assert not contact_decision(la, "voice", _day(7, 20, 0, LA)).allowed
    assert contact_decision(la, "voice", _day(8, 8, 0, LA)).allowed


def test_calls_just_before_and_after_local_midnight_fall_on_their_local_dates() -> None:
    # Seven calls at 20:50 New York on day 1 (00:50 UTC day 2): they are day 1's.
    seven = calls(_day(1, 20, 50), 7, MINUTE)
    assert contact_decision(snap(entries=seven), "voice", _day(8, 8)).allowed
    assert not contact_decision(snap(entries=seven), "voice", _day(7, 20, 59)).allowed


def test_a_borrower_in_two_possible_zones_is_held_to_the_later_date() -> None:
    # 23:30 in Los Angeles on day 7 is 02:30 on day 8 in New York; zones unknown: both.
    seven = calls(_day(1, 20, 30, LA), 7, MINUTE)  # day 1 in LA, 23:30+ day 1 in New York
    both = snap(zones=(NY, LA), entries=seven)
    decision = contact_decision(both, "voice", _day(7, 12, 0, LA))
    assert (decision.allowed, decision.rule) == (False, "call_attempts_7d")
    assert decision.next_allowed_at == _day(8, 8, 0, LA)  # 08:00 day 8 in both zones' terms
    assert contact_decision(both, "voice", decision.next_allowed_at).allowed


def test_the_dst_change_does_not_move_a_date() -> None:
    # 2026-11-01: New York goes back an hour. A conversation on Oct 26 at 20:00 (day one)
    # allows calls again on Nov 2 at 08:00, a week of dates though one is 25 hours long.
    talk = call(local(NY, 2026, 10, 26, 20, 0), "connected")
    assert not contact_decision(
        snap(entries=(talk,)), "voice", local(NY, 2026, 11, 1, 20, 0)
    ).allowed
    assert contact_decision(snap(entries=(talk,)), "voice", local(NY, 2026, 11, 2, 8, 0)).allowed


# --- the per-person cap across a borrower's debts (a profile option)

PER_PERSON = replace(US, max_call_attempts_per_person_7d=10)


@pytest.mark.parametrize(
    ("profile", "allowed", "rule"),
    [
        (US, True, ""),  # the law's cap is per debt: 6 and 4 are under it
        (PER_PERSON, False, "call_attempts_person_7d"),
        (replace(US_ROLLING, max_call_attempts_per_person_7d=10), False, "call_attempts_person_7d"),
        (replace(US, max_call_attempts_per_person_7d=11), True, ""),
    ],
)
def test_a_per_person_cap_counts_every_debt(profile, allowed, rule) -> None:
    entries = calls(_day(1, 9), 6, MINUTE) + calls(_day(1, 10), 4, MINUTE, case_id=2)
    decision = contact_decision(snap(profile=profile, entries=entries), "voice", _day(2, 9))
    assert (decision.allowed, decision.rule) == (allowed, rule)


def test_the_per_person_cap_leaves_out_calls_that_never_connected() -> None:
    entries = calls(_day(1, 9), 6, MINUTE) + calls(_day(1, 10), 4, MINUTE, "busy", case_id=2)
    assert contact_decision(snap(profile=PER_PERSON, entries=entries), "voice", _day(2, 9)).allowed
