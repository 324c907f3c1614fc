"""An independent re-check of what was actually sent against the rules.

Written apart from `rules.py` on purpose: the report's "violations (must be zero)", the
property-based tests and the simulator use it to catch a gate that lets something through.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from collections_app.compliance.consent_rules import ConsentGrant
from collections_app.compliance.rules import CONNECTED, NOT_PLACED, ROLLING_HOURS, Profile

WEEK = dt.timedelta(days=7)
# 12 CFR 1006.14(b)(3)(ii): calls that do not connect to the dialed number are not counted.
# Written out here again, apart from rules.py, on purpose.
DID_NOT_CONNECT = ("busy", "not_connected")
# Holds that stop all collection contact (legally required notices are not in the ledger).
STOPPING_HOLDS = {"deceased", "bankruptcy", "attorney", "cease_communication", "dispute"}
# ... and those no notice passes, required or not (12 CFR 1006.6(b)(2): an attorney's client is
# contacted through the attorney; a death or a bankruptcy ends collection contact).
NEVER_PASSED = {"deceased", "bankruptcy", "attorney"}
# The validation notice (its template key, written here apart from the services): required,
# but not one of the communications a cease request leaves (1006.6(c)(1)), nor owed once the
# debt is disputed (the verification is).
VALIDATION_TEMPLATE = "validation-notice"


@dataclass(frozen=True)
class Contact:
    borrower_id: int
    case_id: int | None
    channel: str
    address: str
    occurred_at: dt.datetime
    outcome: str
    legally_required: bool = False
    template_key: str = ""  # the message's, when the contact was one


@dataclass
class BorrowerRules:
    profile: Profile
    zones: tuple[str, ...]
    # (channel, start, end or None) periods during which the borrower had opted out
    opt_outs: list[tuple[str, dt.datetime, dt.datetime | None]] = field(default_factory=list)
    # (kind, start, end or None) hold periods
    holds: list[tuple[str, dt.datetime, dt.datetime | None]] = field(default_factory=list)
    # (case id, start, end or None): a debt's dispute, from its recording until the
    # verification went out (or it ended without one)
    disputes: list[tuple[int, dt.datetime, dt.datetime | None]] = field(default_factory=list)
    # The borrower's consent exceptions (models/consent.py), revoked ones included.
    exceptions: list[ConsentGrant] = field(default_factory=list)


@dataclass(frozen=True)
class Violation:
    rule: str
    contact: Contact
    detail: str


def _during(t: dt.datetime, start: dt.datetime, end: dt.datetime | None) -> bool:
    return start <= t and (end is None or t < end)


def audit(contacts: list[Contact], borrowers: dict[int, BorrowerRules]) -> list[Violation]:
    found: list[Violation] = []
    placed = sorted((c for c in contacts if c.outcome != NOT_PLACED), key=lambda c: c.occurred_at)
    by_borrower: dict[int, list[Contact]] = defaultdict(list)
    for c in placed:
        by_borrower[c.borrower_id].append(c)
    for borrower_id, mine in by_borrower.items():
        rules = borrowers.get(borrower_id)
        if rules is None:
            # No contact-rules profile: the gate allows nothing, so anything sent is a violation.
            found.extend(Violation("no_profile", c, _("no contact-rules profile")) for c in mine)
            continue
        for c in mine:
            found.extend(v for v in _check_one(c, mine, rules) if not _excused(v, rules))
    return found


# Re-read from the rule text, apart from consent_rules.py: which violations a consent excuses.
_FREQUENCY = {"call_attempts_7d", "conversation_cooldown"}  # Reg F 1006.14(b)(3)(i)


def _excused(v: Violation, rules: BorrowerRules) -> bool:
    """A contact the borrower's consent covered: within the last 7 days for the frequency
    rules (and only calls), at the agreed time for the hours; never after it was revoked."""
    c, p, t = v.contact, rules.profile, v.contact.occurred_at
    if v.rule in _FREQUENCY:
        kind, allowed = "call_frequency", p.consent_exception_frequency and c.channel == "voice"
    elif v.rule == "quiet_hours":
        kind, allowed = "contact_hours", p.consent_exception_hours
    else:
        return False
    for g in rules.exceptions if allowed else ():
        if g.kind != kind or g.channel != c.channel or g.case_id not in (None, c.case_id):
            continue
        if g.revoked_at is not None and g.revoked_at <= t:
            continue
        if not (g.given_at <= t and g.valid_from <= t < g.valid_until):
            continue
        if kind == "call_frequency" and not t < g.given_at + WEEK:
            continue
        return True
    return False


def _check_one(c: Contact, mine: list[Contact], rules: BorrowerRules) -> list[Violation]:
    p = rules.profile
    out: list[Violation] = []
    for zone in rules.zones:
        local = c.occurred_at.astimezone(ZoneInfo(zone))
        if not (p.window_start <= local.time() < p.window_end):
            out.append(
                Violation(
                    "quiet_hours",
                    c,
                    _("%(time)s in %(zone)s") % {"time": f"{local:%Y-%m-%d %H:%M}", "zone": zone},
                )
            )
            break
        if local.date() in p.blackout_dates:
            out.append(Violation("blackout_date", c, f"{local.date()}"))
            break
    for channel, start, end in rules.opt_outs:
        if channel == c.channel and _during(c.occurred_at, start, end):
            out.append(
                Violation(
                    "opted_out",
                    c,
                    _("opted out of %(channel)s at %(start)s")
                    % {"channel": channel, "start": start},
                )
            )
    validation = c.template_key == VALIDATION_TEMPLATE
    for kind, start, end in rules.holds:
        passes = c.legally_required and kind not in NEVER_PASSED and not validation
        if kind in STOPPING_HOLDS and not passes and _during(c.occurred_at, start, end):
            out.append(
                Violation(
                    kind, c, _("%(kind)s hold since %(start)s") % {"kind": kind, "start": start}
                )
            )
    if not c.legally_required or validation:
        for case_id, start, end in rules.disputes:
            if c.case_id == case_id and _during(c.occurred_at, start, end):
                out.append(
                    Violation(
                        "disputed_debt", c, _("debt disputed since %(start)s") % {"start": start}
                    )
                )
    if c.channel != "voice":
        return out
    calls = [o for o in mine if o.channel == "voice"]
    same_debt = [o for o in calls if o.case_id == c.case_id]
    rolling = p.call_counting == ROLLING_HOURS
    for cap, pool, rule in (
        (p.max_call_attempts_per_debt_7d, same_debt, "call_attempts_7d"),
        (p.max_call_attempts_per_person_7d, calls, "call_attempts_person_7d"),
    ):
        if cap is None:
            continue
        count = _rolling_week(c, pool) if rolling else _most_in_seven_dates(c, pool, rules.zones)
        if count > cap:
            out.append(Violation(rule, c, _("%(count)s calls in 7 days") % {"count": count}))
    if p.call_cooldown_after_conversation_days:
        days = p.call_cooldown_after_conversation_days
        for o in same_debt:
            if o.outcome != CONNECTED or not o.occurred_at < c.occurred_at:
                continue
            if rolling:
                inside = c.occurred_at < o.occurred_at + dt.timedelta(days=days)
            else:
                # The date of the conversation is the first of the 7 days, in any zone.
                inside = any(
                    _date(c.occurred_at, zone)
                    <= _date(o.occurred_at, zone) + dt.timedelta(days - 1)
                    for zone in rules.zones
                )
            if inside:
                out.append(
                    Violation(
                        "conversation_cooldown",
                        c,
                        _("conversation at %(at)s") % {"at": o.occurred_at},
                    )
                )
                break
    for zone in rules.zones:
        day = c.occurred_at.astimezone(ZoneInfo(zone)).date()
        today = [
            o
            for o in calls
            if o.occurred_at.astimezone(ZoneInfo(zone)).date() == day
            and o.occurred_at <= c.occurred_at
        ]
        connected = [o for o in today if o.outcome == CONNECTED]
        if (
            p.max_connected_calls_per_day is not None
            and c.outcome == CONNECTED
            and len(connected) > p.max_connected_calls_per_day
        ):
            out.append(
                Violation(
                    "connected_calls_per_day",
                    c,
                    _("%(count)s connected") % {"count": len(connected)},
                )
            )
        unanswered = [o for o in today if o.address == c.address and o.outcome != CONNECTED]
        if (
            p.max_unanswered_calls_per_number_day is not None
            and c.outcome != CONNECTED
            and len(unanswered) > p.max_unanswered_calls_per_number_day
        ):
            out.append(Violation("unanswered_calls_per_number_day", c, f"{len(unanswered)}"))
    return out


def _date(t: dt.datetime, zone: str) -> dt.date:
    return t.astimezone(ZoneInfo(zone)).date()


def _rolling_week(c: Contact, pool: list[Contact]) -> int:
    """Calls in the 7 x 24 hours up to and including `c`, every one counted."""
    return sum(1 for o in pool if c.occurred_at - WEEK < o.occurred_at <= c.occurred_at)


def _most_in_seven_dates(c: Contact, pool: list[Contact], zones: tuple[str, ...]) -> int:
    """The most calls, as of `c` (`c` included), in any period of 7 consecutive local dates
    that holds `c`'s date, in any of the zones: each such period is tried in turn. Calls that
    did not connect to the dialled number are not counted; `c` itself is not counted when it
    did not connect."""
    if c.outcome in DID_NOT_CONNECT:
        return 0
    counted = [
        o for o in pool if o.occurred_at <= c.occurred_at and o.outcome not in DID_NOT_CONNECT
    ]
    most = 0
    for zone in zones:
        day = _date(c.occurred_at, zone)
        dates = [_date(o.occurred_at, zone) for o in counted]
        for first in (day - dt.timedelta(days=k) for k in range(7)):
            last = first + dt.timedelta(days=6)
            most = max(most, sum(1 for d in dates if first <= d <= last))
    return most
