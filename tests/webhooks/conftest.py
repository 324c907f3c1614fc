"""Requests shaped like Twilio's and the lender's, signed the way they sign them."""

from __future__ import annotations

import json
import secrets
import time
from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

from collections_app.models import WebhookEvent
from collections_app.webhooks.processing import webhook_process
from collections_app.webhooks.signatures import payments_signature

AUTH_TOKEN = "12345678901234567890123456789012"
PAYMENTS_SECRET = "lender-shared-secret"
ACCOUNT_SID = "AC" + "a" * 32
PUBLIC = "https://collections.example.com"


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.PAYMENTS_WEBHOOK_SECRET = PAYMENTS_SECRET
    # Twilio calls the public https address; the test client talks to Django directly.
    settings.PUBLIC_BASE_URL = PUBLIC
    settings.COMPANY_NAME = "Example Lending"
    return settings


def sid(prefix: str = "SM") -> str:
    return prefix + secrets.token_hex(16)


def sms_status_form(message_sid: str, status: str, **extra: str) -> dict[str, str]:
    """The fields of Twilio's Messages status callback."""
    form = {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "From": "+14155550000",
        "To": "+14152220001",
        "MessageSid": message_sid,
        "MessageStatus": status,
        "SmsSid": message_sid,
        "SmsStatus": status,
        "MessagingServiceSid": "MG" + "b" * 32,
    }
    if status in ("failed", "undelivered"):
        form["ErrorCode"] = extra.pop("ErrorCode", "30003")
    form.update(extra)
    return form


def sms_inbound_form(from_: str, body: str, **extra: str) -> dict[str, str]:
    """The fields of Twilio's incoming message webhook."""
    message_sid = extra.pop("MessageSid", sid())
    form = {
        "ToCountry": "US",
        "ToState": "CA",
        "SmsMessageSid": message_sid,
        "NumMedia": "0",
        "ToCity": "SAN FRANCISCO",
        "FromZip": "94105",
        "SmsSid": message_sid,
        "FromState": "CA",
        "SmsStatus": "received",
        "FromCity": "SAN FRANCISCO",
        "Body": body,
        "FromCountry": "US",
        "To": "+14155550000",
        "ToZip": "94105",
        "NumSegments": "1",
        "MessageSid": message_sid,
        "AccountSid": ACCOUNT_SID,
        "From": from_,
        "ApiVersion": "2010-04-01",
    }
    form.update(extra)
    return form


def call_status_form(call_sid: str, status: str, **extra: str) -> dict[str, str]:
    """The fields of Twilio's call status callback."""
    form = {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "CallSid": call_sid,
        "CallStatus": status,
        "Called": "+14152220001",
        "Caller": "+14155550000",
        "Direction": "outbound-api",
        "From": "+14155550000",
        "To": "+14152220001",
        "Timestamp": "Sun, 29 Nov 2026 10:00:00 +0000",
        "CallbackSource": "call-progress-events",
        "SequenceNumber": "0",
    }
    if status == "completed":
        form.update({"CallDuration": "42", "Duration": "1"})
    form.update(extra)
    return form


def gather_form(call_sid: str, digits: str, **extra: str) -> dict[str, str]:
    """The fields Twilio posts to a <Gather> action."""
    form = {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "CallSid": call_sid,
        "CallStatus": "in-progress",
        "Called": "+14152220001",
        "Caller": "+14155550000",
        "Direction": "outbound-api",
        "From": "+14155550000",
        "To": "+14152220001",
        "Digits": digits,
        "FinishedOnKey": "#" if len(digits) > 1 else "",
        "msg": "Gather End",
    }
    form.update(extra)
    return form


def twilio_signature(path: str, form: dict[str, str], token: str = AUTH_TOKEN) -> str:
    return RequestValidator(token).compute_signature(PUBLIC + path, form)


def post_twilio(client, path: str, form: dict[str, str], query: dict | None = None, **kw):
    """POST `form` to `path` signed over the exact public URL Twilio would have called."""
    full = path + (f"?{urlencode(query)}" if query else "")
    signature = kw.pop("signature", None)
    if signature is None:
        signature = twilio_signature(full, form, kw.pop("token", AUTH_TOKEN))
    headers = {"X-Twilio-Signature": signature} if signature else {}
    return client.post(
        full,
        data=urlencode(form),
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )


def payment_body(payment_id: str, loan_id: str, amount: str = "100.00", **extra) -> bytes:
    data = {
        "type": "payment.received",
        "payment_id": payment_id,
        "loan_id": loan_id,
        "amount": amount,
        "currency": "USD",
        "received_at": "2026-11-29T09:30:00+00:00",
    }
    data.update(extra)
    return json.dumps(data).encode()


def post_payment(
    client,
    body: bytes,
    *,
    secret: str = PAYMENTS_SECRET,
    at: int | None = None,
    header: str | None = None,
):
    timestamp = str(int(time.time()) if at is None else at)
    if header is None:
        header = f"t={timestamp},v1={payments_signature(secret, timestamp, body)}"
    headers = {"X-Signature": header} if header else {}
    return client.post(
        "/webhooks/payments/", data=body, content_type="application/json", headers=headers
    )


def process_all() -> list:
    """What the worker does: process every stored, unprocessed event, oldest first."""
    ids = WebhookEvent.objects.filter(processed_at__isnull=True).order_by("pk")
    return [webhook_process(event_id=pk) for pk in list(ids.values_list("pk", flat=True))]


def sent_message(case=None, channel: str = "sms", status: str = "sent", provider_id: str = ""):
    """An outbox message the sender handed to Twilio, with its pending ledger row."""
    import datetime as dt

    from django.utils import timezone

    from collections_app.models import ContactAttempt, OutboundMessage
    from collections_app.outreach.outbox import outbox_enqueue
    from tests.factories import CaseFactory

    case = case or CaseFactory()
    borrower = case.loan.borrower
    message, _ = outbox_enqueue(
        case=case,
        channel=channel,
        template_key="reminder-notice",
        step=f"test:{secrets.token_hex(4)}",
        scheduled_at=timezone.now() - dt.timedelta(minutes=1),
    )
    address = borrower.email if channel == "email" else borrower.phone
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=status,
        provider_id=provider_id,
        to_address=address,
        sent_at=timezone.now() if status == "sent" else None,
    )
    ContactAttempt.objects.create(
        borrower=borrower,
        case=case,
        message=message,
        channel=channel,
        address=address,
        occurred_at=timezone.now(),
    )
    message.refresh_from_db()
    return message


def ledger_outcome(message) -> str:
    from collections_app.models import ContactAttempt

    return ContactAttempt.objects.get(message=message).outcome
