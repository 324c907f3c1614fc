"""Property-based: for random borrowers, zones and send schedules, the ledger the gate lets
through never breaks a rule, as judged by the independent auditor (compliance/audit.py).

Both ways of counting the 7-day call rules are drawn (calendar dates as Regulation F counts,
and the rolling 7 x 24 hours), with and without a per-person cap across debts, with calls that
never connected (busy, not in service) among the outcomes and calls to a second number."""

import datetime as dt
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collections_app.compliance.audit import BorrowerRules, Contact, audit
from collections_app.compliance.rules import Hold, LedgerEntry, contact_decision
from tests.compliance.builders import CN, PHONE, US, US_ROLLING, snap

ZONES = [
    "America/New_York",
    "America/Los_Angeles",
    "America/Chicago",
    "Pacific/Honolulu",
    "Asia/Shanghai",
    "Asia/Urumqi",
    "Europe/London",
    "Australia/Lord_Howe",  # a 30-minute DST shift
]
START = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)  # spans the US DST change on March 8th
CHANNELS = ["sms", "voice", "email"]
OUTCOMES = [
    "connected",
    "unanswered",
    "voicemail",
    "delivered",
    "failed",
    "busy",
    "not_connected",
]
SECOND = "+14155550177"  # another number of the borrower's (a lender contact point)
PROFILES = [
    US,
    US_ROLLING,
    replace(US, max_call_attempts_per_person_7d=9),
    replace(US_ROLLING, max_call_attempts_per_person_7d=9),
    CN,
]


@st.composite
def borrower_and_schedule(draw):
    profile = draw(st.sampled_from(PROFILES))
    zones = tuple(draw(st.lists(st.sampled_from(ZONES), min_size=1, max_size=3, unique=True)))
    # Dense schedules reach the daily and weekly caps; long ones cross DST changes and weeks.
    span = draw(st.sampled_from([1, 3, 8, 20])) * 24 * 60
    # Requests come in bursts (a dialler retrying, a campaign), which is where caps matter.
    bursts = draw(
        st.lists(
            st.tuples(
                st.integers(min_value=0, max_value=span),  # first request, minutes after START
                st.sampled_from([*CHANNELS, "voice", "voice"]),
                st.integers(min_value=1, max_value=12),  # requests in the burst
                # minutes between them; about a day apart reaches the edges of 7-date periods
                st.integers(min_value=1, max_value=24 * 60)
                | st.sampled_from([20 * 60, 23 * 60, 24 * 60, 25 * 60, 26 * 60]),
                st.sampled_from(OUTCOMES),
                st.sampled_from([1, 1, 1, 2]),  # mostly one debt, sometimes another
                st.sampled_from([PHONE, PHONE, SECOND]),  # the number a call goes to
            ),
            min_size=1,
            max_size=12,
        )
    )
    requests = sorted(
        (start + i * gap, channel, outcome, case_id, number)
        for start, channel, count, gap, outcome, case_id, number in bursts
        for i in range(count)
    )
    opt_out = draw(st.none() | st.tuples(st.integers(0, span), st.sampled_from(CHANNELS)))
    hold = draw(
        st.none() | st.tuples(st.integers(0, span), st.sampled_from(["dispute", "bankruptcy"]))
    )
    return profile, zones, requests, opt_out, hold


def _minutes(m: int) -> dt.datetime:
    return START + dt.timedelta(minutes=m)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(borrower_and_schedule())
def test_the_gate_never_lets_through_a_contact_that_breaks_a_rule(case) -> None:
    _the_auditor_finds_nothing(*case)


@st.composite
def daily_calls(draw):
    """Calls day after day, a few a day at any hour: the edges of the 7-date periods, the
    8th day after a conversation, busy lines and unanswered calls side by side."""
    profile = draw(st.sampled_from(PROFILES[:4]))
    zones = tuple(draw(st.lists(st.sampled_from(ZONES[:4]), min_size=1, max_size=2, unique=True)))
    days = draw(st.integers(min_value=6, max_value=11))
    requests = []
    for day in range(days):
        for minute in draw(st.lists(st.integers(0, 24 * 60 - 1), max_size=3, unique=True)):
            outcome = draw(st.sampled_from(["unanswered", "busy", "not_connected", "connected"]))
            case_id = draw(st.sampled_from([1, 1, 2]))
            requests.append((day * 24 * 60 + minute, "voice", outcome, case_id, PHONE))
    return profile, zones, sorted(requests), None, None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(daily_calls())
def test_day_after_day_the_gate_counts_no_looser_than_the_rule(case) -> None:
    _the_auditor_finds_nothing(*case)


def _the_auditor_finds_nothing(profile, zones, requests, opt_out, hold) -> None:
    entries: list[LedgerEntry] = []
    contacts: list[Contact] = []
    for minute, channel, outcome, case_id, number in requests:
        at = _minutes(minute)
        opted_out = (
            frozenset({opt_out[1]}) if opt_out and at >= _minutes(opt_out[0]) else frozenset()
        )
        holds = (Hold(hold[1]),) if hold and at >= _minutes(hold[0]) else ()
        s = snap(
            profile=profile,
            zones=zones,
            channel=channel,
            entries=tuple(entries),
            opted_out=opted_out,
            holds=holds,
            case_id=case_id,
            own_numbers=frozenset({PHONE, SECOND}),
            **({"address": number} if channel == "voice" else {}),
        )
        decision = contact_decision(s, channel, at)
        if not decision.allowed:
            if decision.next_allowed_at is not None:
                # never early: the moment before the proposed slot is still denied
                assert decision.next_allowed_at > at
                before = decision.next_allowed_at - dt.timedelta(seconds=1)
                if before >= at:
                    assert not contact_decision(s, channel, before).allowed
                assert contact_decision(s, channel, decision.next_allowed_at).allowed
            continue
        if channel != "voice":
            outcome = "delivered" if outcome not in ("failed", "not_connected") else "failed"
        entries.append(LedgerEntry(channel, s.address, at, outcome, case_id))
        contacts.append(Contact(1, case_id, channel, s.address, at, outcome))

    rules = BorrowerRules(profile=profile, zones=zones)
    if opt_out:
        rules.opt_outs.append((opt_out[1], _minutes(opt_out[0]), None))
    if hold:
        rules.holds.append((hold[1], _minutes(hold[0]), None))
    assert audit(contacts, {1: rules}) == []


