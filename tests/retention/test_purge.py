"""The retention purge, from 12 CFR 1006.100(a): records are kept three years after the last
collection activity on the debt, then the personal data in them goes; what the period protects
(a case one day inside it, an open case, a disputed case, a case in litigation or under a legal
hold) is never touched; a dry run changes nothing; a second run changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from collections_app.models import (
    Borrower,
    CaseEvent,
    ContactAttempt,
    ContactPoint,
    Dispute,
    JurisdictionProfile,
    OutboundMessage,
    PurgeRun,
    RetentionHold,
    WebhookEvent,
)
from collections_app.services.cases import case_add_note, case_transition
from collections_app.services.events import case_event_record
from collections_app.services.retention import purge_personal_data, purge_scheduled
from tests.factories import CaseFactory
from tests.helpers import bring_to

pytestmark = pytest.mark.django_db

SECRET = "+14155550199"


def _case(state: str = "resolved"):
    """A case with personal data everywhere the purge looks, then moved to `state`."""
    case = CaseFactory()
    borrower = case.loan.borrower
    ContactPoint.objects.create(borrower=borrower, kind="phone", address=SECRET, source="lender")
    case_add_note(case=case, text=f"Wife answered, call her at {SECRET}", actor=None)
    case_event_record(
        case=case,
        kind=CaseEvent.Kind.REPLY,
        reason="",
        data={"intent": "other", "body": f"call me on {SECRET}", "message_sid": "SM1"},
    )
    OutboundMessage.objects.create(
        case=case,
        borrower=borrower,
        channel="sms",
        template_key="reminder-day0",
        scheduled_at=timezone.now(),
        idempotency_key=f"k{case.pk}",
        status="delivered",
        to_address=SECRET,
        body=f"Hello {borrower.name}, you owe 300.00 USD",
    )
    ContactAttempt.objects.create(
        borrower=borrower,
        case=case,
        channel="sms",
        address=SECRET,
        occurred_at=timezone.now(),
        outcome="delivered",
    )
    bring_to(case, state)
    case.refresh_from_db()
    return case


def _period_end(case) -> dt.datetime:
    """The moment its three years after the last activity (its closing) are over."""
    last = max(
        case.closed_at or case.opened_at,
        CaseEvent.objects.filter(case=case).latest("created_at").created_at,
    )
    return last + relativedelta(years=3)


def _has_pii(case) -> bool:
    texts = [
        *OutboundMessage.objects.filter(case=case).values_list("body", "to_address"),
        *ContactAttempt.objects.filter(case=case).values_list("address", flat=True),
        *CaseEvent.objects.filter(case=case).values_list("reason", "data"),
        *Borrower.objects.filter(pk=case.loan.borrower_id).values_list("name", "phone", "email"),
        *ContactPoint.objects.filter(borrower_id=case.loan.borrower_id).values_list("address"),
    ]
    return SECRET in repr(texts)


def test_a_case_one_day_outside_its_period_is_purged_and_its_timeline_stays() -> None:
    case = _case()
    events = list(CaseEvent.objects.filter(case=case).values_list("pk", "kind", "to_state"))
    assert _has_pii(case)

    run = purge_personal_data(now=_period_end(case) + dt.timedelta(days=1))

    assert not _has_pii(case)
    assert run.cases == 1 and run.status == PurgeRun.Status.DONE and not run.dry_run
    assert run.counts["outbound messages"] == 1
    assert run.counts["contact attempts"] == 1
    assert run.counts["borrowers"] == 1
    assert run.counts["contact points"] == 1
    assert run.profiles["US"]["retention_years"] == 3
    # The audit rows stay, with what happened (kind, stages), and the note says it was removed.
    assert list(CaseEvent.objects.filter(case=case).values_list("pk", "kind", "to_state")) == events
    note = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.NOTE)
    assert note.reason == "Removed after the retention period"
    reply = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.REPLY)
    assert reply.data["intent"] == "other" and "body" not in reply.data
    borrower = Borrower.objects.get(pk=case.loan.borrower_id)
    assert (borrower.name, borrower.phone, borrower.email) == ("", "", "")
    assert borrower.external_id  # the lender's id stays: the row is still the same person's


def test_a_case_one_day_inside_its_period_is_not_touched() -> None:
    case = _case()
    run = purge_personal_data(now=_period_end(case) - dt.timedelta(days=1))
    assert _has_pii(case)
    assert run.cases == 0 and run.counts == {}


@pytest.mark.parametrize("state", ["reminder", "paused", "legal", "escalation"])
def test_an_open_case_is_never_purged(state: str) -> None:
    case = _case(state)
    purge_personal_data(now=_period_end(case) + relativedelta(years=20))
    assert _has_pii(case)


def test_a_case_that_went_to_legal_is_never_purged_even_once_closed() -> None:
    case = _case("legal")
    case_transition(case=case, name="write_off", reason="judgment uncollectable")
    case.refresh_from_db()
    assert case.state == "written_off"
    purge_personal_data(now=_period_end(case) + relativedelta(years=20))
    assert _has_pii(case)


def test_a_case_under_a_legal_hold_is_kept_until_the_hold_is_released() -> None:
    case = _case()
    hold = RetentionHold.objects.create(case=case, reason="complaint to the regulator")
    later = _period_end(case) + dt.timedelta(days=1)
    purge_personal_data(now=later)
    assert _has_pii(case)
    hold.released_at = later
    hold.save()
    purge_personal_data(now=later)
    assert not _has_pii(case)


def test_a_case_with_an_unanswered_dispute_is_kept() -> None:
    case = _case()
    Dispute.objects.create(
        case=case,
        kind="not_mine",
        received_on=timezone.localdate(),
        received_via="letter",
        response_due_on=timezone.localdate(),
        status=Dispute.Status.VERIFICATION_SENT,
    )
    purge_personal_data(now=_period_end(case) + relativedelta(years=1))
    assert _has_pii(case)


def test_a_borrower_with_another_debt_still_in_its_period_keeps_their_details() -> None:
    old = _case()
    other = CaseFactory(loan__borrower=old.loan.borrower)  # open, on another loan
    run = purge_personal_data(now=_period_end(old) + dt.timedelta(days=1))
    assert run.cases == 1
    assert not OutboundMessage.objects.filter(case=old).exclude(body="").exists()
    borrower = Borrower.objects.get(pk=old.loan.borrower_id)
    assert borrower.phone and borrower.name
    assert ContactPoint.objects.filter(borrower=borrower).exists()
    assert other.state == "reminder"


def test_the_profiles_period_is_what_counts() -> None:
    case = _case()
    profile = JurisdictionProfile.objects.get(code="US", is_current=True)
    JurisdictionProfile.objects.filter(pk=profile.pk).update(retention_years=5)
    purge_personal_data(now=_period_end(case) + relativedelta(years=1))
    assert _has_pii(case)
    purge_personal_data(now=_period_end(case) + relativedelta(years=2, days=1))
    assert not _has_pii(case)


def test_a_dry_run_counts_what_would_go_and_changes_nothing() -> None:
    case = _case()
    # A second debt of the same borrower, in another batch; an event with typed text and a
    # number in its details: each row counted once, as the real run changes it once.
    second = CaseFactory(loan__borrower=case.loan.borrower)
    case_event_record(
        case=second, kind=CaseEvent.Kind.CALL, reason="rang her", data={"number": SECRET}
    )
    bring_to(second, "written_off")
    second.refresh_from_db()
    later = max(_period_end(case), _period_end(second)) + dt.timedelta(days=1)
    WebhookEvent.objects.create(
        provider="twilio",
        kind="sms.inbound",
        dedupe_key="x1",
        payload={"form": {"From": SECRET}},
        received_at=timezone.now(),
        processed_at=timezone.now(),
    )
    before = _snapshot()
    dry = purge_personal_data(now=later, dry_run=True, batch_size=1)
    assert _snapshot() == before
    assert dry.dry_run and dry.cases == 2
    real = purge_personal_data(now=later, batch_size=1)
    assert real.counts == dry.counts
    assert (real.counts["webhook bodies"], real.counts["borrowers"]) == (1, 1)
    assert not _has_pii(case) and not _has_pii(second)
    hook = WebhookEvent.objects.get()
    assert hook.payload == {"purged": True} and hook.dedupe_key == f"purged:{hook.pk}"


def test_a_second_run_changes_nothing() -> None:
    case = _case()
    later = _period_end(case) + dt.timedelta(days=1)
    purge_personal_data(now=later)
    before = _snapshot()
    again = purge_personal_data(now=later)
    assert again.counts == {}
    assert _snapshot() == before


def test_a_run_killed_half_way_is_finished_by_the_next() -> None:
    cases = [_case() for _ in range(3)]
    later = max(_period_end(c) for c in cases) + dt.timedelta(days=1)

    class Killed(Exception):
        pass

    def die(run: PurgeRun) -> None:
        raise Killed

    with pytest.raises(Killed):
        purge_personal_data(now=later, batch_size=1, on_batch=die)
    assert [_has_pii(c) for c in cases] == [False, True, True]  # the first batch committed
    rest = purge_personal_data(now=later, batch_size=1)
    assert rest.counts["outbound messages"] == 2  # only what the killed run had not done
    assert not any(_has_pii(c) for c in cases)


def test_the_scheduled_run_is_once_a_day_and_a_dead_workers_run_is_taken_over() -> None:
    case = _case()
    later = _period_end(case) + dt.timedelta(days=1)
    run = purge_scheduled(now=later)
    assert run is not None and run.trigger == "schedule" and not _has_pii(case)
    assert purge_scheduled(now=later + dt.timedelta(hours=1)) is None  # done today

    # Tomorrow's run dies: its row stays `running`, its heartbeat goes stale.
    tomorrow = later + dt.timedelta(days=1)
    dead = PurgeRun.objects.create(
        trigger="schedule", run_date=tomorrow.date(), started_at=tomorrow, heartbeat_at=tomorrow
    )
    assert purge_scheduled(now=tomorrow + dt.timedelta(minutes=1)) is None  # still beating
    taken = purge_scheduled(now=tomorrow + dt.timedelta(hours=1))
    assert taken is not None and taken.pk == dead.pk
    assert (taken.status, taken.attempts) == ("done", 2)
    assert taken.cases == 1  # found past its period again, counted once


def test_the_command_reports_per_table_and_stores_the_run(capsys) -> None:
    _case()
    call_command("purge_personal_data", "--dry-run")
    out = capsys.readouterr().out
    assert "Dry run" in out
    assert PurgeRun.objects.filter(dry_run=True, trigger="command").count() == 1


def _snapshot() -> list:
    with connection.cursor() as cursor:
        rows = []
        for table in (
            "collections_app_outboundmessage",
            "collections_app_contactattempt",
            "collections_app_caseevent",
            "collections_app_borrower",
            "collections_app_contactpoint",
            "collections_app_webhookevent",
        ):
            cursor.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608
            rows.append(cursor.fetchall())
    return rows


def test_amounts_and_stages_are_not_personal_data() -> None:
    case = _case()
    purge_personal_data(now=_period_end(case) + dt.timedelta(days=1))
    case.refresh_from_db()
    assert (case.amount_overdue, case.state) == (Decimal("300.00"), "resolved")
    message = OutboundMessage.objects.get(case=case)
    assert (message.channel, message.status, message.template_key) == (
        "sms",
        "delivered",
        "reminder-day0",
    )


def test_beat_ticks_the_purge_task() -> None:
    from django.conf import settings

    from collections_app import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["purge-personal-data"]
    assert entry["task"] == tasks.purge_personal_data.name == "collections.purge_personal_data"


def test_compliance_reads_a_run_per_table_in_admin(client) -> None:
    from django.urls import reverse

    from tests.factories import make_user

    run = PurgeRun.objects.create(
        trigger="command", dry_run=True, counts={"outbound messages": 3, "borrowers": 1}
    )
    client.force_login(make_user("officer", "compliance"))
    page = client.get(reverse("admin:collections_app_purgerun_change", args=[run.pk]))
    assert page.status_code == 200
    assert "outbound messages: 3" in page.content.decode()
    listing = client.get(reverse("admin:collections_app_purgerun_changelist"))
    assert listing.status_code == 200
    client.force_login(make_user("agent", "agent"))
    assert client.get(reverse("admin:collections_app_purgerun_changelist")).status_code == 403
