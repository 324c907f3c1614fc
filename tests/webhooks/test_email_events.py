"""Email events through django-anymail: its webhook URL, its signal, our store and handler."""

import base64
import json

import pytest
from anymail.signals import AnymailTrackingEvent, tracking

from collections_app.models import BadContactPoint, ChannelConsent, WebhookEvent
from tests.webhooks.conftest import ledger_outcome, process_all, sent_message

pytestmark = pytest.mark.django_db
AUTH = "anymail-user:anymail-pass"


@pytest.fixture(autouse=True)
def _anymail_secret(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": AUTH}


@pytest.fixture
def email():
    return sent_message(channel="email", provider_id="<20261129.abc@collections.example.com>")


def postmark(client, record: dict, auth: str = AUTH):
    """Postmark's tracking webhook, through anymail's view under /webhooks/anymail/."""
    headers = {"Authorization": "Basic " + base64.b64encode(auth.encode()).decode()}
    return client.post(
        "/webhooks/anymail/postmark/tracking/",
        data=json.dumps(record),
        content_type="application/json",
        headers=headers,
    )


def test_delivery_reported_by_the_provider_marks_the_email_delivered(client, email) -> None:
    record = {
        "RecordType": "Delivery",
        "ServerID": 23,
        "MessageStream": "outbound",
        "MessageID": email.provider_id,
        "Recipient": email.to_address,
        "Tag": "",
        "DeliveredAt": "2026-11-29T10:00:00Z",
        "Details": "Test delivery webhook details",
        "Metadata": {},
    }
    assert postmark(client, record).status_code == 200
    assert postmark(client, record).status_code == 200  # the provider retries

    assert WebhookEvent.objects.count() == 1
    process_all()
    email.refresh_from_db()
    assert email.status == "delivered" and ledger_outcome(email) == "delivered"


def test_provider_webhook_without_its_basic_auth_is_refused(client, email) -> None:
    record = {"RecordType": "Delivery", "MessageID": email.provider_id, "Recipient": "x@y.z"}
    assert postmark(client, record, auth="someone:else").status_code == 400
    assert not WebhookEvent.objects.exists()


def test_hard_bounce_marks_the_address_unusable(client, email) -> None:
    record = {
        "RecordType": "Bounce",
        "ID": 4323372036854775807,
        "Type": "HardBounce",
        "TypeCode": 1,
        "Name": "Hard bounce",
        "MessageID": email.provider_id,
        "ServerID": 23,
        "Description": "The server was unable to deliver your message (ex: unknown user).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": email.to_address,
        "From": "collections@example.com",
        "BouncedAt": "2026-11-29T10:00:00Z",
        "Inactive": True,
        "CanActivate": True,
        "Subject": "Reminder",
        "Metadata": {},
    }
    assert postmark(client, record).status_code == 200
    process_all()
    point = BadContactPoint.objects.get(borrower=email.borrower)
    assert (point.channel, point.address) == ("email", email.to_address)
    email.refresh_from_db()
    assert email.status == "undelivered" and ledger_outcome(email) == "failed"


@pytest.mark.parametrize("event_type", ["complained", "unsubscribed"])
def test_complaint_or_unsubscribe_opts_the_borrower_out_of_email(email, event_type) -> None:
    event = AnymailTrackingEvent(
        event_type=event_type,
        event_id=f"ev-{event_type}",
        message_id=email.provider_id,
        recipient=email.to_address,
    )
    tracking.send(sender=object, event=event, esp_name="Postmark")
    tracking.send(sender=object, event=event, esp_name="Postmark")

    assert WebhookEvent.objects.count() == 1
    process_all()
    consent = ChannelConsent.objects.get(borrower=email.borrower, channel="email")
    assert (consent.status, consent.source) == ("opted_out", "provider")


def test_event_for_an_unknown_recipient_is_stored_and_ignored(db) -> None:
    event = AnymailTrackingEvent(event_type="bounced", message_id="<x@y>", recipient="nobody@x.y")
    tracking.send(sender=object, event=event, esp_name="Postmark")
    process_all()
    assert "no message or borrower" in WebhookEvent.objects.get().error
    assert not BadContactPoint.objects.exists()


def test_opens_and_clicks_are_not_stored(db) -> None:
    tracking.send(sender=object, event=AnymailTrackingEvent(event_type="opened"), esp_name="X")
    assert not WebhookEvent.objects.exists()
