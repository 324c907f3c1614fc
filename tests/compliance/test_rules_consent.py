"""Consent in the pure rules, table tests written from the rule text.

- TCPA, 47 U.S.C. 227(b)(1)(A)(iii): no call "using any automatic telephone dialing system or an
  artificial or prerecorded voice ... to any telephone number assigned to a ... cellular
  telephone service" without "the prior express consent of the called party". An agent's call
  is not an artificial or prerecorded voice.
- Reg F 12 CFR 1006.14(b)(3)(i): "telephone calls made with the prior consent of the consumer
  given directly to the debt collector within the last seven days" do not count toward the
  frequencies of (b)(2) (7 calls within 7 consecutive days; within 7 days after a conversation).
- CN guideline: no contact 22:00-08:00 "unless the debtor agreed" (除非债务人同意).
- Recording: a recorded call says so at its start where the profile requires it
  (two-party-consent states; CN, where calls are recorded).
"""

import datetime as dt
from dataclasses import replace

import pytest

from collections_app.compliance.consent_rules import ConsentGrant, PhonePoint, recording_for
from collections_app.compliance.rules import check, contact_decision
from tests.compliance.builders import CN, PHONE, US, call, calls, local, snap

NY = "America/New_York"
SH = "Asia/Shanghai"
NOON = local(NY, 2026, 6, 10, 12, 0)  # a Wednesday


def point(type_: str, consent: str = "") -> dict[str, PhonePoint]:
    return {PHONE: PhonePoint(type=type_, consent=consent)}


# --- prerecorded voice to a mobile ------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "prerecorded", "points", "allowed"),
    [
        # Automated voice to a mobile: only with the consent the lender recorded.
        (US, True, point("mobile"), False),
        (US, True, point("mobile", "prior_express_consent"), True),
        (US, True, point("mobile", "prior_express_written_consent"), True),
        (US, True, point("mobile", "revoked"), False),
        # A landline (the lender says "home") is not a cellular number.
        (US, True, point("home"), True),
        # Work and other numbers may be mobiles; a number the lender never sent has no consent.
        (US, True, point("work"), False),
        (US, True, point("other"), False),
        (US, True, {}, False),
        # An agent's call is not an artificial or prerecorded voice.
        (US, False, point("mobile"), True),
        (US, False, {}, True),
        # No TCPA in the CN profile.
        (CN, True, point("mobile"), True),
    ],
)
def test_prerecorded_call_to_a_mobile_needs_consent(profile, prerecorded, points, allowed) -> None:
    zone = SH if profile is CN else NY
    at = local(zone, 2026, 6, 10, 12, 0)
    decision = check(
        snap(profile, zones=(zone,), prerecorded=prerecorded, phone_points=points), "voice", at
    )
    assert decision.allowed is allowed
    if not allowed:
        assert decision.rule == "prerecorded_voice_consent"
        assert "only an agent may call" in decision.detail


def test_no_waiting_lifts_the_missing_consent() -> None:
    decision = contact_decision(snap(prerecorded=True, phone_points=point("mobile")), "voice", NOON)
    assert decision.rule == "prerecorded_voice_consent" and decision.next_allowed_at is None


def test_the_consent_rule_is_about_voice_only() -> None:
    s = snap(channel="sms", prerecorded=True, phone_points=point("mobile"))
    assert check(s, "sms", NOON).allowed


# --- Reg F 1006.14(b)(3)(i): the consumer's consent within the last 7 days -------------------


def grant(kind="call_frequency", given=NOON - dt.timedelta(days=1), **kw) -> ConsentGrant:
    values = {
        "id": 7,
        "kind": kind,
        "channel": "voice",
        "given_at": given,
        "valid_from": given,
        "valid_until": given + dt.timedelta(days=30),
        "method": "inbound_call",
        "case_id": 1,
    } | kw
    return ConsentGrant(**values)


SEVEN_CALLS = calls(NOON - dt.timedelta(days=6), 7, dt.timedelta(hours=20))
TALKED_YESTERDAY = (call(NOON - dt.timedelta(days=1), "connected"),)


