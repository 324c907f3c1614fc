"""The contact rules as a pure function of a snapshot. Nothing here touches the database.

Rule sources (numbers live in JurisdictionProfile rows; see migration 0002):
- US, Regulation F (12 CFR 1006): §1006.6(b)(1)(i) no contact before 08:00 or after 21:00 local;
  §1006.14(b)(2) more than 7 calls in 7 consecutive days, or a call within 7 days after a
  telephone conversation about the debt (its date the first of the 7), is presumed harassment;
  §1006.14(b)(3)(ii) calls that do not connect to the dialed number are not counted. Counted by
  date in the borrower's zone (`calendar_days`), or, where a profile says so, over a rolling
  7 x 24 h with every call counted (`rolling_hours`, stricter); §1006.6(e) opt-out notice in
  every electronic communication; §1006.14(h) a medium the consumer asked us not to use.
- CN, China Banking Association consumer-loan collection guideline (2026) and NIFA post-loan
  collection guideline (2024): no contact 22:00-08:00 local; at most 3 connected calls per
  borrower per day; at most 6 unanswered attempts per day to one number; no third parties.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from collections_app.compliance import consent_rules
from collections_app.compliance.consent_rules import ConsentGrant, PhonePoint
from collections_app.phrases import joined, phrase

SEVEN_DAYS = dt.timedelta(days=7)
# How far ahead we look for a slot before saying "never" (e.g. zones with no common window).
SEARCH_HORIZON = dt.timedelta(days=14)
MAX_RULE_STEPS = 64

# Outcomes that count as a conversation / not yet known / never placed at all.
CONNECTED = "connected"
PENDING = "pending"
NOT_PLACED = "not_sent"
# A call whose outcome is not known yet may turn out to have been a conversation: until its
# status arrives it counts as one (and, for the unanswered cap, as unanswered too).
MAYBE_CONNECTED = (CONNECTED, PENDING)
# Calls that never connected to the dialled number (a busy signal, a number not in service):
# 1006.14(b)(3)(ii) leaves them out of the 7-in-7 count. A call that rang unanswered, or reached
# voicemail, did connect and counts.
NEVER_CONNECTED = frozenset({"busy", "not_connected"})
# How the 7-day call rules count (JurisdictionProfile.call_counting).
CALENDAR_DAYS = "calendar_days"  # as 1006.14(b)(2) counts: local dates, day of a talk is day one
ROLLING_HOURS = "rolling_hours"  # 7 x 24 h back from each call, every call counted (stricter)


@dataclass(frozen=True)
class Profile:
    code: str
    version: int
    window_start: dt.time
    window_end: dt.time
    max_call_attempts_per_debt_7d: int | None = None
    call_cooldown_after_conversation_days: int | None = None
    # A policy cap across all of the borrower's debts, counted like the per-debt one.
    max_call_attempts_per_person_7d: int | None = None
    call_counting: str = CALENDAR_DAYS
    max_connected_calls_per_day: int | None = None
    max_unanswered_calls_per_number_day: int | None = None
    max_messages_per_day: int | None = None
    requires_opt_out_notice: bool = True
    blackout_dates: frozenset[dt.date] = frozenset()
    third_party_contact_allowed: bool = False
    # Consent (compliance/consent_rules.py).
    prerecorded_voice_needs_consent: bool = False
    calls_recorded: bool = False
    recording_disclosure_regions: frozenset[str] = frozenset()
    consent_exception_frequency: bool = False
    consent_exception_hours: bool = False


@dataclass(frozen=True)
class LedgerEntry:
    """One past contact attempt of this borrower (any debt, any channel)."""

    channel: str
    address: str
    occurred_at: dt.datetime
    outcome: str
    case_id: int | None = None


@dataclass(frozen=True)
class Hold:
    kind: str
    work_phone: str = ""


@dataclass(frozen=True)
class Snapshot:
    """Everything the decision needs, read under the borrower's ledger lock."""

    profile: Profile
    zones: tuple[str, ...]
    case_id: int | None
    case_active: bool
    own_addresses: dict[str, str]  # channel -> the borrower's own phone / email
    address: str  # where this contact would go
    # Every phone number of the borrower's own (the lender's contact points): a call or text to
    # any of them is to the borrower, and the per-number caps count each apart.
    own_numbers: frozenset[str] = frozenset()
    opted_out: frozenset[str] = frozenset()
    holds: tuple[Hold, ...] = ()
    entries: tuple[LedgerEntry, ...] = ()
    legally_required: bool = False  # a notice the law requires (may pass cease-communication)
    # Which one (NOTICE_PASSES): what holds it passes. Blank with `legally_required`: a dispute
    # notice (the holds a dispute's verification passes).
    required_notice: str = ""
    # The message demands payment or states consequences (a template flag) and the debt's
    # validation period runs until this local date (its last day): it waits.
    overshadows_validation: bool = False
    validation_period_ends: dt.date | None = None
    # This debt (the case) has an open dispute: only the notices the law requires go out.
    case_disputed: bool = False
    has_opt_out_notice: bool = True
    # Addresses on this channel a provider said are unusable (invalid number, hard bounce).
    bad_addresses: frozenset[str] = frozenset()
    # The window must stay open this long after the decision: the send happens a little later.
    send_margin: dt.timedelta = dt.timedelta(0)
    # An artificial or prerecorded voice (the automated voice channel), not an agent's call.
    prerecorded: bool = False
    # What the lender recorded for each of the borrower's numbers (type, consent).
    phone_points: dict[str, PhonePoint] = field(default_factory=dict)
    # The borrower's consent exceptions (any kind, any state: the rules pick what applies).
    exceptions: tuple[ConsentGrant, ...] = ()
    region: str = ""  # the borrower's state or province (ISO 3166-2 subdivision)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    rule: str = ""
    detail: str = ""
    # Earliest time this rule alone would allow it; None: not by waiting (a hold, an opt-out).
    not_before: dt.datetime | None = None
    next_allowed_at: dt.datetime | None = field(default=None, compare=False)
    # Allowed only because this consent exception lifted a rule (recorded on the decision).
    exception: ConsentGrant | None = field(default=None, compare=False)


