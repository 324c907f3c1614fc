"""Reads what the rules need from the database: the profile, zones, holds, consents, ledger."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import phonenumbers
from phonenumbers import timezone as phone_timezones

from collections_app.compliance.consent_rules import ConsentGrant, PhonePoint
from collections_app.compliance.holidays import validation_period_end
from collections_app.compliance.rules import Hold, LedgerEntry, Profile, Snapshot
from collections_app.models import (
    BadContactPoint,
    Borrower,
    ChannelConsent,
    CollectionCase,
    ConsentException,
    ContactAttempt,
    ContactHold,
    ContactPoint,
    Dispute,
    JurisdictionProfile,
    ValidationNotice,
)
from collections_app.models.compliance import CollectorRole
from collections_app.phrases import phrase
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
        max_call_attempts_per_person_7d=row.max_call_attempts_per_person_7d,
        call_counting=row.call_counting,
        max_connected_calls_per_day=row.max_connected_calls_per_day,
        max_unanswered_calls_per_number_day=row.max_unanswered_calls_per_number_day,
        max_messages_per_day=row.max_messages_per_day,
        requires_opt_out_notice=row.requires_opt_out_notice,
        blackout_dates=frozenset(dt.date.fromisoformat(d) for d in row.blackout_dates),
        third_party_contact_allowed=row.third_party_contact_allowed,
        prerecorded_voice_needs_consent=row.prerecorded_voice_needs_consent,
        calls_recorded=row.calls_recorded,
        recording_disclosure_regions=frozenset(
            str(r).upper() for r in row.recording_disclosure_regions or ()
        ),
        consent_exception_frequency=row.consent_exception_frequency,
        consent_exception_hours=row.consent_exception_hours,
    )


def own_addresses(borrower: Borrower) -> dict[str, str]:
    return {"sms": borrower.phone, "voice": borrower.phone, "email": borrower.email}


@dataclass
class BorrowerState:
    """What the gate knows of one borrower, loaded once per batch under the ledger lock.
    `entries` grows as the batch reserves attempts, so later messages see earlier ones."""

    borrower: Borrower
    profile_row: JurisdictionProfile | None
    zones: tuple[str, ...]
    opted_out: frozenset[str]
    holds: tuple[Hold, ...]
    bad_points: frozenset[tuple[str, str]]
    entries: list[LedgerEntry] = field(default_factory=list)
    phone_points: dict[str, PhonePoint] = field(default_factory=dict)
    exceptions: tuple[ConsentGrant, ...] = ()
    # Every phone number the lender gave for the borrower (their contact points).
    numbers: frozenset[str] = frozenset()


def load_borrower_states(borrowers: list[Borrower], at: dt.datetime) -> dict[int, BorrowerState]:
    """Seven queries for any number of borrowers (call it with their ledger rows locked)."""
    ids = [b.pk for b in borrowers]
    profiles = {p.code: p for p in JurisdictionProfile.objects.filter(is_current=True)}
    opted_out: dict[int, set[str]] = defaultdict(set)
    for borrower_id, channel in ChannelConsent.objects.filter(
        borrower_id__in=ids, status=ChannelConsent.Status.OPTED_OUT
    ).values_list("borrower_id", "channel"):
        opted_out[borrower_id].add(channel)
    holds: dict[int, list[Hold]] = defaultdict(list)
    for borrower_id, kind, work_phone in ContactHold.objects.filter(
        borrower_id__in=ids, released_at__isnull=True
    ).values_list("borrower_id", "kind", "work_phone"):
        holds[borrower_id].append(Hold(kind=kind, work_phone=work_phone))
    bad: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for borrower_id, channel, address in BadContactPoint.objects.filter(
        borrower_id__in=ids
    ).values_list("borrower_id", "channel", "address"):
        bad[borrower_id].add((channel, address))
    numbers: dict[int, set[str]] = defaultdict(set)
    for borrower_id, address in ContactPoint.objects.filter(
        borrower_id__in=ids, kind=ContactPoint.Kind.PHONE
    ).values_list("borrower_id", "address"):
        numbers[borrower_id].add(address)
    entries: dict[int, list[LedgerEntry]] = defaultdict(list)
    for borrower_id, c, a, o, out, cid in ContactAttempt.objects.filter(
        borrower_id__in=ids, occurred_at__gt=at - LOOKBACK
    ).values_list("borrower_id", "channel", "address", "occurred_at", "outcome", "case_id"):
        entries[borrower_id].append(LedgerEntry(c, a, o, out, cid))
    points: dict[int, dict[str, PhonePoint]] = defaultdict(dict)
    for borrower_id, address, type_, consent in ContactPoint.objects.filter(
        borrower_id__in=ids, kind=ContactPoint.Kind.PHONE
    ).values_list("borrower_id", "address", "type", "consent"):
        points[borrower_id][address] = PhonePoint(type=type_, consent=consent)
    # Exceptions still in force at `at` (the rules check their scope and span).
    grants: dict[int, list[ConsentGrant]] = defaultdict(list)
    for row in ConsentException.objects.filter(
        borrower_id__in=ids, valid_until__gt=at, revoked_at__isnull=True
    ).order_by("pk"):
        grants[row.borrower_id].append(
            ConsentGrant(
                id=row.pk,
                kind=row.kind,
                channel=row.channel,
                given_at=row.given_at,
                valid_from=row.valid_from,
                valid_until=row.valid_until,
                method=row.method,
                case_id=row.case_id,
                revoked_at=row.revoked_at,
            )
        )
    return {
        b.pk: BorrowerState(
            borrower=b,
            profile_row=profiles.get(b.jurisdiction),
            zones=borrower_zones(b),
            opted_out=frozenset(opted_out[b.pk]),
            holds=tuple(holds[b.pk]),
            bad_points=frozenset(bad[b.pk]),
            entries=entries[b.pk],
            phone_points=points[b.pk],
            exceptions=tuple(grants[b.pk]),
            numbers=frozenset(numbers[b.pk]),
        )
        for b in borrowers
    }


def load_disputed_cases(case_ids: list[int]) -> frozenset[int]:
    """The cases among `case_ids` with an open dispute (one query, on the (case, status) index).
    A dispute is about one debt: the borrower's other cases are not among them."""
    return frozenset(
        Dispute.objects.filter(case_id__in=case_ids, status=Dispute.Status.OPEN).values_list(
            "case_id", flat=True
        )
    )


