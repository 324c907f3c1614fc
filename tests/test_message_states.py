"""The outbound message's table of moves, through the one writer (services/messages.py): every
move the table has works, every move it does not have is refused and writes nothing."""

import datetime as dt
import itertools

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from collections_app.message_states import (
    MOVES,
    RANK,
    MessageStatus,
    MoveNotAllowed,
    is_allowed,
    provider_move_name,
)
from collections_app.models import ContactAttempt, OutboundMessage
from collections_app.services.messages import (
    MessageBatch,
    message_advance,
    messages_cancel,
    messages_requeue,
)
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db
S = MessageStatus
NOW = timezone.now()
PROVIDER_TARGETS = [S.SENT, S.DELIVERED, S.UNDELIVERED, S.FAILED]


def message_in(status: str) -> OutboundMessage:
    """A message put in `status` directly (a test's set-up, not a move), with a pending
    reservation in the ledger as a claimed message has."""
    case = CaseFactory()
    message = OutboundMessage.objects.create(
        case=case,
        borrower_id=case.loan.borrower_id,
        channel="sms",
        template_key="reminder-notice",
        scheduled_at=NOW - dt.timedelta(minutes=1),
        idempotency_key=f"{case.pk}:test:{status}",
        status=status,
    )
    ContactAttempt.objects.create(
        borrower_id=case.loan.borrower_id,
        case=case,
        message=message,
        channel="sms",
        address=case.loan.borrower.phone,
        occurred_at=NOW - dt.timedelta(minutes=1),
    )
    return message


def in_memory(name: str, message: OutboundMessage) -> None:
    """A move on a row the caller holds, as the dispatcher and the recorder make them."""
    batch = MessageBatch()
    {
        "claim": lambda: batch.claim(
            message, now=NOW, to_address="+14155550001", subject="", body="Hi", html_body=""
        ),
        "defer": lambda: batch.defer(
            message, until=NOW + dt.timedelta(hours=9), rule="quiet_hours", detail="night"
        ),
        "cancel": lambda: batch.cancel(message, rule="opted_out", detail="opted out"),
        "fail": lambda: batch.fail(message, code="template", detail="no template"),
        "requeue": lambda: batch.requeue(message, at=NOW, reason="lost", code="20429"),
        "sent": lambda: batch.sent(message, provider="file", provider_id="SM1", sent_at=NOW),
        "sent_after_callback": lambda: batch.sent(
            message, provider="file", provider_id="SM1", sent_at=NOW
        ),
        "unknown": lambda: batch.unknown(message, code="", detail="timeout"),
    }[name]()
    batch.save()


def move(name: str, message: OutboundMessage) -> None:
    if name.startswith("provider_"):
        message_advance(message_id=message.pk, target=MOVES[name].target, provider_id="SM9", at=NOW)
    else:
        in_memory(name, message)


def row(message: OutboundMessage) -> dict:
    fresh = OutboundMessage.objects.get(pk=message.pk)
    values = model_to_dict(fresh)
    values["updated_at"] = fresh.updated_at
    values["ledger"] = list(
        ContactAttempt.objects.filter(message=message).values_list("outcome", "occurred_at")
    )
    return values


def refused(name: str, status: str) -> bool:
    # A worker reports "sent" one way (`MessageBatch.sent`); which of the two moves it makes
    # depends on whether a callback got there first.
    both = ("sent", "sent_after_callback")
    names = both if name in both else (name,)
    return not any(is_allowed(n, status) for n in names)


ALLOWED = [(name, source) for name, m in MOVES.items() for source in m.sources]
REFUSED = [(name, status) for name in MOVES for status in S.values if refused(name, status)]


@pytest.mark.parametrize(("name", "source"), ALLOWED)
def test_every_move_in_the_table_works(name, source) -> None:
    message = message_in(source)
    move(name, message)
    after = row(message)
    assert after["status"] == (MOVES[name].target or source)
    ledger_outcome = after["ledger"][0][0]
    if MOVES[name].releases_reservation:
        assert ledger_outcome == ContactAttempt.Outcome.NOT_SENT
    else:
        assert ledger_outcome == ContactAttempt.Outcome.PENDING
    if MOVES[name].dates_reservation:
        assert after["ledger"][0][1] == NOW