ALLOWED = Decision(allowed=True)


def _deny(rule: str, detail: str, not_before: dt.datetime | None = None) -> Decision:
    return Decision(allowed=False, rule=rule, detail=detail, not_before=not_before)


# --- time helpers -----------------------------------------------------------------------------


def _local(at: dt.datetime, zone: str) -> dt.datetime:
    return at.astimezone(ZoneInfo(zone))


def _at_local(day: dt.date, time: dt.time, zone: str) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)


def _inside_window(at: dt.datetime, profile: Profile, zone: str) -> bool:
    local = _local(at, zone).time()
    return profile.window_start <= local < profile.window_end


def _window_start_after(at: dt.datetime, profile: Profile, zone: str) -> dt.datetime:
    """The first moment >= at when `zone` is inside the contact window."""
    if _inside_window(at, profile, zone):
        return at
    local = _local(at, zone)
    day = local.date() if local.time() < profile.window_start else local.date() + dt.timedelta(1)
    return _at_local(day, profile.window_start, zone)


def _open_for(at: dt.datetime, profile: Profile, zone: str, margin: dt.timedelta) -> bool:
    return _inside_window(at, profile, zone) and _inside_window(at + margin, profile, zone)


def _next_window_start(
    at: dt.datetime, profile: Profile, zone: str, margin: dt.timedelta = dt.timedelta(0)
) -> dt.datetime:
    """The first moment >= at when `zone` is inside the window and stays inside for `margin`."""
    candidate = _window_start_after(at, profile, zone)
    for _attempt in range(3):
        if _open_for(candidate, profile, zone, margin):
            return candidate
        candidate = _window_start_after(candidate + margin, profile, zone)
    return candidate


def _next_local_day(at: dt.datetime, zone: str) -> dt.datetime:
    return _at_local(_local(at, zone).date() + dt.timedelta(1), dt.time(0), zone)


def _same_local_day(a: dt.datetime, b: dt.datetime, zone: str) -> bool:
    return _local(a, zone).date() == _local(b, zone).date()


