"""The whole automated path: the nightly run queues outreach, the dispatcher gates and renders
it with the shipped templates, and the provider receives it."""

import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from collections_app.models import OutboundMessage
from collections_app.outreach.dispatch import dispatch_batch
from collections_app.outreach.sender import send_claimed
from collections_app.simulation.clock import SimClock, simulated_time
from tests.outreach.conftest import make_case

pytestmark = pytest.mark.django_db


def test_the_nightly_run_queues_messages_the_dispatcher_can_render_and_send(
    _file_provider, mailoutbox
) -> None:
    cases = [make_case("America/New_York") for _ in range(3)]
    call_command("run_escalation", date=timezone.localdate().isoformat())
    queued = list(OutboundMessage.objects.filter(case__in=cases, status="queued"))
    assert queued, "the default policy queues a first reminder"

    # dispatch and send as of each message's own slot (the step's preferred local hour), on a
    # clock set there: the send takes the claim by the time it reads, and with the real clock a
    # run hours after the slot found its own claim stale (the test failed by time of day)
    for message in queued:
        with simulated_time(SimClock(message.scheduled_at)):
            result = dispatch_batch(now=message.scheduled_at, ids=[message.pk])
            assert (result.failed, result.cancelled) == (0, 0), message.error_message
            assert send_claimed(result.allowed).sent == 1

    by_channel = {c: [m for m in queued if m.channel == c] for c in ("sms", "voice", "email")}
    sms_file = _file_provider / "sms.jsonl"
    sms_lines = (
        [json.loads(x) for x in sms_file.read_text().splitlines()] if sms_file.exists() else []
    )
    assert len(sms_lines) == len(by_channel["sms"])
    assert all(line["body"].endswith("Reply STOP to opt out.") for line in sms_lines)
    assert len(mailoutbox) == len(by_channel["email"])
    assert all("List-Unsubscribe" in mail.extra_headers for mail in mailoutbox)
    assert OutboundMessage.objects.filter(case__in=cases, status="sent").count() == len(queued)
