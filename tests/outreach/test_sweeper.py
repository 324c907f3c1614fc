"""The sweeper checks the provider before anything is sent again."""

import datetime as dt

import pytest
from django.utils import timezone

from collections_app.channels import get_channel
from collections_app.models import DeliveryAttempt, OutboundMessage
from collections_app.outreach.dispatch import dispatch_batch
from collections_app.outreach.sender import _take, outgoing
from collections_app.outreach.sweeper import sweep_outbox
from tests.outreach.conftest import enqueue, make_case

pytestmark = pytest.mark.django_db


def age(message: OutboundMessage, seconds: int) -> None:
    OutboundMessage.objects.filter(pk=message.pk).update(
        claimed_at=timezone.now() - dt.timedelta(seconds=seconds)
    )


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


def test_a_fresh_send_in_progress_is_left_alone(daytime_zone) -> None:
    message = enqueue(make_case(daytime_zone))
    dispatch_batch()
    _take([message.pk], timezone.now())
    assert sweep_outbox() == type(sweep_outbox())()
    message.refresh_from_db()
    assert message.status == "sending"