# --- the rules, in the order they are checked -------------------------------------------------

# Details are phrases (phrases.py): a refusal is stored in English and read in each language.
_HOLD_RULES = {
    "deceased": lambda: phrase("The borrower is recorded as deceased."),
    "bankruptcy": lambda: phrase("The borrower is in bankruptcy: collection contact stops."),
    "attorney": lambda: phrase(
        "The borrower is represented by an attorney: contact the attorney only."
    ),
}


# The notices the law requires, and the collection holds each one passes. Never an opt-out of
# the channel (1006.14(h)), a death, a bankruptcy or an attorney (1006.6(b)(2)).
# - The verification of a disputed debt and the answer to the dispute: collection stops until
#   the verification is provided (1006.38(d)(2)), which is the point of sending it; a consumer
#   who asked us to stop and disputed gets the answer they asked for.
# - The validation notice (1006.34): owed with or within five days of the initial
#   communication, on a paused case too; but it is not one of the three communications a
#   cease request leaves (1006.6(c)(1)), and after a dispute the verification is what is owed.
VALIDATION_NOTICE = "validation_notice"
DISPUTE_VERIFICATION = "dispute_verification"
DISPUTE_RESPONSE = "dispute_response"
_DISPUTE_PASSES = frozenset({"cease_communication", "dispute", "disputed_debt", "case_not_active"})
NOTICE_PASSES: dict[str, frozenset[str]] = {
    VALIDATION_NOTICE: frozenset({"case_not_active"}),
    DISPUTE_VERIFICATION: _DISPUTE_PASSES,
    DISPUTE_RESPONSE: _DISPUTE_PASSES,
    "": _DISPUTE_PASSES,
}


def _passes(s: Snapshot, rule: str) -> bool:
    """A required notice passes this collection hold."""
    return s.legally_required and rule in NOTICE_PASSES.get(s.required_notice, frozenset())


def _check_standing(s: Snapshot, channel: str) -> Decision:
    """Holds, consents and addressing: none of these is lifted by waiting."""
    if not s.address:
        return _deny("no_contact_point", phrase("No %(channel)s address on file.", channel=channel))
    own = s.address == s.own_addresses.get(channel) or (
        channel in ("voice", "sms") and s.address in s.own_numbers
    )
    if not own and not s.profile.third_party_contact_allowed:
        return _deny("third_party", phrase("Only the borrower's own contact points may be used."))
    if s.address in s.bad_addresses:
        return _deny(
            "contact_point_unusable",
            phrase("The provider reported %(address)s unusable.", address=s.address),
        )
    kinds = {h.kind for h in s.holds}
    for kind, detail in _HOLD_RULES.items():
        if kind in kinds:
            return _deny(kind, detail())
    if "cease_communication" in kinds and not _passes(s, "cease_communication"):
        return _deny("cease_communication", phrase("The borrower asked us to stop communicating."))
    if "dispute" in kinds and not _passes(s, "dispute"):
        return _deny("dispute", phrase("The debt is disputed: no collection until it is answered."))
    if s.case_disputed and not _passes(s, "disputed_debt"):
        return _deny(
            "disputed_debt",
            phrase(
                "This debt is disputed: only the verification and the dispute response may be "
                "sent until the verification has gone out."
            ),
        )
    if not s.case_active and not _passes(s, "case_not_active"):
        return _deny("case_not_active", phrase("The case is paused or closed."))
    if channel in s.opted_out:
        return _deny("opted_out", phrase("The borrower opted out of %(channel)s.", channel=channel))
    if channel == "voice" and any(
        h.kind == "no_calls_at_work" and h.work_phone == s.address for h in s.holds
    ):
        return _deny("no_calls_at_work", phrase("The borrower asked not to be called at work."))
    if (
        channel in ("sms", "email")
        and s.profile.requires_opt_out_notice
        and not (s.has_opt_out_notice)
    ):
        return _deny(
            "missing_opt_out_notice", phrase("The message lacks the required opt-out notice.")
        )
    return ALLOWED