def load_validation_notices(case_ids: list[int]) -> dict[int, dt.date | None]:
    """{case id: the last day of its validation period} for the cases with a validation notice;
    None for one generated but not provided yet (its period has not started)."""
    found: dict[int, dt.date | None] = {}
    for case_id, provided_on, ends in (
        ValidationNotice.objects.filter(case_id__in=case_ids)
        .order_by("created_at", "pk")
        .values_list("case_id", "provided_on", "period_ends_on")
    ):
        # The latest provided notice counts; one not provided yet does not undo an earlier one.
        if provided_on is not None and ends is not None:
            found[case_id] = ends
        else:
            found.setdefault(case_id, None)
    return found


def validation_period_for(
    state: BorrowerState, case_id: int, notices: dict[int, dt.date | None], at: dt.datetime
) -> dt.date | None:
    """The last day of the case's validation period for the overshadowing rule, or None when
    none runs. A third-party debt whose notice has not gone out yet is treated as if it went out
    today: a demand waits until the notice has been provided and its period has ended."""
    row = state.profile_row
    if row is None or row.collector_role != CollectorRole.THIRD_PARTY:
        return None
    ends = notices.get(case_id)
    if ends is not None:
        return ends
    today = max((at.astimezone(ZoneInfo(z)).date() for z in state.zones), default=at.date())
    return validation_period_end(today, row.code)


def snapshot_for(
    state: BorrowerState,
    *,
    case: CollectionCase,
    channel: str,
    address: str | None = None,
    legally_required: bool = False,
    has_opt_out_notice: bool = True,
    send_margin: dt.timedelta = dt.timedelta(0),
    case_disputed: bool = False,
    required_notice: str = "",
    overshadows_validation: bool = False,
    validation_period_ends: dt.date | None = None,
    prerecorded: bool = False,
) -> Snapshot:
    """The pure snapshot for one contact. Raises NoProfile when the jurisdiction has none."""
    if state.profile_row is None:
        raise NoProfile(
            phrase(
                "No current contact-rules profile for jurisdiction %(jurisdiction)r",
                jurisdiction=state.borrower.jurisdiction,
            )
        )
    addresses = own_addresses(state.borrower)
    zones = state.zones
    to = addresses.get(channel, "") if address is None else address
    if not state.borrower.time_zone and channel in ("voice", "sms") and to != addresses[channel]:
        # Another of the borrower's numbers: they may be in its region as well as the first's.
        zones = tuple(dict.fromkeys((*zones, *phone_zones(to))))
    return Snapshot(
        profile=profile_from_row(state.profile_row),
        zones=zones,
        case_id=case.pk,
        case_active=case.state in ACTIVE_STATES,
        own_addresses=addresses,
        own_numbers=frozenset(n for n in (*state.numbers, state.borrower.phone) if n),
        address=to,
        opted_out=state.opted_out,
        holds=state.holds,
        entries=tuple(state.entries),
        legally_required=legally_required,
        has_opt_out_notice=has_opt_out_notice,
        bad_addresses=frozenset(a for ch, a in state.bad_points if ch == channel),
        send_margin=send_margin,
        case_disputed=case_disputed,
        required_notice=required_notice,
        overshadows_validation=overshadows_validation,
        validation_period_ends=validation_period_ends,
        prerecorded=prerecorded,
        phone_points=state.phone_points,
        exceptions=state.exceptions,
        region=state.borrower.region,
    )
