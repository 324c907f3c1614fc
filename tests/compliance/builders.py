"""Pure snapshots for table tests. US and CN mirror the shipped profiles (a test checks that)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

from collections_app.compliance.consent_rules import TWO_PARTY_CONSENT_STATES
from collections_app.compliance.rules import (
    CALENDAR_DAYS,
    ROLLING_HOURS,
    Hold,
    LedgerEntry,
    Profile,
    Snapshot,
)

US = Profile(
    code="US",
    version=1,
    window_start=dt.time(8),
    window_end=dt.time(21),
    max_call_attempts_per_debt_7d=7,
    call_cooldown_after_conversation_days=7,
    prerecorded_voice_needs_consent=True,
    recording_disclosure_regions=TWO_PARTY_CONSENT_STATES,
    consent_exception_frequency=True,
    call_counting=CALENDAR_DAYS,  # 12 CFR 1006.14(b)(2), (b)(3)(ii): as the rule counts
)
# The conservative counting a profile may choose instead.
US_ROLLING = replace(US, call_counting=ROLLING_HOURS)
CN = Profile(
    code="CN",
    version=1,
    window_start=dt.time(8),
    window_end=dt.time(22),
    max_connected_calls_per_day=3,
    max_unanswered_calls_per_number_day=6,
    calls_recorded=True,
    recording_disclosure_regions=frozenset({"*"}),
    consent_exception_hours=True,
    # The shipped row keeps the counting it had: it has no 7-day call rule to count.
    call_counting=ROLLING_HOURS,
)
PHONE = "+14155550100"
EMAIL = "b@example.com"
CASE = 1


def local(zone: str, *args: int) -> dt.datetime:
    """An aware UTC datetime for a wall-clock time in `zone`."""
    return dt.datetime(*args, tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)


def snap(
    profile: Profile = US,
    zones: tuple[str, ...] = ("America/New_York",),
    channel: str = "voice",
    entries: tuple[LedgerEntry, ...] = (),
    holds: tuple[Hold, ...] = (),
    opted_out: frozenset[str] = frozenset(),
    **kw: object,
) -> Snapshot:
    base = Snapshot(
        profile=profile,
        zones=zones,
        case_id=CASE,
        case_active=True,
        own_addresses={"sms": PHONE, "voice": PHONE, "email": EMAIL},
        address=EMAIL if channel == "email" else PHONE,
        opted_out=opted_out,
        holds=holds,
        entries=entries,
    )
    return replace(base, **kw)


def call(at: dt.datetime, outcome: str = "unanswered", case_id: int = CASE, address: str = PHONE):
    return LedgerEntry(
        channel="voice", address=address, occurred_at=at, outcome=outcome, case_id=case_id
    )


def calls(start: dt.datetime, n: int, every: dt.timedelta, outcome: str = "unanswered", **kw):
    return tuple(call(start + i * every, outcome, **kw) for i in range(n))
