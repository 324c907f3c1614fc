"""Holds, consents and addressing: denials that waiting does not lift (next_allowed_at None)."""

import datetime as dt
from dataclasses import replace

import pytest

from collections_app.compliance.rules import Hold, contact_decision
from tests.compliance.builders import US, local, snap

AT = local("America/New_York", 2026, 6, 1, 12, 0)


@pytest.mark.parametrize(
    "kind", ["deceased", "bankruptcy", "attorney", "cease_communication", "dispute"]
)
@pytest.mark.parametrize("channel", ["sms", "voice", "email"])
def test_a_hold_stops_every_channel(kind: str, channel: str) -> None:
    decision = contact_decision(snap(channel=channel, holds=(Hold(kind),)), channel, AT)
    assert (decision.allowed, decision.rule, decision.next_allowed_at) == (False, kind, None)


@pytest.mark.parametrize(
    ("kind", "legally_required_passes"),
    [
        ("cease_communication", True),
        ("dispute", True),
        ("bankruptcy", False),
        ("deceased", False),
        ("attorney", False),
    ],
)
def test_only_cease_and_dispute_let_a_legally_required_notice_through(
    kind: str, legally_required_passes: bool
) -> None:
    s = snap(channel="email", holds=(Hold(kind),), legally_required=True)
    assert contact_decision(s, "email", AT).allowed is legally_required_passes


def test_an_opt_out_ends_that_channel_only() -> None:
    s = snap(channel="sms", opted_out=frozenset({"sms"}))
    decision = contact_decision(s, "sms", AT)
    assert (decision.allowed, decision.rule, decision.next_allowed_at) == (False, "opted_out", None)
    assert contact_decision(
        snap(channel="email", opted_out=frozenset({"sms"})), "email", AT
    ).allowed


def test_do_not_call_at_work_blocks_calls_to_the_work_number_only() -> None:
    work = "+14155550199"
    hold = (Hold("no_calls_at_work", work_phone=work),)
    own = {"sms": work, "voice": work, "email": "b@example.com"}
    at_work = snap(holds=hold, address=work, own_addresses=own)
    assert contact_decision(at_work, "voice", AT).rule == "no_calls_at_work"
    assert contact_decision(replace(at_work, address=work), "sms", AT).allowed
    assert contact_decision(snap(holds=hold), "voice", AT).allowed  # their mobile


@pytest.mark.parametrize(
    ("channel", "notice", "allowed"),
    [
        ("sms", False, False),
        ("email", False, False),
        ("sms", True, True),
        ("voice", False, True),
    ],
)
def test_sms_and_email_must_carry_the_opt_out_notice(channel, notice, allowed) -> None:
    s = snap(channel=channel, has_opt_out_notice=notice)
    decision = contact_decision(s, channel, AT)
    assert decision.allowed is allowed
    if not allowed:
        assert decision.rule == "missing_opt_out_notice"


def test_a_paused_or_closed_case_gets_no_collection_contact() -> None:
    decision = contact_decision(snap(case_active=False), "voice", AT)
    assert (decision.allowed, decision.rule) == (False, "case_not_active")


def test_no_address_is_a_clear_denial() -> None:
    decision = contact_decision(snap(channel="email", address=""), "email", AT)
    assert (decision.allowed, decision.rule) == (False, "no_contact_point")


def test_unknown_time_zone_is_denied() -> None:
    assert contact_decision(snap(zones=()), "sms", AT).rule == "unknown_time_zone"


def test_blackout_dates_move_contact_to_the_next_open_day() -> None:
    holiday = replace(US, blackout_dates=frozenset({dt.date(2026, 7, 4)}))
    at = local("America/New_York", 2026, 7, 4, 12, 0)
    decision = contact_decision(snap(profile=holiday), "sms", at)
    assert (decision.allowed, decision.rule) == (False, "blackout_date")
    assert decision.next_allowed_at == local("America/New_York", 2026, 7, 5, 8, 0)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        contact_decision(snap(), "sms", dt.datetime(2026, 6, 1, 12, 0))
