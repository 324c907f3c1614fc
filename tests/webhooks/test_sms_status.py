"""SMS status callbacks: stored before the answer, applied by the worker, forward only, once."""

import pytest

from collections_app.models import BadContactPoint, ChannelConsent, OutboundMessage, WebhookEvent
from tests.webhooks.conftest import (
    ledger_outcome,
    post_twilio,
    process_all,
    sent_message,
    sid,
    sms_status_form,
)

PATH = "/webhooks/twilio/sms/status/"
pytestmark = pytest.mark.django_db


def callback(client, message, status: str, **extra):
    form = sms_status_form(message.provider_id or extra.pop("MessageSid"), status, **extra)
    return post_twilio(client, PATH, form, query={"m": message.pk})


def test_delivered_callback_is_stored_then_applied_by_the_worker(client) -> None:
    message = sent_message(provider_id=sid())

    response = callback(client, message, "delivered")

    assert response.status_code == 204
    event = WebhookEvent.objects.get()
    assert (event.provider, event.kind, event.processed_at) == ("twilio", "sms.status", None)
    assert event.payload["form"]["MessageStatus"] == "delivered"
    message.refresh_from_db()
    assert message.status == "sent"  # nothing applied in the request itself

    process_all()
    message.refresh_from_db()
    event.refresh_from_db()
    assert message.status == "delivered" and message.delivered_at is not None
    assert ledger_outcome(message) == "delivered"
    assert event.processed_at is not None and event.error == ""


def test_the_same_callback_twice_is_one_row_and_one_effect(client) -> None:
    message = sent_message(provider_id=sid())

    first = callback(client, message, "delivered")
    second = callback(client, message, "delivered")

    assert first.status_code == second.status_code == 204
    assert WebhookEvent.objects.count() == 1
    process_all()
    assert process_all() == []


def test_a_late_sent_after_delivered_stays_delivered(client) -> None:
    message = sent_message(provider_id=sid())
    for status in ("delivered", "sent", "queued", "failed"):
        callback(client, message, status)

    process_all()

    message.refresh_from_db()
    assert message.status == "delivered"
    assert ledger_outcome(message) == "delivered"
    assert WebhookEvent.objects.count() == 4


def test_statuses_in_order_move_step_by_step(client) -> None:
    message = sent_message(provider_id=sid())
    callback(client, message, "sent")
    process_all()
    message.refresh_from_db()
    assert message.status == "sent" and ledger_outcome(message) == "pending"

    callback(client, message, "undelivered", ErrorCode="30003")
    process_all()
    message.refresh_from_db()
    assert message.status == "undelivered" and message.error_code == "30003"
    assert ledger_outcome(message) == "failed"


def test_callback_before_the_sender_wrote_the_sid_is_matched_by_the_url_id(client) -> None:
    # given: the sender has not recorded Twilio's answer yet (no SID on the row, still sending)
    message = sent_message(status="sending")
    twilio_sid = sid()

    callback(client, message, "delivered", MessageSid=twilio_sid)
    (outcome,) = process_all()

    # then: applied at once, and the SID learned (the sender's later write keeps it delivered:
    # tests/outreach/test_dispatch.py)
    assert outcome.done and not outcome.retry
    message.refresh_from_db()
    assert message.status == "delivered" and message.provider_id == twilio_sid


def test_callback_without_our_id_is_matched_by_the_sid(client) -> None:
    message = sent_message(provider_id=sid())
    post_twilio(client, PATH, sms_status_form(message.provider_id, "failed", ErrorCode="30008"))
    process_all()
    message.refresh_from_db()
    assert message.status == "failed"


def test_unknown_sid_is_stored_answered_and_marked_not_a_500(client) -> None:
    response = post_twilio(client, PATH, sms_status_form(sid(), "delivered"))

    assert response.status_code == 204
    process_all()
    event = WebhookEvent.objects.get()
    assert event.processed_at is not None
    assert "unknown message" in event.error


def test_unknown_status_value_is_stored_and_changes_nothing(client) -> None:
    message = sent_message(provider_id=sid())
    assert callback(client, message, "partially_delivered").status_code == 204
    process_all()
    message.refresh_from_db()
    assert message.status == "sent"
    assert WebhookEvent.objects.get().processed_at is not None


def test_a_delivery_report_after_the_sweeper_released_the_reservation_counts_again(client):
    # given: the sweeper found no trace at the provider, requeued the message and released its
    # reservation (not_sent: it no longer counts towards the caps)...
    from collections_app.models import ContactAttempt

    message = sent_message(provider_id=sid(), status="queued")
    ContactAttempt.objects.filter(message=message).update(outcome=ContactAttempt.Outcome.NOT_SENT)

    # when: ...and then the provider reports it delivered after all
    callback(client, message, "delivered")
    process_all()

    # then: it did reach the borrower, so the contact counts again
    message.refresh_from_db()
    assert message.status == "delivered"
    assert ledger_outcome(message) == "delivered"


def test_cancelled_message_is_not_revived(client) -> None:
    message = sent_message(provider_id=sid(), status="cancelled")
    callback(client, message, "delivered")
    process_all()
    message.refresh_from_db()
    assert message.status == "cancelled"


def test_carrier_opt_out_error_records_an_sms_opt_out(client) -> None:
    message = sent_message(provider_id=sid())
    callback(client, message, "failed", ErrorCode="21610")
    process_all()
    consent = ChannelConsent.objects.get(borrower=message.borrower, channel="sms")
    assert consent.status == "opted_out" and consent.source == "provider"


def test_unreachable_number_error_marks_the_number_unusable(client) -> None:
    message = sent_message(provider_id=sid())
    callback(client, message, "undelivered", ErrorCode="30006")
    process_all()
    point = BadContactPoint.objects.get(borrower=message.borrower)
    assert (point.channel, point.address, point.code) == ("sms", message.to_address, "30006")


def test_a_message_found_by_sid_stays_in_its_outbox(client) -> None:
    message = sent_message(provider_id=sid())
    other = sent_message(provider_id=sid())
    post_twilio(client, PATH, sms_status_form(other.provider_id, "delivered"))
    process_all()
    assert OutboundMessage.objects.get(pk=message.pk).status == "sent"
    assert OutboundMessage.objects.get(pk=other.pk).status == "delivered"