def test_the_auditor_catches_what_the_gate_would_have_stopped() -> None:
    """The property above is only as good as the auditor: it must flag real violations."""
    at = dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC)  # 23:00 in New York
    night = Contact(1, 1, "sms", "+14155550100", at, "delivered")
    rules = BorrowerRules(profile=US, zones=("America/New_York",))
    assert [v.rule for v in audit([night], {1: rules})] == ["quiet_hours"]

    noon = dt.datetime(2026, 6, 1, 16, 0, tzinfo=dt.UTC)
    eight = [
        Contact(1, 1, "voice", "+14155550100", noon + dt.timedelta(minutes=i), "unanswered")
        for i in range(8)
    ]
    assert "call_attempts_7d" in {v.rule for v in audit(eight, {1: rules})}

    talk_then_call = [
        Contact(1, 1, "voice", "+14155550100", noon, "connected"),
        Contact(1, 1, "voice", "+14155550100", noon + dt.timedelta(days=2), "unanswered"),
    ]
    assert [v.rule for v in audit(talk_then_call, {1: rules})] == ["conversation_cooldown"]

    rules.opt_outs.append(("sms", noon, None))
    late_sms = Contact(1, 1, "sms", "+14155550100", noon + dt.timedelta(hours=1), "delivered")
    assert [v.rule for v in audit([late_sms], {1: rules})] == ["opted_out"]

    cn_rules = BorrowerRules(profile=CN, zones=("Asia/Shanghai",))
    at_cn = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC)  # 10:00 Shanghai
    four = [
        Contact(1, 1, "voice", "+8613800000000", at_cn + dt.timedelta(minutes=i), "connected")
        for i in range(4)
    ]
    seven = [
        Contact(1, 1, "voice", "+8613800000000", at_cn + dt.timedelta(minutes=i), "unanswered")
        for i in range(7)
    ]
    assert "connected_calls_per_day" in {v.rule for v in audit(four, {1: cn_rules})}
    assert "unanswered_calls_per_number_day" in {v.rule for v in audit(seven, {1: cn_rules})}


def _voice(at: dt.datetime, outcome: str = "unanswered", case_id: int = 1) -> Contact:
    return Contact(1, case_id, "voice", PHONE, at, outcome)


def test_the_auditor_counts_as_the_profile_counts() -> None:
    """Calendar dates in the borrower's zone, calls that never connected left out; or the
    rolling 7 x 24 hours with every call counted."""
    ny = ("America/New_York",)
    exact, rolling = BorrowerRules(US, ny), BorrowerRules(US_ROLLING, ny)
    evening = dt.datetime(2026, 6, 1, 22, 0, tzinfo=dt.UTC)  # 18:00 New York, Monday
    week = [_voice(evening + dt.timedelta(days=d)) for d in range(7)]  # Monday to Sunday
    next_monday = _voice(dt.datetime(2026, 6, 8, 13, 0, tzinfo=dt.UTC))  # 09:00
    assert audit([*week, next_monday], {1: exact}) == []
    assert [v.rule for v in audit([*week, next_monday], {1: rolling})] == ["call_attempts_7d"]
    sunday_again = _voice(evening + dt.timedelta(days=6, minutes=30))
    assert [v.rule for v in audit([*week, sunday_again], {1: exact})] == ["call_attempts_7d"]

    busy = [_voice(evening + dt.timedelta(minutes=m), "busy") for m in range(3)]
    seven = [_voice(evening + dt.timedelta(hours=1, minutes=m)) for m in range(7)]
    assert audit([*busy, *seven], {1: exact}) == []
    assert {v.rule for v in audit([*busy, *seven], {1: rolling})} == {"call_attempts_7d"}

    talk = _voice(evening, "connected")  # Monday 18:00: Monday is day one
    day7 = _voice(dt.datetime(2026, 6, 7, 13, 0, tzinfo=dt.UTC))  # Sunday 09:00
    day8 = _voice(dt.datetime(2026, 6, 8, 13, 0, tzinfo=dt.UTC))  # Monday 09:00
    assert [v.rule for v in audit([talk, day7], {1: exact})] == ["conversation_cooldown"]
    assert audit([talk, day8], {1: exact}) == []
    assert [v.rule for v in audit([talk, day8], {1: rolling})] == ["conversation_cooldown"]

    person = BorrowerRules(replace(US, max_call_attempts_per_person_7d=9), ny)
    two_debts = [_voice(evening + dt.timedelta(minutes=m), case_id=1 + m % 2) for m in range(10)]
    assert [v.rule for v in audit(two_debts, {1: person})] == ["call_attempts_person_7d"]
    assert audit(two_debts, {1: exact}) == []
