"""A borrower-level request (cease, attorney, bankruptcy, deceased) holds every loan."""

import datetime as dt

import pytest
from django.utils import timezone

from collections_app.models import CaseEvent, CollectionCase, ContactHold, OutboundMessage
from collections_app.outreach.dispatch import dispatch_batch
from collections_app.outreach.outbox import manual_key, outbox_enqueue
from collections_app.services.cases import case_transition
from collections_app.services.consents import hold_place, hold_release
from collections_app.states import CaseState, PauseReason
from tests.escalation_helpers import day, make_case, run_night
from tests.factories import BorrowerFactory

pytestmark = pytest.mark.django_db


def _two_loans():
    borrower = BorrowerFactory()
    return (
        borrower,
        make_case(dpd=40, loan__borrower=borrower),
        make_case(dpd=40, loan__borrower=borrower),
    )


def _queue(case) -> OutboundMessage:
    message, _ = outbox_enqueue(
        case=case,
        channel="sms",
        template_key="reminder-day0-sms",
        step="manual",
        scheduled_at=timezone.now() - dt.timedelta(seconds=1),
        key=manual_key(case),
    )
    return message


def test_cease_communication_on_one_loan_holds_the_borrower_and_stops_the_other_loan() -> None:
    borrower, a, b = _two_loans()
    # when: an agent pauses loan A because the borrower asked us to stop communicating
    case_transition(case=a, name="pause", pause_reason=PauseReason.CEASE_COMMUNICATION)
    # then: the request is recorded for the borrower, not the loan
    hold = ContactHold.objects.get(borrower=borrower, released_at=None)
    assert hold.kind == ContactHold.Kind.CEASE_COMMUNICATION
    # and the nightly run queues nothing for loan B
    run_night(day(1))
    assert not OutboundMessage.objects.filter(case=b).exists()
    assert CollectionCase.objects.get(pk=b.pk).state == CaseState.PAUSED


@pytest.mark.parametrize(
    "reason",
    [
        PauseReason.CEASE_COMMUNICATION,
        PauseReason.ATTORNEY,
        PauseReason.BANKRUPTCY,
        PauseReason.DECEASED,
    ],
)
def test_each_borrower_level_pause_pauses_every_loan_and_cancels_what_was_queued(reason) -> None:
    borrower, a, b = _two_loans()
    queued_for_b = _queue(b)
    case_transition(case=a, name="pause", pause_reason=reason, reason="Letter received")
    # the hold, once, citing where it came from
    (hold,) = ContactHold.objects.filter(borrower=borrower)
    assert (hold.kind, hold.source, hold.note) == (reason, f"case {a.pk} paused", "Letter received")
    # loan B: paused by the system for the same reason, its queued message cancelled
    b.refresh_from_db()
    assert (b.state, b.pause_reason, b.paused_from) == (CaseState.PAUSED, reason, "reminder")
    queued_for_b.refresh_from_db()
    assert queued_for_b.status == OutboundMessage.Status.CANCELLED
    # and both timelines say so
    move = b.events.filter(kind=CaseEvent.Kind.TRANSITION).latest("pk")
    assert (move.actor, move.data["hold"]) == (None, hold.pk)
    assert b.events.filter(kind=CaseEvent.Kind.CONSENT, data__hold=hold.pk).exists()
    assert a.events.filter(kind=CaseEvent.Kind.CONSENT, data__hold=hold.pk).exists()


def test_a_case_level_pause_holds_nobody() -> None:
    borrower, a, b = _two_loans()
    case_transition(case=a, name="pause", pause_reason=PauseReason.HARDSHIP)
    assert not ContactHold.objects.filter(borrower=borrower).exists()
    assert CollectionCase.objects.get(pk=b.pk).state == CaseState.REMINDER


def test_a_hold_compliance_records_directly_pauses_the_borrower_s_cases() -> None:
    borrower, _a, _b = _two_loans()
    hold_place(borrower=borrower, kind=ContactHold.Kind.BANKRUPTCY, source="court notice")
    assert set(
        CollectionCase.objects.filter(loan__borrower=borrower).values_list("state", "pause_reason")
    ) == {(CaseState.PAUSED, PauseReason.BANKRUPTCY)}
    # a dispute is about one debt: it pauses nothing (the segmentation holds the case)
    other = make_case(dpd=10)
    hold_place(borrower=other.loan.borrower, kind=ContactHold.Kind.DISPUTE, source="borrower")
    assert CollectionCase.objects.get(pk=other.pk).state == CaseState.REMINDER


def test_resuming_one_case_does_not_release_the_hold_and_contact_stays_blocked(
    supervisor,
) -> None:
    borrower, a, _b = _two_loans()
    case_transition(case=a, name="pause", pause_reason=PauseReason.CEASE_COMMUNICATION)
    # when: a supervisor resumes loan A
    case_transition(case=a, name="resume", actor=supervisor, reason="Borrower called back")
    # then: the hold stands, and the case says so where the supervisor looks
    assert ContactHold.objects.get(borrower=borrower).released_at is None
    note = a.events.filter(kind=CaseEvent.Kind.COMPLIANCE).latest("pk")
    assert "Cease communication" in note.reason and "until compliance releases" in note.reason
    # the nightly run does nothing automated for the held borrower
    run = run_night(day(1))
    assert not OutboundMessage.objects.filter(case=a).exists()
    assert run.totals["held"] == 1
    # and a message an agent sends anyway is stopped at the gate
    message = _queue(a)
    dispatch_batch(ids=[message.pk])
    message.refresh_from_db()
    assert (message.status, message.error_code) == ("cancelled", "cease_communication")


def test_releasing_the_hold_is_compliance_s_decision_and_resumes_nothing(supervisor) -> None:
    borrower, a, b = _two_loans()
    case_transition(case=a, name="pause", pause_reason=PauseReason.ATTORNEY)
    hold_release(hold=ContactHold.objects.get(borrower=borrower), reason="Attorney withdrew")
    assert set(
        CollectionCase.objects.filter(loan__borrower=borrower).values_list("state", flat=True)
    ) == {CaseState.PAUSED}
    # resuming now leaves no "still held" note
    b.refresh_from_db()
    case_transition(case=b, name="resume", actor=supervisor)
    assert not b.events.filter(kind=CaseEvent.Kind.COMPLIANCE).exists()