@pytest.mark.parametrize(
    ("entries", "exceptions", "allowed", "rule"),
    [
        (SEVEN_CALLS, (), False, "call_attempts_7d"),
        # Consent given yesterday: the frequency presumption does not apply.
        (SEVEN_CALLS, (grant(),), True, ""),
        # Given 6 days 23 hours ago: still "within the last seven days".
        (SEVEN_CALLS, (grant(given=NOON - dt.timedelta(days=6, hours=23)),), True, ""),
        # Given 7 days and a minute ago: no longer (even if the row says it lasts longer).
        (
            SEVEN_CALLS,
            (grant(given=NOON - dt.timedelta(days=7, minutes=1)),),
            False,
            "call_attempts_7d",
        ),
        # Given exactly 7 days ago: the seven days are over.
        (SEVEN_CALLS, (grant(given=NOON - dt.timedelta(days=7)),), False, "call_attempts_7d"),
        # Its scope: another debt, another channel, another kind, a later start, expired, revoked.
        (SEVEN_CALLS, (grant(case_id=2),), False, "call_attempts_7d"),
        (SEVEN_CALLS, (grant(channel="sms"),), False, "call_attempts_7d"),
        (SEVEN_CALLS, (grant(kind="contact_hours"),), False, "call_attempts_7d"),
        (SEVEN_CALLS, (grant(valid_from=NOON + dt.timedelta(hours=1)),), False, "call_attempts_7d"),
        (
            SEVEN_CALLS,
            (grant(valid_until=NOON - dt.timedelta(minutes=1)),),
            False,
            "call_attempts_7d",
        ),
        (SEVEN_CALLS, (grant(revoked_at=NOON - dt.timedelta(hours=1)),), False, "call_attempts_7d"),
        # Given for every debt of the borrower (no case).
        (SEVEN_CALLS, (grant(case_id=None),), True, ""),
        # Not given yet at the time of the call.
        (SEVEN_CALLS, (grant(given=NOON + dt.timedelta(hours=1)),), False, "call_attempts_7d"),
        # The conversation cooldown is a (b)(2) frequency too.
        (TALKED_YESTERDAY, (), False, "conversation_cooldown"),
        (TALKED_YESTERDAY, (grant(),), True, ""),
        (TALKED_YESTERDAY + SEVEN_CALLS, (grant(),), True, ""),
    ],
)
def test_consent_within_seven_days_lifts_the_call_frequency(
    entries, exceptions, allowed, rule
) -> None:
    decision = check(snap(entries=entries, exceptions=exceptions), "voice", NOON)
    assert (decision.allowed, decision.rule) == (allowed, rule)
    if allowed:
        assert decision.exception == exceptions[0]
        assert "exception 7" in decision.detail and "lifted" in decision.detail


def test_without_a_lifted_rule_no_exception_is_recorded() -> None:
    decision = check(snap(exceptions=(grant(),)), "voice", NOON)
    assert decision.allowed and decision.exception is None and decision.detail == ""


def test_a_profile_that_does_not_allow_the_frequency_exception_ignores_it() -> None:
    profile = replace(US, consent_exception_frequency=False)
    decision = check(snap(profile, entries=SEVEN_CALLS, exceptions=(grant(),)), "voice", NOON)
    assert decision.rule == "call_attempts_7d"


def test_the_frequency_consent_lifts_no_other_rule() -> None:
    # Quiet hours stay: 22:00 in New York.
    night = local(NY, 2026, 6, 10, 22, 0)
    decision = check(snap(entries=SEVEN_CALLS, exceptions=(grant(),)), "voice", night)
    assert decision.rule == "quiet_hours"
    # Other caps of the profile stay.
    profile = replace(US, max_unanswered_calls_per_number_day=1)
    today = (call(NOON - dt.timedelta(hours=1)),)
    decision = check(
        snap(profile, entries=today + SEVEN_CALLS, exceptions=(grant(),)), "voice", NOON
    )
    assert decision.rule == "unanswered_calls_per_number_day"


# --- CN: outside 08:00-22:00 only when the debtor agreed --------------------------------------


def hours(start: dt.datetime, end: dt.datetime, **kw) -> ConsentGrant:
    return grant(
        kind="contact_hours",
        given=start - dt.timedelta(hours=5),
        valid_from=start,
        valid_until=end,
        **kw,
    )


LATE = local(SH, 2026, 6, 10, 22, 30)
EARLY = local(SH, 2026, 6, 10, 7, 30)
AGREED_LATE = hours(local(SH, 2026, 6, 10, 22, 0), local(SH, 2026, 6, 10, 23, 0))


