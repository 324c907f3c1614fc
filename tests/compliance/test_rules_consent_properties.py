"""Property-based, consent exceptions included: with random exceptions (either kind, either
debt or all, random spans, some revoked) the ledger the gate lets through never breaks a rule
as the independent auditor reads it, exceptions and all; and the auditor still flags what no
exception covers (the exceptions drop out, the same contacts are judged again)."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collections_app.compliance.audit import BorrowerRules, Contact, audit
from collections_app.compliance.consent_rules import ConsentGrant
from collections_app.compliance.rules import LedgerEntry, contact_decision
from tests.compliance.builders import snap
from tests.compliance.test_rules_properties import PHONE, SECOND, borrower_and_schedule

START = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def _minutes(m: int) -> dt.datetime:
    return START + dt.timedelta(minutes=m)


@st.composite
def grants(draw):
    out = []
    for i in range(draw(st.integers(0, 3))):
        given_at = draw(st.integers(0, 20 * 24 * 60))
        start = given_at + draw(st.integers(0, 3 * 24 * 60))
        span = draw(st.integers(1, 10 * 24 * 60))
        revoked = draw(st.none() | st.integers(given_at, given_at + 12 * 24 * 60))
        out.append(
            ConsentGrant(
                id=i + 1,
                kind=draw(st.sampled_from(["call_frequency", "contact_hours"])),
                channel=draw(st.sampled_from(["voice", "voice", "sms", "email"])),
                given_at=_minutes(given_at),
                valid_from=_minutes(start),
                valid_until=_minutes(start + span),
                method="inbound_call",
                case_id=draw(st.sampled_from([1, 2, None])),
                revoked_at=None if revoked is None else _minutes(revoked),
            )
        )
    return tuple(out)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(borrower_and_schedule(), grants())
def test_with_consent_exceptions_the_gate_still_breaks_no_rule(case, exceptions) -> None:
    profile, zones, requests, _opt_out, _hold = case
    entries: list[LedgerEntry] = []
    contacts: list[Contact] = []
    used = 0
    for minute, channel, outcome, case_id, number in requests:
        at = _minutes(minute)
        s = snap(
            profile=profile,
            zones=zones,
            channel=channel,
            entries=tuple(entries),
            case_id=case_id,
            exceptions=exceptions,
            own_numbers=frozenset({PHONE, SECOND}),
            **({"address": number} if channel == "voice" else {}),
        )
        decision = contact_decision(s, channel, at)
        if not decision.allowed:
            continue
        # A call the exception let through that then was busy or not connected does not count
        # towards 7-in-7 (1006.14(b)(3)(ii)): without the exception it breaks nothing either.
        used += decision.exception is not None and outcome not in ("busy", "not_connected")
        if channel != "voice":
            outcome = "delivered" if outcome not in ("failed", "not_connected") else "failed"
        entries.append(LedgerEntry(channel, s.address, at, outcome, case_id))
        contacts.append(Contact(1, case_id, channel, s.address, at, outcome))
    rules = BorrowerRules(profile=profile, zones=zones, exceptions=list(exceptions))
    assert audit(contacts, {1: rules}) == []
    if used:
        # What the exceptions allowed is a violation without them.
        bare = BorrowerRules(profile=profile, zones=zones)
        assert audit(contacts, {1: bare})
