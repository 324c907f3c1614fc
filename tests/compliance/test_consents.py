import datetime as dt

import pytest
from django.utils import timezone

from collections_app.models import CaseEvent, OutboundMessage
from collections_app.outreach.gate import gate_contact
from collections_app.services.consents import (
    consent_opt_in,
    consent_opt_out,
    hold_place,
    hold_release,
)
from tests.compliance.builders import local
from tests.factories import CaseFactory
from tests.helpers import without_phrase

NOON = local("America/New_York", 2026, 6, 1, 12, 0)


def queued(case, channel: str, key: str) -> OutboundMessage:
    return OutboundMessage.objects.create(
        case=case,
        borrower=case.loan.borrower,
        channel=channel,
        template_key="reminder",
        scheduled_at=timezone.now(),
        idempotency_key=key,
    )


@pytest.fixture
def case(db):
    return CaseFactory(loan__borrower__time_zone="America/New_York")


def test_opting_out_cancels_that_channels_queued_messages_at_once(case) -> None:
    sms, email = queued(case, "sms", "k1"), queued(case, "email", "k2")
    asked = timezone.now() - dt.timedelta(seconds=3)

    consent_opt_out(
        borrower=case.loan.borrower, channel="sms", source="borrower_reply", requested_at=asked
    )

    sms.refresh_from_db()
    email.refresh_from_db()
    assert (sms.status, email.status) == ("cancelled", "queued")
    event = case.events.get(kind=CaseEvent.Kind.CONSENT)
    assert without_phrase(event.data) == {
        "channel": "sms",
        "status": "opted_out",
        "cancelled_messages": 1,
    }
    consent = case.loan.borrower.consents.get()
    assert consent.requested_at == asked
    assert consent.recorded_at >= asked
    assert gate_contact(case=case, channel="sms", at=NOON).decision.rule == "opted_out"


def test_opting_back_in_allows_the_channel_again(case) -> None:
    borrower = case.loan.borrower
    consent_opt_out(borrower=borrower, channel="sms", source="borrower_reply")
    consent_opt_in(borrower=borrower, channel="sms", source="borrower_reply")
    assert gate_contact(case=case, channel="sms", at=NOON).allowed


@pytest.mark.parametrize(
    "kind", ["dispute", "cease_communication", "bankruptcy", "deceased", "attorney"]
)
def test_a_stopping_hold_cancels_everything_queued(case, kind: str) -> None:
    messages = [queued(case, "sms", "a"), queued(case, "voice", "b"), queued(case, "email", "c")]
    hold_place(borrower=case.loan.borrower, kind=kind, source="agent")
    assert {m.status for m in OutboundMessage.objects.filter(pk__in=[m.pk for m in messages])} == {
        "cancelled"
    }


def test_do_not_call_at_work_keeps_the_queue(case) -> None:
    msg = queued(case, "voice", "a")
    hold_place(
        borrower=case.loan.borrower,
        kind="no_calls_at_work",
        source="borrower",
        work_phone="+14155550199",
    )
    msg.refresh_from_db()
    assert msg.status == "queued"


def test_releasing_a_hold_is_recorded_and_idempotent(case) -> None:
    hold = hold_place(borrower=case.loan.borrower, kind="dispute", source="borrower")
    hold_release(hold=hold, reason="Validation notice answered")
    first = hold.__class__.objects.get(pk=hold.pk).released_at
    hold_release(hold=hold, reason="again")
    assert hold.__class__.objects.get(pk=hold.pk).released_at == first
    assert case.events.filter(kind=CaseEvent.Kind.CONSENT).count() == 2
    assert gate_contact(case=case, channel="sms", at=NOON).allowed