@pytest.mark.parametrize(
    ("at", "exceptions", "allowed", "rule"),
    [
        (LATE, (), False, "quiet_hours"),
        (EARLY, (), False, "quiet_hours"),
        (LATE, (AGREED_LATE,), True, ""),
        (EARLY, (hours(local(SH, 2026, 6, 10, 7, 0), local(SH, 2026, 6, 10, 8, 0)),), True, ""),
        # The agreement covers 22:00-22:20 only.
        (
            LATE,
            (hours(local(SH, 2026, 6, 10, 22, 0), local(SH, 2026, 6, 10, 22, 20)),),
            False,
            "quiet_hours",
        ),
        # Another night.
        (local(SH, 2026, 6, 11, 22, 30), (AGREED_LATE,), False, "quiet_hours"),
        # Agreed to an SMS, not a call.
        (
            LATE,
            (hours(local(SH, 2026, 6, 10, 22, 0), local(SH, 2026, 6, 10, 23, 0), channel="sms"),),
            False,
            "quiet_hours",
        ),
        # Revoked before the call.
        (
            LATE,
            (replace(AGREED_LATE, revoked_at=local(SH, 2026, 6, 10, 22, 10)),),
            False,
            "quiet_hours",
        ),
        # Inside the hours nothing is lifted, so nothing is recorded.
        (local(SH, 2026, 6, 10, 12, 0), (AGREED_LATE,), True, ""),
    ],
)
def test_cn_hours_only_with_the_debtors_agreement(at, exceptions, allowed, rule) -> None:
    decision = check(snap(CN, zones=(SH,), exceptions=exceptions), "voice", at)
    assert (decision.allowed, decision.rule) == (allowed, rule)
    lifted = allowed and not (8 <= at.astimezone(dt.timezone(dt.timedelta(hours=8))).hour < 22)
    assert (decision.exception is not None) is lifted


def test_the_agreed_time_must_hold_for_the_whole_send() -> None:
    s = snap(CN, zones=(SH,), exceptions=(AGREED_LATE,), send_margin=dt.timedelta(minutes=40))
    assert check(s, "voice", LATE).rule == "quiet_hours"


def test_the_hours_agreement_keeps_the_cn_daily_caps() -> None:
    today = tuple(call(local(SH, 2026, 6, 10, h, 0), "connected") for h in (9, 10, 11))
    decision = check(snap(CN, zones=(SH,), entries=today, exceptions=(AGREED_LATE,)), "voice", LATE)
    assert decision.rule == "connected_calls_per_day"


def test_the_hours_agreement_does_not_lift_a_no_contact_day() -> None:
    profile = replace(CN, blackout_dates=frozenset({dt.date(2026, 6, 10)}))
    decision = check(snap(profile, zones=(SH,), exceptions=(AGREED_LATE,)), "voice", LATE)
    assert decision.rule == "blackout_date"


def test_a_us_profile_without_the_hours_exception_ignores_it() -> None:
    night = local(NY, 2026, 6, 10, 21, 30)
    agreed = hours(local(NY, 2026, 6, 10, 21, 0), local(NY, 2026, 6, 10, 22, 0))
    assert check(snap(exceptions=(agreed,)), "voice", night).rule == "quiet_hours"


# --- recording disclosure ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "region", "channel", "expected"),
    [
        (CN, "GD", "voice", (True, True)),
        (CN, "", "voice", (True, True)),
        # The shipped US profile does not record calls.
        (US, "CA", "voice", (False, False)),
        (replace(US, calls_recorded=True), "CA", "voice", (True, True)),
        (replace(US, calls_recorded=True), "ca", "voice", (True, True)),
        # One-party-consent state: recorded, no disclosure required.
        (replace(US, calls_recorded=True), "NY", "voice", (True, False)),
        # A region we do not know may be a two-party state.
        (replace(US, calls_recorded=True), "", "voice", (True, True)),
        (CN, "GD", "sms", (False, False)),
    ],
)
def test_recording_and_its_disclosure(profile, region, channel, expected) -> None:
    assert recording_for(snap(profile, region=region, channel=channel), channel) == expected


# --- the independent auditor honours the same exceptions --------------------------------------


def _contacts(times, outcome="unanswered"):
    from collections_app.compliance.audit import Contact

    return [Contact(1, 1, "voice", PHONE, t, outcome) for t in times]


DAYTIME_SEVEN = [NOON - dt.timedelta(days=6) + dt.timedelta(hours=i) for i in range(7)]
REVOKED_LATE = replace(AGREED_LATE, revoked_at=LATE - dt.timedelta(minutes=1))


@pytest.mark.parametrize(
    ("profile", "zone", "times", "exceptions", "violations"),
    [
        (CN, SH, [LATE], [], ["quiet_hours"]),
        (CN, SH, [LATE], [AGREED_LATE], []),
        (
            CN,
            SH,
            [LATE],
            [REVOKED_LATE],
            ["quiet_hours"],
        ),
        (US, NY, [*DAYTIME_SEVEN, NOON], [], ["call_attempts_7d"]),
        (US, NY, [*DAYTIME_SEVEN, NOON], [grant()], []),
        (
            US,
            NY,
            [*DAYTIME_SEVEN, NOON],
            [grant(given=NOON - dt.timedelta(days=7, minutes=1))],
            ["call_attempts_7d"],
        ),
    ],
)
def test_the_auditor_excuses_only_what_a_consent_covered(
    profile, zone, times, exceptions, violations
):
    from collections_app.compliance.audit import BorrowerRules, audit

    rules = BorrowerRules(profile=profile, zones=(zone,), exceptions=list(exceptions))
    assert [v.rule for v in audit(_contacts(times), {1: rules})] == violations
