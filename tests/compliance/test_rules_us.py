"""US profile (Regulation F) as tables: each row is a situation and the gate's answer."""

import datetime as dt

import pytest

from collections_app.compliance.rules import contact_decision
from tests.compliance.builders import US, US_ROLLING, call, calls, local, snap

NY = "America/New_York"
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("wall_clock", "allowed", "next_wall_clock"),
    [
        ((2026, 3, 2, 7, 59, 59), False, (2026, 3, 2, 8, 0)),
        ((2026, 3, 2, 8, 0, 0), True, None),
        ((2026, 3, 2, 12, 30, 0), True, None),
        ((2026, 3, 2, 20, 59, 59), True, None),
        ((2026, 3, 2, 21, 0, 0), False, (2026, 3, 3, 8, 0)),  # 21:00 itself is too late
        ((2026, 3, 2, 23, 30, 0), False, (2026, 3, 3, 8, 0)),
        ((2026, 3, 2, 0, 0, 0), False, (2026, 3, 2, 8, 0)),  # midnight: same day's 08:00
    ],
)
@pytest.mark.parametrize("channel", ["sms", "voice", "email"])
def test_quiet_hours_are_08_to_21_local(wall_clock, allowed, next_wall_clock, channel) -> None:
    decision = contact_decision(snap(channel=channel), channel, local(NY, *wall_clock))
    assert decision.allowed is allowed
    if not allowed:
        assert decision.rule == "quiet_hours"
        assert decision.next_allowed_at == local(NY, *next_wall_clock)


@pytest.mark.parametrize(
    ("at", "expected_next"),
    [
        # 2026-03-08: clocks go 02:00 -> 03:00 in New York. 07:30 EDT is 11:30 UTC, not 12:30.
        (local(NY, 2026, 3, 8, 7, 30), dt.datetime(2026, 3, 8, 12, 0, tzinfo=dt.UTC)),
        # The night before the change: next window opens at 08:00 EDT = 12:00 UTC.
        (local(NY, 2026, 3, 7, 22, 0), dt.datetime(2026, 3, 8, 12, 0, tzinfo=dt.UTC)),
        # 2026-11-01: clocks go 02:00 -> 01:00. 08:00 EST = 13:00 UTC.
        (local(NY, 2026, 10, 31, 23, 0), dt.datetime(2026, 11, 1, 13, 0, tzinfo=dt.UTC)),
    ],
)
def test_dst_changes_move_the_window_with_the_wall_clock(at, expected_next) -> None:
    decision = contact_decision(snap(), "voice", at)
    assert (decision.allowed, decision.next_allowed_at) == (False, expected_next)


def test_the_same_utc_instant_is_allowed_in_one_zone_and_not_another() -> None:
    at = dt.datetime(2026, 6, 1, 13, 0, tzinfo=dt.UTC)  # 09:00 New York, 06:00 Los Angeles
    assert contact_decision(snap(zones=("America/New_York",)), "sms", at).allowed
    la = contact_decision(snap(zones=("America/Los_Angeles",)), "sms", at)
    assert (la.allowed, la.rule) == (False, "quiet_hours")
    assert la.next_allowed_at == local("America/Los_Angeles", 2026, 6, 1, 8, 0)


def test_a_borrower_in_several_possible_zones_is_contacted_only_when_all_are_awake() -> None:
    zones = ("America/New_York", "America/Los_Angeles")
    at = local(NY, 2026, 6, 1, 9, 0)  # 06:00 in Los Angeles
    decision = contact_decision(snap(zones=zones), "sms", at)
    assert (decision.allowed, decision.rule) == (False, "quiet_hours")
    assert decision.next_allowed_at == local("America/Los_Angeles", 2026, 6, 1, 8, 0)
    # and late: 20:30 in LA is 23:30 in New York
    late = contact_decision(
        snap(zones=zones), "sms", local("America/Los_Angeles", 2026, 6, 1, 20, 30)
    )
    assert late.next_allowed_at == local("America/Los_Angeles", 2026, 6, 2, 8, 0)


def test_zones_with_no_common_window_are_never_allowed() -> None:
    # 08:00-21:00 in each: Shanghai 00-13 UTC, London 07-20 UTC, Chicago 13-02 UTC (June)
    zones = ("Asia/Shanghai", "Europe/London", "America/Chicago")
    decision = contact_decision(snap(zones=zones), "sms", local(NY, 2026, 6, 1, 12, 0))
    assert decision.allowed is False
    assert decision.next_allowed_at is None
    assert "time zone" in decision.detail


