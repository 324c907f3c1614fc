"""The gate against the database: snapshot, recording, reservation, and locking."""

import datetime as dt
import threading

import pytest
from django.db import close_old_connections, connection

from collections_app.compliance.snapshot import borrower_zones, profile_from_row
from collections_app.models import (
    ChannelConsent,
    ContactAttempt,
    ContactDecision,
    ContactHold,
    JurisdictionProfile,
)
from collections_app.outreach.gate import gate_contact, gate_release
from tests.compliance.builders import CN, US, local
from tests.factories import BorrowerFactory, CaseFactory, LoanFactory

NOON_NY = local("America/New_York", 2026, 6, 1, 12, 0)


def us_case(**borrower):
    borrower.setdefault("time_zone", "America/New_York")
    return CaseFactory(loan=LoanFactory(borrower=BorrowerFactory(**borrower)))


@pytest.mark.django_db
def test_shipped_profiles_carry_the_regulation_numbers() -> None:
    shipped = {
        p.code: profile_from_row(p) for p in JurisdictionProfile.objects.filter(is_current=True)
    }
    assert shipped["US"] == US
    assert shipped["CN"] == CN
    us = JurisdictionProfile.objects.get(code="US")
    assert "1006.14(b)(2)" in us.sources and "1006.6(b)(1)(i)" in us.sources
    assert {"STOP", "REVOKE", "OPT OUT", "UNSUBSCRIBE"} <= set(us.opt_out_keywords)
    assert {"退订", "TD"} <= set(JurisdictionProfile.objects.get(code="CN").opt_out_keywords)


@pytest.mark.django_db
def test_an_allowed_contact_is_recorded_and_reserved_in_the_ledger() -> None:
    case = us_case()
    result = gate_contact(case=case, channel="sms", at=NOON_NY)
    assert result.allowed
    record = ContactDecision.objects.get()
    assert (record.allowed, record.profile_code, record.profile_version) == (True, "US", 1)
    attempt = ContactAttempt.objects.get()
    assert (attempt.channel, attempt.address, attempt.outcome) == (
        "sms",
        case.loan.borrower.phone,
        "pending",
    )
    assert attempt.occurred_at == NOON_NY


@pytest.mark.django_db
def test_a_denied_contact_is_recorded_with_rule_and_next_slot_and_reserves_nothing() -> None:
    case = us_case()
    at = local("America/New_York", 2026, 6, 1, 22, 0)
    result = gate_contact(case=case, channel="voice", at=at)
    assert not result.allowed
    record = ContactDecision.objects.get()
    assert (record.allowed, record.rule) == (False, "quiet_hours")
    assert record.next_allowed_at == local("America/New_York", 2026, 6, 2, 8, 0)
    assert not ContactAttempt.objects.exists()


@pytest.mark.django_db
def test_an_opt_out_recorded_in_the_database_is_honoured() -> None:
    case = us_case()
    ChannelConsent.objects.create(
        borrower=case.loan.borrower,
        channel="sms",
        status="opted_out",
        source="borrower_reply",
        recorded_at=NOON_NY - dt.timedelta(hours=1),
    )
    assert gate_contact(case=case, channel="sms", at=NOON_NY).decision.rule == "opted_out"
    assert gate_contact(case=case, channel="email", at=NOON_NY).allowed


@pytest.mark.django_db
def test_a_released_hold_no_longer_blocks() -> None:
    case = us_case()
    hold = ContactHold.objects.create(
        borrower=case.loan.borrower, kind="dispute", source="borrower"
    )
    assert gate_contact(case=case, channel="sms", at=NOON_NY).decision.rule == "dispute"
    hold.released_at = NOON_NY
    hold.save()
    assert gate_contact(case=case, channel="sms", at=NOON_NY).allowed


@pytest.mark.django_db
def test_unknown_time_zone_falls_back_to_the_phone_numbers_zones() -> None:
    la = BorrowerFactory(time_zone="", phone="+14155550100")
    assert borrower_zones(la) == ("America/Los_Angeles",)
    case = CaseFactory(loan=LoanFactory(borrower=la))
    at = local("America/New_York", 2026, 6, 1, 9, 0)  # 06:00 in Los Angeles
    decision = gate_contact(case=case, channel="sms", at=at).decision
    assert (decision.allowed, decision.rule) == (False, "quiet_hours")