def _check_validation_period(s: Snapshot, at: dt.datetime) -> Decision:
    """12 CFR 1006.38(b): during the validation period nothing may overshadow the consumer's
    right to dispute; a message that demands payment or states consequences waits until the
    day after the period's last day, in every zone the borrower may be in."""
    ends = s.validation_period_ends
    if not s.overshadows_validation or ends is None or s.legally_required:
        return ALLOWED
    if all(_local(at, zone).date() > ends for zone in s.zones):
        return ALLOWED
    after = ends + dt.timedelta(days=1)
    return _deny(
        "validation_period",
        phrase(
            "The validation period runs until %(date)s: no demand for payment before it ends.",
            date=ends.isoformat(),
        ),
        max(_at_local(after, dt.time(0), zone) for zone in s.zones),
    )


def _check_calendar(s: Snapshot, at: dt.datetime) -> Decision:
    for zone in s.zones:
        if _local(at, zone).date() in s.profile.blackout_dates:
            return _deny(
                "blackout_date",
                phrase("%(date)s is a no-contact day.", date=_local(at, zone).date()),
                _next_local_day(at, zone),
            )
    outside = [z for z in s.zones if not _open_for(at, s.profile, z, s.send_margin)]
    if outside:
        later = max(_next_window_start(at, s.profile, z, s.send_margin) for z in outside)
        window = f"{s.profile.window_start:%H:%M}-{s.profile.window_end:%H:%M}"
        return _deny(
            "quiet_hours",
            phrase("Outside %(window)s local time in %(zone)s.", window=window, zone=outside[0]),
            later,
        )
    return ALLOWED


def _placed(entries: Iterable[LedgerEntry], channel: str) -> list[LedgerEntry]:
    return [e for e in entries if e.channel == channel and e.outcome != NOT_PLACED]


def _local_day_start(day: dt.date, zone: str) -> dt.datetime:
    return _at_local(day, dt.time(0), zone)


def _check_cooldown(s: Snapshot, calls: list[LedgerEntry], at: dt.datetime, days: int) -> Decision:
    """1006.14(b)(2)(i)(B): no call within 7 consecutive days after a telephone conversation
    about the debt, the date of the conversation being the first of them. Calendar counting:
    a conversation on day 1 allows calls again from the start of day 8, local date, in every
    zone the borrower may be in. Rolling: 7 x 24 hours from the conversation."""
    talks = [
        e.occurred_at for e in calls if e.outcome in MAYBE_CONNECTED and e.case_id == s.case_id
    ]
    if not talks:
        return ALLOWED

    def deny(not_before: dt.datetime) -> Decision:
        # Built only when denied: a phrase costs more than the check.
        return _deny(
            "conversation_cooldown",
            phrase(
                "A telephone conversation about this debt took place in the last %(days)s days.",
                days=days,
            ),
            not_before,
        )

    if s.profile.call_counting == ROLLING_HOURS:
        cooldown = dt.timedelta(days=days)
        recent = [t for t in talks if at - cooldown < t]
        if recent:
            return deny(max(recent) + cooldown)
        return ALLOWED
    for zone in s.zones:
        today = _local(at, zone).date()
        recent_days = [
            d for d in (_local(t, zone).date() for t in talks) if (today - d).days < days
        ]
        if recent_days:
            return deny(_local_day_start(max(recent_days) + dt.timedelta(days=days), zone))
    return ALLOWED


