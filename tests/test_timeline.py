"""The case timeline: every source, who and when, newest first, bounded."""

import datetime as dt

import pytest
from django.utils import timezone

from collections_app.models import CaseEvent, OutboundMessage
from collections_app.selectors.timeline import case_timeline
from collections_app.services.cases import case_add_note, case_transition
from collections_app.services.events import case_event_record


@pytest.mark.django_db
def test_calls_with_keypad_input_and_replies_show_what_the_borrower_did(case, agent) -> None:
    case_event_record(
        case=case,
        kind=CaseEvent.Kind.CONTACT,
        reason="IVR call",
        data={"channel": "voice", "outcome": "connected", "digits": "1"},
    )
    case_event_record(case=case, kind=CaseEvent.Kind.REPLY, data={"body": "Paying Friday"})
    case_transition(case=case, name="pause", actor=agent, reason="dispute letter")

    entries, more = case_timeline(case)

    assert [e.kind for e in entries] == ["transition", "reply", "contact"]
    assert entries[0].text == "reminder → paused: dispute letter"
    assert entries[0].who == agent.username
    assert entries[1].text == "body: Paying Friday"
    assert entries[2].text == "IVR call; channel: voice; outcome: connected; digits: 1"
    assert entries[2].who == "system"
    assert not more


@pytest.mark.django_db
def test_sources_are_merged_by_time_and_cut_at_the_limit(case, agent) -> None:
    base = timezone.now()
    for i in range(4):
        case_add_note(case=case, text=f"note {i}", actor=agent)
        OutboundMessage.objects.create(
            case=case,
            borrower=case.loan.borrower,
            channel="email",
            template_key=f"t{i}",
            scheduled_at=base,
            idempotency_key=f"k{i}",
            created_at=base + dt.timedelta(hours=i),
        )

    entries, more = case_timeline(case, limit=5)

    assert more
    assert len(entries) == 5
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    assert entries[0].text == "t3" and entries[0].status == "Queued"
