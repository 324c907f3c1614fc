"""The sweeper checks the provider before anything is sent again."""

import datetime as dt

import pytest
from django.utils import timezone

from collections_app.channels import get_channel
from collections_app.channels.twilio_sms import LOOKUP_LIMIT
from collections_app.models import DeliveryAttempt, OutboundMessage
from collections_app.outreach.dispatch import dispatch_batch
from collections_app.outreach.sender import _take, outgoing
from collections_app.outreach.sweeper import sweep_outbox
from tests.channels.conftest import point_twilio_at
from tests.channels.seam import Answer, SeamHTTPServer
from tests.outreach.conftest import enqueue, make_case

pytestmark = pytest.mark.django_db


def age(message: OutboundMessage, seconds: int) -> None:
    """Make the claim (and the send attempt, if one started) `seconds` old."""
    then = timezone.now() - dt.timedelta(seconds=seconds)
    OutboundMessage.objects.filter(pk=message.pk).update(claimed_at=then)
    DeliveryAttempt.objects.filter(message=message).update(started_at=then)


def test_a_claim_whose_send_task_was_lost_is_requeued(daytime_zone, settings) -> None:
    message = enqueue(make_case(daytime_zone))
    dispatch_batch()
    age(message, settings.OUTBOX_CLAIM_TTL + 5)
    assert sweep_outbox().requeued == 1
    message.refresh_from_db()
    assert message.status == "queued"


def _die_mid_send(message: OutboundMessage, reached_provider: bool) -> None:
    """What a SIGKILL leaves: the attempt is on record; the request did or did not arrive."""
    [claimed], _ = _take([message.pk], timezone.now())
    if reached_provider:
        get_channel("sms").send(outgoing(claimed))


def test_a_send_that_reached_the_provider_is_found_and_recorded_not_resent(
    daytime_zone, settings, _file_provider
) -> None:
    message = enqueue(make_case(daytime_zone))
    dispatch_batch()
    _die_mid_send(message, reached_provider=True)
    age(message, settings.OUTBOX_SENDING_TIMEOUT + 5)

    result = sweep_outbox()

    assert result.found_sent == 1
    message.refresh_from_db()
    assert message.status == "sent"
    assert message.provider_id.startswith("file-")
    assert len((_file_provider / "sms.jsonl").read_text().splitlines()) == 1
    assert DeliveryAttempt.objects.get(message=message).outcome == "sent"


def test_a_send_that_never_arrived_is_queued_again(daytime_zone, settings, _file_provider) -> None:
    message = enqueue(make_case(daytime_zone))
    dispatch_batch()
    _die_mid_send(message, reached_provider=False)
    age(message, settings.OUTBOX_SENDING_TIMEOUT + 5)

    assert sweep_outbox().not_found == 1

    message.refresh_from_db()
    assert message.status == "queued"
    OutboundMessage.objects.filter(pk=message.pk).update(scheduled_at=timezone.now())
    from collections_app.outreach.sender import send_claimed

    assert send_claimed(dispatch_batch().allowed).sent == 1
    assert len((_file_provider / "sms.jsonl").read_text().splitlines()) == 1


def test_an_interrupted_email_is_unknown_because_smtp_cannot_be_asked(
    daytime_zone, settings
) -> None:
    message = enqueue(make_case(daytime_zone), channel="email")
    dispatch_batch()
    _take([message.pk], timezone.now())
    age(message, settings.OUTBOX_SENDING_TIMEOUT + 5)
    assert sweep_outbox().unknown == 1
    message.refresh_from_db()
    assert message.status == "unknown"


@pytest.fixture
def twilio_seam(settings):
    """Twilio's API answered by a local server the test scripts."""
    server = SeamHTTPServer().start()
    point_twilio_at(settings, server.url)
    yield server
    server.stop()


def test_an_interrupted_sms_twilio_cannot_settle_is_unknown_not_resent(
    daytime_zone, settings, twilio_seam
) -> None:
    message = enqueue(make_case(daytime_zone))
    dispatch_batch()
    _take([message.pk], timezone.now())
    age(message, settings.OUTBOX_SENDING_TIMEOUT + 5)
    # The borrower's number has a full page of older messages: ours could lie past it.
    created = "Sat, 01 Jan 2022 09:00:00 +0000"
    older = {"sid": "SM" + "e" * 32, "body": "Older", "date_created": created}
    twilio_seam.answer = Answer(body={"messages": [older] * LOOKUP_LIMIT, "next_page_uri": None})

    assert sweep_outbox().unknown == 1

    message.refresh_from_db()
    assert message.status == "unknown"
    assert [r.method for r in twilio_seam.received] == ["GET"]  # asked, never resent
    assert sweep_outbox().unknown == 0  # settled: a person decides now


def test_a_fresh_send_in_progress_is_left_alone(daytime_zone) -> None:
    message = enqueue(make_case(daytime_zone))
    dispatch_batch()
    _take([message.pk], timezone.now())
    assert sweep_outbox() == type(sweep_outbox())()
    message.refresh_from_db()
    assert message.status == "sending"


def test_a_row_taken_by_a_worker_while_the_sweeper_looks_is_not_requeued(daytime_zone, settings):
    """The sweeper re-checks under the row lock: a claim a worker has just taken stays taken."""
    from collections_app.services.messages import messages_requeue

    message = enqueue(make_case(daytime_zone))
    dispatch_batch()
    age(message, settings.OUTBOX_CLAIM_TTL + 5)
    stale = OutboundMessage.objects.filter(pk=message.pk)  # what the sweeper selected
    OutboundMessage.objects.filter(pk=message.pk).update(send_token="worker-took-it")
    assert messages_requeue(stale, reason="lost") == []
    message.refresh_from_db()
    assert (message.status, message.send_token) == ("sending", "worker-took-it")


def test_a_late_result_from_a_worker_the_sweeper_took_over_is_ignored(
    daytime_zone, settings, _file_provider
) -> None:
    from collections_app.outreach.results import SendOutcome, record_outcomes

    message = enqueue(make_case(daytime_zone))
    dispatch_batch()
    [claimed], _ = _take([message.pk], timezone.now())
    age(message, settings.OUTBOX_SENDING_TIMEOUT + 5)
    sweep_outbox()  # not found at the provider: requeued
    counts = record_outcomes([SendOutcome(claimed, timezone.now(), provider_id="late")])
    assert counts["superseded"] == 1
    message.refresh_from_db()
    assert (message.status, message.provider_id) == ("queued", "")


def test_no_request_starts_after_the_batch_deadline(daytime_zone, settings, _file_provider):
    from collections_app.outreach import sender

    message = enqueue(make_case(daytime_zone))
    ids = dispatch_batch().allowed
    settings.OUTBOX_SENDING_TIMEOUT = 0  # the deadline is already behind us
    original = sender.send_deadline_seconds
    sender.send_deadline_seconds = lambda: -1.0
    try:
        summary = sender.send_claimed(ids)
    finally:
        sender.send_deadline_seconds = original
    assert summary.sent == 0
    message.refresh_from_db()
    assert (message.status, message.sent_at) == ("queued", None)
    assert not (_file_provider / "sms.jsonl").exists()