def _check_seven_days(
    s: Snapshot,
    calls: list[LedgerEntry],
    at: dt.datetime,
    cap: int,
    rule: str,
    detail: Callable[[int, int], str],
) -> Decision:
    """No more than `cap` call attempts within any 7 consecutive days (1006.14(b)(2)(i)(A)).

    Calendar counting: a call on local date D falls in the 7-day periods starting D-6 .. D;
    the earlier calls of each lie within D-6 .. D, so the call is allowed when fewer than `cap`
    counted calls are dated D-6 .. D in every zone the borrower may be in. Calls that never
    connected to the dialled number are not counted (1006.14(b)(3)(ii)); a call whose outcome
    is not known yet is. Rolling: every call of the last 7 x 24 hours counts."""
    if s.profile.call_counting == ROLLING_HOURS:
        recent = sorted(
            (e.occurred_at for e in calls if at - SEVEN_DAYS < e.occurred_at),
            reverse=True,
        )
        if len(recent) >= cap:
            return _deny(
                rule,
                detail(len(recent), cap),
                recent[cap - 1] + SEVEN_DAYS,
            )
        return ALLOWED
    counted = [e.occurred_at for e in calls if e.outcome not in NEVER_CONNECTED]
    for zone in s.zones:
        today = _local(at, zone).date()
        days = sorted(
            (d for d in (_local(t, zone).date() for t in counted) if (today - d).days < 7),
            reverse=True,
        )
        if len(days) >= cap:
            # Allowed again on the day the cap-th latest of them leaves the 7 days.
            return _deny(
                rule,
                detail(len(days), cap),
                _local_day_start(days[cap - 1] + SEVEN_DAYS, zone),
            )
    return ALLOWED


def _check_call_caps(s: Snapshot, at: dt.datetime) -> Decision:
    p = s.profile
    calls = _placed(s.entries, "voice")
    if p.call_cooldown_after_conversation_days:
        decision = _check_cooldown(s, calls, at, p.call_cooldown_after_conversation_days)
        if not decision.allowed:
            return decision
    if p.max_call_attempts_per_debt_7d is not None:
        decision = _check_seven_days(
            s,
            [e for e in calls if e.case_id == s.case_id],
            at,
            p.max_call_attempts_per_debt_7d,
            "call_attempts_7d",
            lambda count, cap: phrase(
                "%(count)s call attempts about this debt in 7 days (limit %(cap)s).",
                count=count,
                cap=cap,
            ),
        )
        if not decision.allowed:
            return decision
    if p.max_call_attempts_per_person_7d is not None:
        decision = _check_seven_days(
            s,
            calls,
            at,
            p.max_call_attempts_per_person_7d,
            "call_attempts_person_7d",
            lambda count, cap: phrase(
                "%(count)s call attempts to this borrower in 7 days, all debts (limit %(cap)s).",
                count=count,
                cap=cap,
            ),
        )
        if not decision.allowed:
            return decision
    for zone in s.zones:
        today = [e for e in calls if _same_local_day(e.occurred_at, at, zone)]
        if p.max_connected_calls_per_day is not None:
            connected = [e for e in today if e.outcome in MAYBE_CONNECTED]
            if len(connected) >= p.max_connected_calls_per_day:
                return _deny(
                    "connected_calls_per_day",
                    phrase(
                        "%(count)s connected calls today (limit %(cap)s).",
                        count=len(connected),
                        cap=p.max_connected_calls_per_day,
                    ),
                    _next_local_day(at, zone),
                )
        if p.max_unanswered_calls_per_number_day is not None:
            unanswered = [e for e in today if e.address == s.address and e.outcome != CONNECTED]
            if len(unanswered) >= p.max_unanswered_calls_per_number_day:
                return _deny(
                    "unanswered_calls_per_number_day",
                    phrase(
                        "%(count)s unanswered calls to this number today (limit %(cap)s).",
                        count=len(unanswered),
                        cap=p.max_unanswered_calls_per_number_day,
                    ),
                    _next_local_day(at, zone),
                )
    return ALLOWED


def _check_message_caps(s: Snapshot, at: dt.datetime) -> Decision:
    cap = s.profile.max_messages_per_day
    if cap is None:
        return ALLOWED
    messages = [e for e in s.entries if e.channel in ("sms", "email") and e.outcome != NOT_PLACED]
    for zone in s.zones:
        today = [e for e in messages if _same_local_day(e.occurred_at, at, zone)]
        if len(today) >= cap:
            return _deny(
                "messages_per_day",
                phrase("%(count)s messages today (limit %(cap)s).", count=len(today), cap=cap),
                _next_local_day(at, zone),
            )
    return ALLOWED


