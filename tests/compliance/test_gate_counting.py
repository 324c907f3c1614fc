"""Counting exactly, against the database: the shipped US profile counts as Regulation F does,
a call's end says whether it connected, and every number of the borrower's is counted."""

import datetime as dt

import pytest

from collections_app.compliance.snapshot import profile_from_row
from collections_app.models import ContactAttempt, ContactPoint, JurisdictionProfile
from collections_app.outreach.gate import gate_contact
from collections_app.webhooks.handlers.status import call_outcome
from tests.compliance.builders import US, local
from tests.factories import BorrowerFactory, CaseFactory, LoanFactory

NY = "America/New_York"
SHANGHAI = "Asia/Shanghai"
HOME, WORK = "+14155550100", "+14155550177"


def _case(**borrower):
    borrower.setdefault("time_zone", NY)
    borrower.setdefault("phone", HOME)
    return CaseFactory(loan=LoanFactory(borrower=BorrowerFactory(**borrower)))


def _call(case, at, address=None, outcome=None):
    result = gate_contact(case=case, channel="voice", at=at, address=address)
    if result.allowed and outcome is not None:
        ContactAttempt.objects.filter(pk=result.attempt.pk).update(outcome=outcome)
    return result


@pytest.mark.django_db
def test_the_shipped_us_profile_counts_by_calendar_date_and_says_why() -> None:
    us = JurisdictionProfile.objects.get(code="US", is_current=True)
    assert us.call_counting == JurisdictionProfile.CallCounting.CALENDAR_DAYS
    assert profile_from_row(us).call_counting == US.call_counting
    assert "1006.14(b)(3)(ii)" in us.sources
    assert us.max_call_attempts_per_person_7d is None


@pytest.mark.parametrize(
    ("twilio_status", "outcome"),
    [
        ("busy", "busy"),
        ("failed", "not_connected"),
        ("no-answer", "unanswered"),
        ("canceled", "failed"),
    ],
)
def test_twilio_call_statuses_say_whether_the_call_connected(twilio_status, outcome) -> None:
    assert call_outcome(twilio_status, "") == outcome


@pytest.mark.django_db
@pytest.mark.parametrize(("outcome", "eighth_allowed"), [("busy", True), ("unanswered", False)])
def test_busy_calls_recorded_through_the_gate_do_not_count(outcome, eighth_allowed) -> None:
    case = _case()
    day1 = local(NY, 2026, 6, 1, 9, 0)
    for i in range(7):
        result = _call(case, day1 + dt.timedelta(minutes=10 * i))
        assert result.allowed
        ContactAttempt.objects.filter(pk=result.attempt.pk).update(outcome=outcome)
    eighth = _call(case, local(NY, 2026, 6, 2, 9, 0))
    assert eighth.allowed is eighth_allowed
    if not eighth_allowed:
        assert eighth.record.rule == "call_attempts_7d"


@pytest.mark.django_db
def test_seven_attempts_on_days_1_to_7_then_day_8_through_the_gate() -> None:
    case = _case()
    for day in range(1, 8):
        assert _call(case, local(NY, 2026, 6, day, 18, 0), outcome="unanswered").allowed
    assert not _call(case, local(NY, 2026, 6, 7, 19, 0)).allowed
    result = _call(case, local(NY, 2026, 6, 8, 9, 0))
    assert result.allowed and result.record.profile_code == "US"


@pytest.mark.django_db
def test_calls_to_every_number_of_the_borrower_count_towards_the_debts_cap() -> None:
    case = _case()
    ContactPoint.objects.create(borrower=case.loan.borrower, kind="phone", address=WORK)
    day1 = local(NY, 2026, 6, 1, 9, 0)
    for i in range(7):
        number = WORK if i % 2 else None
        assert _call(case, day1 + dt.timedelta(minutes=i), number, "unanswered").allowed
    refused = _call(case, day1 + dt.timedelta(hours=1), WORK)
    assert (refused.allowed, refused.record.rule) == (False, "call_attempts_7d")


@pytest.mark.django_db
def test_the_per_number_cap_counts_each_of_the_borrowers_numbers_apart() -> None:
    """CN: at most 6 unanswered attempts per number per day; another number of the borrower's
    is its own count."""
    case = _case(jurisdiction="CN", time_zone=SHANGHAI, phone="+8613800000001")
    other = "+8613800000002"
    ContactPoint.objects.create(borrower=case.loan.borrower, kind="phone", address=other)
    ten = local(SHANGHAI, 2026, 6, 1, 10, 0)
    for i in range(6):
        assert _call(case, ten + dt.timedelta(minutes=i), None, "unanswered").allowed
    first = _call(case, ten + dt.timedelta(minutes=10))
    assert (first.allowed, first.record.rule) == (False, "unanswered_calls_per_number_day")
    assert _call(case, ten + dt.timedelta(minutes=11), other).allowed


@pytest.mark.django_db
def test_a_per_person_cap_set_in_the_profile_counts_all_of_the_borrowers_debts() -> None:
    us = JurisdictionProfile.objects.get(code="US", is_current=True)
    JurisdictionProfile.objects.filter(pk=us.pk).update(max_call_attempts_per_person_7d=3)
    first = _case()
    second = CaseFactory(loan=LoanFactory(borrower=first.loan.borrower))
    day1 = local(NY, 2026, 6, 1, 9, 0)
    assert _call(first, day1, outcome="unanswered").allowed
    assert _call(second, day1 + dt.timedelta(minutes=1), outcome="unanswered").allowed
    assert _call(first, day1 + dt.timedelta(minutes=2), outcome="busy").allowed  # not counted
    assert _call(second, day1 + dt.timedelta(minutes=3), outcome="unanswered").allowed
    refused = _call(first, day1 + dt.timedelta(minutes=4))
    assert (refused.allowed, refused.record.rule) == (False, "call_attempts_person_7d")