@pytest.mark.django_db
def test_a_number_spanning_many_zones_is_contacted_only_when_all_are_awake() -> None:
    from zoneinfo import ZoneInfo

    from collections_app.compliance.snapshot import phone_zones

    russia = "+79161234567"  # phonenumbers: Kaliningrad to Kamchatka
    zones = phone_zones(russia)
    assert len(zones) > 5
    case = CaseFactory(loan=LoanFactory(borrower=BorrowerFactory(time_zone="", phone=russia)))
    at = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)  # 00:00 in Kamchatka
    decision = gate_contact(case=case, channel="sms", at=at).decision
    assert (decision.allowed, decision.rule) == (False, "quiet_hours")

    def awake_everywhere(t: dt.datetime) -> bool:
        return all(dt.time(8) <= t.astimezone(ZoneInfo(z)).time() < dt.time(21) for z in zones)

    assert awake_everywhere(decision.next_allowed_at)
    assert not awake_everywhere(decision.next_allowed_at - dt.timedelta(minutes=1))


@pytest.mark.django_db
def test_a_jurisdiction_without_a_profile_is_denied() -> None:
    case = us_case(jurisdiction="ZZ")
    decision = gate_contact(case=case, channel="sms", at=NOON_NY).decision
    assert (decision.allowed, decision.rule) == (False, "no_profile")
    assert ContactDecision.objects.get().profile_code == "ZZ"


@pytest.mark.django_db
def test_a_released_reservation_stops_counting() -> None:
    case = us_case()
    for i in range(7):
        result = gate_contact(case=case, channel="voice", at=NOON_NY + dt.timedelta(minutes=i))
        assert result.allowed
        gate_release(result.attempt)  # e.g. the provider refused before dialling
    assert gate_contact(case=case, channel="voice", at=NOON_NY + dt.timedelta(minutes=8)).allowed


@pytest.mark.django_db
def test_a_paused_case_gets_no_contact() -> None:
    from collections_app.services.cases import case_transition

    case = us_case()
    case_transition(case=case, name="pause", pause_reason="hardship")
    assert gate_contact(case=case, channel="sms", at=NOON_NY).decision.rule == "case_not_active"


@pytest.mark.django_db(transaction=True)
def test_many_workers_one_borrower_the_cap_still_holds() -> None:
    """20 concurrent sessions race to text one borrower at the same instant under a profile
    allowing 5 messages a day. The ledger row lock makes them decide one after the other."""
    JurisdictionProfile.objects.create(
        code="T5",
        name="Five a day",
        window_start=dt.time(0),
        window_end=dt.time(23, 59),
        max_messages_per_day=5,
    )
    case = us_case(jurisdiction="T5")
    workers = 20 if connection.vendor == "postgresql" else 8
    barrier = threading.Barrier(workers)
    allowed: list[bool] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            barrier.wait(timeout=30)
            allowed.append(gate_contact(case=case, channel="sms", at=NOON_NY).allowed)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert len(allowed) == workers
    assert allowed.count(True) == 5
    assert ContactAttempt.objects.filter(channel="sms").count() == 5
    denied = ContactDecision.objects.filter(allowed=False, rule="messages_per_day")
    assert denied.count() == workers - 5


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_gate_locks_the_borrowers_row_not_the_table() -> None:
    """While one session holds borrower A's ledger lock, another decides for borrower B."""
    from django.db import connections, transaction

    from collections_app.models import ContactLedger

    a, b = us_case(), us_case()
    gate_contact(case=a, channel="sms", at=NOON_NY)  # creates A's ledger row
    done = threading.Event()

    def other_borrower() -> None:
        try:
            gate_contact(case=b, channel="sms", at=NOON_NY)
            done.set()
        finally:
            connections.close_all()

    with transaction.atomic():
        ContactLedger.objects.select_for_update().get(borrower=a.loan.borrower)
        t = threading.Thread(target=other_borrower)
        t.start()
        assert done.wait(timeout=10), "deciding for B waited on A's lock"
    t.join()
