"""Posting what the provider and the lender would post, signed, to the real webhook endpoints.

Django's test Client runs the real URL routing, views, signature checks and intake in-process
(no sockets: fast enough for thousands of callbacks a simulated day). The stored events are then
processed by the real processing code (`webhooks_drain`).
"""

from __future__ import annotations

import base64
import json
import time
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client
from twilio.request_validator import RequestValidator

from collections_app.webhooks.processing import webhooks_drain
from collections_app.webhooks.signatures import payments_signature


class WebhookPoster:
    def __init__(self) -> None:
        # The host the provider calls: it is in ALLOWED_HOSTS where the engine is deployed.
        public = urlsplit(settings.PUBLIC_BASE_URL)
        self.client = Client(HTTP_HOST=public.netloc, secure=public.scheme == "https")
        self.validator = RequestValidator(settings.TWILIO_AUTH_TOKEN)
        self.refused = 0  # answers other than 2xx: must stay 0

    def _twilio(self, path: str, form: dict[str, str]) -> None:
        # Twilio signs the public URL it called, with the query string.
        signature = self.validator.compute_signature(settings.PUBLIC_BASE_URL + path, form)
        response = self.client.post(path, form, headers={"X-Twilio-Signature": signature})
        if response.status_code >= 300:
            self.refused += 1

    def sms_status(self, message_id: int, sid: str, status: str, error_code: str = "") -> None:
        form = {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC" + "0" * 32}
        if error_code:
            form["ErrorCode"] = error_code
        self._twilio(f"/webhooks/twilio/sms/status/?m={message_id}", form)

    def voice_status(self, message_id: int, sid: str, status: str, answered_by: str = "") -> None:
        form = {"CallSid": sid, "CallStatus": status, "AccountSid": "AC" + "0" * 32}
        if answered_by:
            form["AnsweredBy"] = answered_by
        self._twilio(f"/webhooks/twilio/voice/status/?m={message_id}", form)

    def sms_inbound(self, sid: str, from_phone: str, body: str) -> None:
        form = {
            "MessageSid": sid,
            "From": from_phone,
            "To": settings.TWILIO_FROM_NUMBER or settings.COMPANY_CALLBACK_NUMBER,
            "Body": body,
            "AccountSid": "AC" + "0" * 32,
        }
        self._twilio("/webhooks/twilio/sms/inbound/", form)

    def email_delivered(self, message_id: int, provider_id: str, to: str, at: str) -> None:
        """The email provider's delivery event (Postmark's shape, through anymail's view)."""
        record = {
            "RecordType": "Delivery",
            "ServerID": 1,
            "MessageStream": "outbound",
            "MessageID": provider_id,
            "Recipient": to,
            "Tag": "",
            "DeliveredAt": at,
            "Details": "simulated",
            "Metadata": {"m": str(message_id)},
        }
        auth = base64.b64encode(settings.ANYMAIL["WEBHOOK_SECRET"].encode()).decode()
        response = self.client.post(
            "/webhooks/anymail/postmark/tracking/",
            json.dumps(record),
            content_type="application/json",
            headers={"Authorization": f"Basic {auth}"},
        )
        if response.status_code >= 300:
            self.refused += 1

    def payment(
        self, *, payment_id: str, loan_id: str, amount: Decimal, currency: str, received_at: str
    ) -> bool:
        body = json.dumps(
            {
                "type": "payment.received",
                "payment_id": payment_id,
                "loan_id": loan_id,
                "amount": str(amount),
                "currency": currency,
                "received_at": received_at,
            }
        ).encode()
        # Real time, not simulated: the endpoint refuses signatures older than 5 minutes.
        timestamp = str(int(time.time()))
        signature = payments_signature(settings.PAYMENTS_WEBHOOK_SECRET, timestamp, body)
        response = self.client.post(
            "/webhooks/payments/",
            body,
            content_type="application/json",
            headers={"X-Signature": f"t={timestamp},v1={signature}"},
        )
        if response.status_code != 200:
            self.refused += 1
            return False
        return True

    def process(self) -> int:
        """Process every stored event now, with the real handlers (what the worker does)."""
        done = 0
        while True:
            result = webhooks_drain(limit=5000, retries=True)
            done += result.processed
            if result.processed == 0:
                return done