@pytest.mark.parametrize(
    ("profile", "next_wall_clock"),
    [
        # Calendar dates: Monday's call leaves the 7 days when next Monday begins (08:00 window).
        (US, (2026, 6, 8, 8, 0)),
        # Rolling: the Monday 10:00 call leaves the 7 x 24 hours next Monday 10:00.
        (US_ROLLING, (2026, 6, 8, 10, 0)),
    ],
)
def test_seven_calls_in_seven_days_then_no_eighth_until_the_first_ages_out(
    profile, next_wall_clock
) -> None:
    monday = local(NY, 2026, 6, 1, 10, 0)
    seven = calls(monday, 7, DAY)  # one a day, Monday to Sunday
    at = local(NY, 2026, 6, 7, 15, 0)
    decision = contact_decision(snap(profile=profile, entries=seven), "voice", at)
    assert (decision.allowed, decision.rule) == (False, "call_attempts_7d")
    assert decision.next_allowed_at == local(NY, *next_wall_clock)
    assert contact_decision(
        snap(profile=profile, entries=seven), "voice", local(NY, *next_wall_clock)
    ).allowed


def test_six_calls_in_seven_days_allow_a_seventh() -> None:
    six = calls(local(NY, 2026, 6, 1, 10, 0), 6, DAY)
    assert contact_decision(snap(entries=six), "voice", local(NY, 2026, 6, 7, 10, 0)).allowed


def test_the_call_cap_is_per_debt() -> None:
    other_debt = calls(local(NY, 2026, 6, 1, 10, 0), 7, HOUR, case_id=2)
    assert contact_decision(snap(entries=other_debt), "voice", local(NY, 2026, 6, 1, 18, 0)).allowed


def test_the_call_cap_does_not_limit_sms() -> None:
    seven = calls(local(NY, 2026, 6, 1, 10, 0), 7, HOUR)
    assert contact_decision(
        snap(entries=seven, channel="sms"), "sms", local(NY, 2026, 6, 1, 18, 0)
    ).allowed


@pytest.mark.parametrize(
    ("profile", "next_at"),
    [
        (US, local(NY, 2026, 6, 8, 8, 0)),  # day 8 begins; the window opens at 08:00
        (US_ROLLING, local(NY, 2026, 6, 8, 10, 0)),  # 7 x 24 h after the conversation
    ],
)
@pytest.mark.parametrize(
    ("days_after", "allowed"),
    [(0, False), (1, False), (6, False), (7, True), (8, True)],
)
def test_no_call_within_7_days_after_a_conversation(
    days_after: int, allowed: bool, profile, next_at
) -> None:
    talk = local(NY, 2026, 6, 1, 10, 0)
    at = talk + dt.timedelta(days=days_after, minutes=1 if days_after == 0 else 0)
    s = snap(profile=profile, entries=(call(talk, "connected"),))
    decision = contact_decision(s, "voice", at)
    assert decision.allowed is allowed
    if not allowed:
        assert decision.rule == "conversation_cooldown"
        assert decision.next_allowed_at == next_at


def test_a_conversation_does_not_stop_sms_or_email() -> None:
    talk = call(local(NY, 2026, 6, 1, 10, 0), "connected")
    at = local(NY, 2026, 6, 2, 10, 0)
    assert contact_decision(snap(entries=(talk,), channel="sms"), "sms", at).allowed
    assert contact_decision(snap(entries=(talk,), channel="email"), "email", at).allowed


def test_a_call_still_in_progress_counts_as_a_possible_conversation() -> None:
    ringing = call(local(NY, 2026, 6, 1, 10, 0), "pending")
    decision = contact_decision(snap(entries=(ringing,)), "voice", local(NY, 2026, 6, 1, 10, 5))
    assert (decision.allowed, decision.rule) == (False, "conversation_cooldown")


def test_a_conversation_about_another_debt_does_not_start_the_cooldown() -> None:
    other = call(local(NY, 2026, 6, 1, 10, 0), "connected", case_id=2)
    assert contact_decision(snap(entries=(other,)), "voice", local(NY, 2026, 6, 1, 12, 0)).allowed


def test_a_profile_without_caps_only_applies_the_window() -> None:
    from dataclasses import replace

    lax = replace(
        US, max_call_attempts_per_debt_7d=None, call_cooldown_after_conversation_days=None
    )
    many = calls(local(NY, 2026, 6, 1, 9, 0), 10, HOUR, outcome="connected")
    assert contact_decision(
        snap(profile=lax, entries=many), "voice", local(NY, 2026, 6, 1, 20, 0)
    ).allowed


def test_with_a_send_margin_the_window_must_stay_open_that_long() -> None:
    margin = dt.timedelta(minutes=2)
    late = contact_decision(snap(send_margin=margin), "sms", local(NY, 2026, 3, 2, 20, 59))
    assert (late.allowed, late.rule) == (False, "quiet_hours")
    assert late.next_allowed_at == local(NY, 2026, 3, 3, 8, 0)
    assert contact_decision(snap(send_margin=margin), "sms", local(NY, 2026, 3, 2, 20, 57)).allowed
