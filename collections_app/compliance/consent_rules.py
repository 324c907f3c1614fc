"""Consent in the contact rules, pure (no database), kept apart from the counting in rules.py:

- `prerecorded_consent_problem`: TCPA, 47 U.S.C. 227(b)(1)(A)(iii). An artificial or
  prerecorded voice call (our automated voice channel) to a mobile number needs the prior
  express consent the lender recorded for that number. A number the lender did not record as a
  landline (`home`) counts as a mobile: "work" and "other" numbers are often mobiles, and a
  number we do not know has no consent recorded. Without consent only an agent may call.
- `usable_exception`: a consent exception the borrower gave (models/consent.py) lifts one rule
  only for its kind, channel, debt and time span, and only when the profile allows that kind:
  Reg F 1006.14(b)(3)(i) (the frequency limits, consent given within the last 7 days) and the CN
  guideline's "unless the debtor agreed" (the allowed hours).
- `recording_for`: whether a call is recorded and must say so at its start (two-party-consent
  states; CN where calls are recorded).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from collections_app.phrases import Phrase, phrase

if TYPE_CHECKING:
    from collections_app.compliance.rules import Snapshot

# The lender's consents that allow prerecorded calls (ContactPoint.Consent).
VOICE_CONSENTS = frozenset({"prior_express_consent", "prior_express_written_consent"})
# The only type the lender can tell us is a landline (ContactPoint.Type).
LANDLINE_TYPES = frozenset({"home"})
# Two-party (all-party) consent states for recording a call (state wiretap laws; Michigan and
# Oregon included on purpose, the conservative reading). Migration 0015 ships them to US.
TWO_PARTY_CONSENT_STATES = frozenset(
    ("CA", "CT", "DE", "FL", "IL", "MD", "MA", "MI", "MT", "NV", "NH", "OR", "PA", "WA")
)
FREQUENCY_WINDOW = dt.timedelta(days=7)  # Reg F 1006.14(b)(3)(i): "within the last seven days"

CALL_FREQUENCY = "call_frequency"
CONTACT_HOURS = "contact_hours"
# The rules each kind of exception may lift (rule names of compliance/rules.py).
LIFTS = {
    CALL_FREQUENCY: frozenset({"call_attempts_7d", "conversation_cooldown"}),
    CONTACT_HOURS: frozenset({"quiet_hours"}),
}


@dataclass(frozen=True)
class PhonePoint:
    """What the lender recorded for one of the borrower's numbers."""

    type: str = ""  # mobile, home, work, other; "" when the lender did not send the number
    consent: str = ""  # ContactPoint.Consent value


@dataclass(frozen=True)
class ConsentGrant:
    """One consent exception, as the gate reads it."""

    id: int
    kind: str
    channel: str
    given_at: dt.datetime
    valid_from: dt.datetime
    valid_until: dt.datetime
    method: str = ""
    case_id: int | None = None  # None: every debt of the borrower
    revoked_at: dt.datetime | None = None


def prerecorded_consent_problem(s: Snapshot, channel: str) -> Phrase | None:
    """Why an automated voice call to `s.address` is not allowed, or None."""
    if channel != "voice" or not s.prerecorded or not s.profile.prerecorded_voice_needs_consent:
        return None
    point = s.phone_points.get(s.address, PhonePoint())
    if point.type in LANDLINE_TYPES:
        return None
    if point.consent in VOICE_CONSENTS:
        return None
    if point.consent == "revoked":
        return phrase(
            "The borrower revoked consent to prerecorded calls to this mobile number: only an "
            "agent may call it."
        )
    return phrase(
        "No prior express consent recorded for prerecorded calls to this mobile number: only an "
        "agent may call it."
    )


def _allowed_kind(s: Snapshot, kind: str) -> bool:
    if kind == CALL_FREQUENCY:
        return s.profile.consent_exception_frequency
    if kind == CONTACT_HOURS:
        return s.profile.consent_exception_hours
    return False


def grant_covers(grant: ConsentGrant, s: Snapshot, channel: str, at: dt.datetime) -> bool:
    """Whether `grant` covers a contact on `channel` at `at` (the send may take `send_margin`)."""
    if grant.channel != channel or grant.given_at > at:
        return False
    if grant.revoked_at is not None and grant.revoked_at <= at:
        return False
    if grant.case_id is not None and grant.case_id != s.case_id:
        return False
    until = grant.valid_until
    if grant.kind == CALL_FREQUENCY:
        until = min(until, grant.given_at + FREQUENCY_WINDOW)
    if grant.kind == CONTACT_HOURS:
        # The whole contact must fall inside the time the borrower agreed to.
        return grant.valid_from <= at and at + s.send_margin < until
    return grant.valid_from <= at < until


def usable_exception(s: Snapshot, rule: str, channel: str, at: dt.datetime) -> ConsentGrant | None:
    """The consent exception that lifts `rule` for this contact, or None (the latest given)."""
    usable = [
        g
        for g in s.exceptions
        if rule in LIFTS.get(g.kind, ())
        and _allowed_kind(s, g.kind)
        and grant_covers(g, s, channel, at)
    ]
    return max(usable, key=lambda g: (g.given_at, g.id), default=None)


def exception_detail(grant: ConsentGrant, rule: str) -> Phrase:
    """What an allowed decision records when a consent exception lifted `rule`."""
    return phrase(
        "Allowed by the borrower's consent (exception %(id)s, given %(given)s, %(method)s): "
        "%(rule)s lifted.",
        id=grant.id,
        given=f"{grant.given_at:%Y-%m-%d %H:%M} UTC",
        method=grant.method,
        rule=rule,
    )


def recording_for(s: Snapshot, channel: str) -> tuple[bool, bool]:
    """(recorded, disclosure required) for a call on `channel`: recorded when the profile records
    calls; the disclosure when the borrower's region is one the profile lists ("*": all) or
    is not known."""
    if channel != "voice" or not s.profile.calls_recorded:
        return False, False
    return True, disclosure_needed(s.profile.recording_disclosure_regions, s.region)


def disclosure_needed(regions: frozenset[str] | list[str], region: str) -> bool:
    """Whether a recorded call to a borrower in `region` must say so: the profile lists the
    region, or "*"; a borrower whose region we do not know may be in one that does."""
    listed = {str(r).strip().upper() for r in regions}
    if not listed:
        return False
    return "*" in listed or not region or region.strip().upper() in listed