@pytest.mark.parametrize(("name", "status"), REFUSED)
def test_every_move_not_in_the_table_is_refused_and_writes_nothing(name, status) -> None:
    message = message_in(status)
    before = row(message)
    if name.startswith("provider_"):
        _, moved = message_advance(
            message_id=message.pk, target=MOVES[name].target, provider_id="", at=NOW
        )
        assert not moved
    else:
        with pytest.raises(MoveNotAllowed):
            in_memory(name, message)
    assert row(message) == before


@pytest.mark.parametrize("status", S.values)
def test_set_based_cancel_and_requeue_move_only_what_the_table_allows(status) -> None:
    message = message_in(status)
    before = row(message)
    cancelled = messages_cancel(case_id=message.case_id, reason="case paused")
    message.refresh_from_db()
    if is_allowed("cancel", status):
        assert (cancelled, message.status) == (1, S.CANCELLED)
        assert message.error_message == "case paused"
    else:
        assert cancelled == 0 and row(message) == before

    other = message_in(status)
    before = row(other)
    requeued = messages_requeue(
        OutboundMessage.objects.filter(pk=other.pk), reason="lost", delay=dt.timedelta(minutes=5)
    )
    if is_allowed("requeue", status):
        other.refresh_from_db()
        assert (requeued, other.status) == ([other.pk], S.QUEUED)
        assert other.scheduled_at > timezone.now() + dt.timedelta(minutes=4)
        assert row(other)["ledger"][0][0] == ContactAttempt.Outcome.NOT_SENT
    else:
        assert requeued == [] and row(other) == before


def test_a_requeue_leaves_a_claim_a_worker_has_started() -> None:
    message = message_in(S.SENDING)
    OutboundMessage.objects.filter(pk=message.pk).update(send_token="worker-took-it")
    assert messages_requeue(OutboundMessage.objects.filter(pk=message.pk), reason="lost") == []
    assert OutboundMessage.objects.get(pk=message.pk).status == S.SENDING


def test_cancel_for_a_borrower_on_one_channel_leaves_the_others() -> None:
    sms = message_in(S.QUEUED)
    email = OutboundMessage.objects.create(
        case=sms.case,
        borrower=sms.borrower,
        channel="email",
        template_key="reminder-notice",
        scheduled_at=NOW,
        idempotency_key="email-1",
    )
    assert messages_cancel(borrower_id=sms.borrower_id, channel="sms", reason="opted out") == 1
    sms.refresh_from_db()
    email.refresh_from_db()
    assert (sms.status, email.status) == (S.CANCELLED, S.QUEUED)


@pytest.mark.parametrize(("first", "then"), list(itertools.permutations(PROVIDER_TARGETS, 2)))
def test_a_late_provider_event_never_moves_a_message_backwards(first, then) -> None:
    message = message_in(S.SENDING)
    message_advance(message_id=message.pk, target=first, provider_id="SM1", at=NOW)
    message_advance(message_id=message.pk, target=then, provider_id="SM1", at=NOW)
    final = OutboundMessage.objects.get(pk=message.pk).status
    assert final == (then if RANK[then] > RANK[first] else first)


@pytest.mark.parametrize("target", PROVIDER_TARGETS)
def test_a_cancelled_message_is_never_revived_by_a_callback(target) -> None:
    message = message_in(S.CANCELLED)
    _, moved = message_advance(message_id=message.pk, target=target, provider_id="SM1", at=NOW)
    assert not moved
    assert OutboundMessage.objects.get(pk=message.pk).status == S.CANCELLED


def test_provider_moves_are_generated_from_the_ranks() -> None:
    for target in PROVIDER_TARGETS:
        sources = set(MOVES[provider_move_name(target)].sources)
        assert sources == {s for s, rank in RANK.items() if rank < RANK[target]}
        assert S.CANCELLED not in sources
    # Every status is reachable, and only `queued` is where a message starts.
    targets = {m.target for m in MOVES.values() if m.target}
    assert targets | {S.QUEUED} == set(S.values)


def test_a_worker_result_after_a_callback_keeps_the_callbacks_status() -> None:
    message = message_in(S.SENDING)
    message_advance(message_id=message.pk, target=S.DELIVERED, provider_id="", at=NOW)
    message.refresh_from_db()
    in_memory("sent", message)
    message.refresh_from_db()
    assert (message.status, message.provider_id) == (S.DELIVERED, "SM1")
