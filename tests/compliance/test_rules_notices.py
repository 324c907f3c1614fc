"""Required notices and the validation period, from the rule text.

- 1006.6(c)(1): after a cease request only three communications remain; the validation notice is
  none of them. 1006.38(d)(2): a disputed debt's collection stops until the verification is
  provided, which therefore passes the dispute. 1006.14(h): an opt-out of a medium stops every
  message on it, required or not.
- 1006.38(b): nothing during the validation period may overshadow the right to dispute: a
  template flagged as a demand waits until the day after the period's last day.
"""

import datetime as dt

import pytest

from collections_app.compliance.rules import (
    DISPUTE_RESPONSE,
    DISPUTE_VERIFICATION,
    VALIDATION_NOTICE,
    Hold,
    contact_decision,
)
from tests.compliance.builders import local, snap

AT = local("America/New_York", 2026, 6, 1, 12, 0)
NY = "America/New_York"


@pytest.mark.parametrize(
    ("notice", "standing", "passes"),
    [
        (VALIDATION_NOTICE, {"holds": (Hold("cease_communication"),)}, False),
        (VALIDATION_NOTICE, {"holds": (Hold("dispute"),)}, False),
        (VALIDATION_NOTICE, {"case_disputed": True}, False),
        (VALIDATION_NOTICE, {"case_active": False}, True),
        (VALIDATION_NOTICE, {"opted_out": frozenset({"email"})}, False),
        (VALIDATION_NOTICE, {"holds": (Hold("attorney"),)}, False),
        (DISPUTE_VERIFICATION, {"holds": (Hold("cease_communication"),)}, True),
        (DISPUTE_VERIFICATION, {"holds": (Hold("dispute"),)}, True),
        (DISPUTE_VERIFICATION, {"case_disputed": True}, True),
        (DISPUTE_VERIFICATION, {"case_active": False}, True),
        (DISPUTE_VERIFICATION, {"opted_out": frozenset({"email"})}, False),
        (DISPUTE_VERIFICATION, {"holds": (Hold("bankruptcy"),)}, False),
        (DISPUTE_VERIFICATION, {"holds": (Hold("deceased"),)}, False),
        (DISPUTE_RESPONSE, {"holds": (Hold("dispute"),)}, True),
        (DISPUTE_RESPONSE, {"opted_out": frozenset({"email"})}, False),
        # Not a required notice at all: every hold stops it.
        ("", {"case_active": False}, False),
    ],
)
def test_a_required_notice_passes_only_the_holds_its_rule_allows(
    notice: str, standing: dict, passes: bool
) -> None:
    s = snap(channel="email", legally_required=bool(notice), required_notice=notice, **standing)
    assert contact_decision(s, "email", AT).allowed is passes


def test_the_same_notice_not_sent_as_required_is_stopped() -> None:
    s = snap(channel="email", holds=(Hold("dispute"),), legally_required=False, required_notice="")
    assert contact_decision(s, "email", AT).rule == "dispute"


ENDS = dt.date(2026, 7, 10)  # the period's last day


@pytest.mark.parametrize(
    ("at", "allowed"),
    [
        (local(NY, 2026, 6, 10, 12, 0), False),
        (local(NY, 2026, 7, 10, 20, 59), False),  # the last day, late
        (local(NY, 2026, 7, 11, 8, 0), True),  # the day after, when the window opens
    ],
)
def test_a_demand_waits_out_the_validation_period(at: dt.datetime, allowed: bool) -> None:
    s = snap(channel="sms", overshadows_validation=True, validation_period_ends=ENDS)
    decision = contact_decision(s, "sms", at)
    assert decision.allowed is allowed
    if not allowed:
        assert decision.rule == "validation_period"
        # Deferred, not cancelled: the first slot after the period, inside the window.
        assert decision.next_allowed_at == local(NY, 2026, 7, 11, 8, 0)


def test_a_demand_waits_in_every_zone_the_borrower_may_be_in() -> None:
    s = snap(
        channel="sms",
        zones=(NY, "America/Los_Angeles"),
        overshadows_validation=True,
        validation_period_ends=ENDS,
    )
    # 01:30 on the 11th in New York is still the 10th in Los Angeles.
    assert contact_decision(s, "sms", local(NY, 2026, 7, 11, 1, 30)).rule == "validation_period"
    assert contact_decision(s, "sms", local(NY, 2026, 7, 11, 11, 0)).allowed


def test_other_messages_and_required_notices_are_not_held_by_the_period() -> None:
    at = local(NY, 2026, 6, 10, 12, 0)
    plain = snap(channel="sms", overshadows_validation=False, validation_period_ends=ENDS)
    assert contact_decision(plain, "sms", at).allowed
    no_period = snap(channel="sms", overshadows_validation=True, validation_period_ends=None)
    assert contact_decision(no_period, "sms", at).allowed


@pytest.mark.parametrize(
    ("hold", "legally_required", "template_key", "violation"),
    [
        ("cease_communication", True, "dispute-verification", False),
        ("cease_communication", True, "validation-notice", True),
        ("dispute", True, "validation-notice", True),
        ("dispute", True, "dispute-response", False),
        ("attorney", True, "dispute-verification", True),
        ("bankruptcy", True, "dispute-verification", True),
        ("deceased", True, "dispute-verification", True),
        ("cease_communication", False, "reminder-notice", True),
    ],
)
def test_the_independent_audit_knows_which_holds_a_notice_passes(
    hold: str, legally_required: bool, template_key: str, violation: bool
) -> None:
    from collections_app.compliance.audit import BorrowerRules, Contact, audit
    from tests.compliance.builders import US

    start = local(NY, 2026, 6, 1, 9, 0)
    sent = Contact(
        borrower_id=1,
        case_id=1,
        channel="email",
        address="b@example.com",
        occurred_at=local(NY, 2026, 6, 2, 12, 0),
        outcome="delivered",
        legally_required=legally_required,
        template_key=template_key,
    )
    rules = BorrowerRules(profile=US, zones=(NY,), holds=[(hold, start, None)])
    assert bool([v for v in audit([sent], {1: rules}) if v.rule == hold]) is violation