def check(snapshot: Snapshot, channel: str, at: dt.datetime) -> Decision:
    """The first rule that denies a contact on `channel` at `at`, or ALLOWED."""
    if at.tzinfo is None:
        raise ValueError("`at` must be timezone-aware")
    if not snapshot.zones:
        return _deny(
            "unknown_time_zone", phrase("No time zone for the borrower or their phone number.")
        )
    decision = _check_standing(snapshot, channel)
    if not decision.allowed:
        return decision
    decision = _check_prerecorded_consent(snapshot, channel)
    if not decision.allowed:
        return decision
    # Before the calendar: its wait (up to 30-odd days) is where the search for a slot starts.
    decision = _check_validation_period(snapshot, at)
    if not decision.allowed:
        return decision
    used: list[tuple[ConsentGrant, str]] = []
    decision = _with_consent(snapshot, channel, at, _check_calendar(snapshot, at), used)
    if not decision.allowed:
        return decision
    if channel == "voice":
        decision = _check_call_caps(snapshot, at)
        grant = _lifting(snapshot, channel, at, decision)
        if grant is not None:
            # The frequency limits lifted; every other call cap still applies.
            used.append((grant, decision.rule))
            lifted = replace(
                snapshot.profile,
                max_call_attempts_per_debt_7d=None,
                call_cooldown_after_conversation_days=None,
            )
            decision = _check_call_caps(replace(snapshot, profile=lifted), at)
        if not decision.allowed:
            return decision
    if channel in ("sms", "email"):
        decision = _check_message_caps(snapshot, at)
        if not decision.allowed:
            return decision
    if used:
        grant = used[-1][0]
        details = [consent_rules.exception_detail(g, r) for g, r in used]
        return Decision(allowed=True, detail=joined(" ", details), exception=grant)
    return ALLOWED


def _check_prerecorded_consent(s: Snapshot, channel: str) -> Decision:
    problem = consent_rules.prerecorded_consent_problem(s, channel)
    if problem is None:
        return ALLOWED
    return _deny("prerecorded_voice_consent", problem)


def _lifting(s: Snapshot, channel: str, at: dt.datetime, decision: Decision) -> ConsentGrant | None:
    """The consent exception that lifts the rule that denied `decision`, if any."""
    if decision.allowed:
        return None
    return consent_rules.usable_exception(s, decision.rule, channel, at)


def _with_consent(
    s: Snapshot,
    channel: str,
    at: dt.datetime,
    decision: Decision,
    used: list[tuple[ConsentGrant, str]],
) -> Decision:
    grant = _lifting(s, channel, at, decision)
    if grant is None:
        return decision
    used.append((grant, decision.rule))
    return ALLOWED


def earliest_allowed(snapshot: Snapshot, channel: str, at: dt.datetime) -> dt.datetime | None:
    """The first moment >= at when every rule allows the contact, assuming no other contact
    happens meanwhile; None when waiting cannot help (a hold, an opt-out) or no slot exists
    within SEARCH_HORIZON (e.g. phone zones with no common window)."""
    horizon = at + SEARCH_HORIZON
    for _step in range(MAX_RULE_STEPS):
        decision = check(snapshot, channel, at)
        if decision.allowed:
            return at
        if decision.not_before is None or decision.not_before > horizon:
            return None
        at = max(decision.not_before, at + dt.timedelta(microseconds=1))
    return None


def contact_decision(snapshot: Snapshot, channel: str, at: dt.datetime) -> Decision:
    """Allowed, or denied with the rule that denied it and the earliest time it would be allowed
    (`next_allowed_at`; None when waiting cannot help)."""
    decision = check(snapshot, channel, at)
    if decision.allowed:
        return decision
    next_at = None
    detail = decision.detail
    if decision.not_before is not None:
        next_at = earliest_allowed(snapshot, channel, decision.not_before)
        if next_at is None:
            detail = joined(
                " ",
                [
                    detail,
                    phrase(
                        "No allowed time within the next 14 days (the borrower's possible time "
                        "zones may share no contact window): record the borrower's time zone."
                    ),
                ],
            )
    return Decision(
        allowed=False,
        rule=decision.rule,
        detail=detail,
        not_before=decision.not_before,
        next_allowed_at=next_at,
    )
