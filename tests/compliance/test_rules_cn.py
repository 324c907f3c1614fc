"""CN profile (CBA 2026 / NIFA 2024 guidelines) as tables."""

import datetime as dt

import pytest

from collections_app.compliance.rules import contact_decision
from tests.compliance.builders import CN, PHONE, call, calls, local, snap

SH = "Asia/Shanghai"
MIN = dt.timedelta(minutes=10)


def cn(**kw):
    return snap(profile=CN, zones=(SH,), **kw)


@pytest.mark.parametrize(
    ("wall_clock", "allowed"),
    [
        ((2026, 6, 1, 7, 59), False),
        ((2026, 6, 1, 8, 0), True),
        ((2026, 6, 1, 21, 59), True),
        ((2026, 6, 1, 22, 0), False),
        ((2026, 6, 1, 23, 59), False),
        ((2026, 6, 2, 3, 0), False),
    ],
)
def test_no_contact_from_22_to_08(wall_clock, allowed) -> None:
    decision = contact_decision(cn(channel="sms"), "sms", local(SH, *wall_clock))
    assert decision.allowed is allowed
    if not allowed:
        assert decision.rule == "quiet_hours"
        assert decision.next_allowed_at.astimezone(local(SH, 2026, 1, 1).tzinfo) is not None
        assert decision.next_allowed_at in (
            local(SH, 2026, 6, 1, 8, 0),
            local(SH, 2026, 6, 2, 8, 0),
        )


def test_three_connected_calls_end_calls_for_the_day() -> None:
    three = calls(local(SH, 2026, 6, 1, 9, 0), 3, MIN, outcome="connected")
    decision = contact_decision(cn(entries=three), "voice", local(SH, 2026, 6, 1, 15, 0))
    assert (decision.allowed, decision.rule) == (False, "connected_calls_per_day")
    assert decision.next_allowed_at == local(SH, 2026, 6, 2, 8, 0)  # next day, once awake


def test_two_connected_calls_allow_a_third() -> None:
    two = calls(local(SH, 2026, 6, 1, 9, 0), 2, MIN, outcome="connected")
    assert contact_decision(cn(entries=two), "voice", local(SH, 2026, 6, 1, 15, 0)).allowed


def test_connected_calls_across_debts_count_together() -> None:
    mixed = (
        call(local(SH, 2026, 6, 1, 9, 0), "connected", case_id=1),
        call(local(SH, 2026, 6, 1, 9, 30), "connected", case_id=2),
        call(local(SH, 2026, 6, 1, 10, 0), "connected", case_id=3),
    )
    assert not contact_decision(cn(entries=mixed), "voice", local(SH, 2026, 6, 1, 15, 0)).allowed


def test_six_unanswered_attempts_to_one_number_end_calls_to_it_for_the_day() -> None:
    six = calls(local(SH, 2026, 6, 1, 9, 0), 6, MIN, outcome="unanswered")
    decision = contact_decision(cn(entries=six), "voice", local(SH, 2026, 6, 1, 15, 0))
    assert (decision.allowed, decision.rule) == (False, "unanswered_calls_per_number_day")
    assert decision.next_allowed_at == local(SH, 2026, 6, 2, 8, 0)


def test_unanswered_attempts_to_another_number_do_not_count() -> None:
    six = calls(local(SH, 2026, 6, 1, 9, 0), 6, MIN, address="+8613900000000")
    assert contact_decision(cn(entries=six), "voice", local(SH, 2026, 6, 1, 15, 0)).allowed


def test_the_day_boundary_is_local_midnight() -> None:
    # six unanswered on the evening of June 1st (Shanghai) do not count on June 2nd
    six = calls(local(SH, 2026, 6, 1, 20, 0), 6, MIN)
    assert contact_decision(cn(entries=six), "voice", local(SH, 2026, 6, 2, 8, 0)).allowed
    assert not contact_decision(cn(entries=six), "voice", local(SH, 2026, 6, 1, 21, 30)).allowed


def test_cn_has_no_seven_day_cap_or_cooldown() -> None:
    talks = (call(local(SH, 2026, 6, 1, 9, 0), "connected"),)
    assert contact_decision(cn(entries=talks), "voice", local(SH, 2026, 6, 1, 10, 0)).allowed


def test_a_third_party_number_is_never_contacted() -> None:
    decision = contact_decision(cn(address="+8613700000000"), "voice", local(SH, 2026, 6, 1, 10, 0))
    assert (decision.allowed, decision.rule, decision.next_allowed_at) == (
        False,
        "third_party",
        None,
    )
    assert contact_decision(cn(address=PHONE), "voice", local(SH, 2026, 6, 1, 10, 0)).allowed
