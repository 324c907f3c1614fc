"""Reads what the rules need from the database: the profile, zones, holds, consents, ledger."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import phonenumbers
from phonenumbers import timezone as phone_timezones

from collections_app.compliance.rules import Hold, LedgerEntry, Profile, Snapshot
from collections_app.models import (
    Borrower,
    ChannelConsent,
    CollectionCase,
    ContactAttempt,
    ContactHold,
    JurisdictionProfile,
)
from collections_app.states import ACTIVE_STATES

# The longest look-back any rule needs (7-day call cap, 7-day conversation cooldown) plus a day
# of slack for local-day caps in far-apart zones.
LOOKBACK = dt.timedelta(days=8)
UNKNOWN_ZONE = "Etc/Unknown"


class NoProfile(LookupError):
    """The borrower's jurisdiction has no current contact-rules profile."""


def borrower_zones(borrower: Borrower) -> tuple[str, ...]:
    """The borrower's time zone, or every zone of the phone number's region when unknown."""
    if borrower.time_zone:
        return (borrower.time_zone,)
    return phone_zones(borrower.phone)


@lru_cache(maxsize=4096)
def phone_zones(phone: str) -> tuple[str, ...]:
    if not phone:
        return ()
    try:
        parsed = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return ()
    zones = tuple(z for z in phone_timezones.time_zones_for_number(parsed) if z != UNKNOWN_ZONE)
    return zones


def profile_from_row(row: JurisdictionProfile) -> Profile:
    return Profile(
        code=row.code,
        version=row.version,
        window_start=row.window_start,
        window_end=row.window_end,
        max_call_attempts_per_debt_7d=row.max_call_attempts_per_debt_7d,
        call_cooldown_after_conversation_days=row.call_cooldown_after_conversation_days,
        max_connected_calls_per_day=row.max_connected_calls_per_day,
        max_unanswered_calls_per_number_day=row.max_unanswered_calls_per_number_day,
        max_messages_per_day=row.max_messages_per_day,
        requires_opt_out_notice=row.requires_opt_out_notice,
        blackout_dates=frozenset(dt.date.fromisoformat(d) for d in row.blackout_dates),
        third_party_contact_allowed=row.third_party_contact_allowed,
    )


def current_profile(code: str) -> JurisdictionProfile:
    row = JurisdictionProfile.objects.filter(code=code, is_current=True).first()
    if row is None:
        raise NoProfile(f"No current contact-rules profile for jurisdiction {code!r}")
    return row


def own_addresses(borrower: Borrower) -> dict[str, str]:
    return {"sms": borrower.phone, "voice": borrower.phone, "email": borrower.email}


def build_snapshot(
    *,
    case: CollectionCase,
    channel: str,
    at: dt.datetime,
    address: str | None = None,
    legally_required: bool = False,
    has_opt_out_notice: bool = True,
) -> tuple[Snapshot, JurisdictionProfile]:
    borrower = case.loan.borrower
    profile_row = current_profile(borrower.jurisdiction)
    addresses = own_addresses(borrower)
    opted_out = frozenset(
        ChannelConsent.objects.filter(
            borrower=borrower, status=ChannelConsent.Status.OPTED_OUT
        ).values_list("channel", flat=True)
    )
    holds = tuple(
        Hold(kind=kind, work_phone=work_phone)
        for kind, work_phone in ContactHold.objects.filter(
            borrower=borrower, released_at__isnull=True
        ).values_list("kind", "work_phone")
    )
    entries = tuple(
        LedgerEntry(channel=c, address=a, occurred_at=o, outcome=out, case_id=cid)
        for c, a, o, out, cid in ContactAttempt.objects.filter(
            borrower=borrower, occurred_at__gt=at - LOOKBACK
        ).values_list("channel", "address", "occurred_at", "outcome", "case_id")
    )
    snapshot = Snapshot(
        profile=profile_from_row(profile_row),
        zones=borrower_zones(borrower),
        case_id=case.pk,
        case_active=case.state in ACTIVE_STATES,
        own_addresses=addresses,
        address=addresses.get(channel, "") if address is None else address,
        opted_out=opted_out,
        holds=holds,
        entries=entries,
        legally_required=legally_required,
        has_opt_out_notice=has_opt_out_notice,
    )
    return snapshot, profile_row
