"""No input a provider or a stranger can send gives a 5xx; a malformed one changes nothing."""

import json
import os
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collections_app.models import CaseEvent, ChannelConsent, OutboundMessage, WebhookEvent
from collections_app.webhooks.signatures import payments_signature
from tests.webhooks.conftest import PAYMENTS_SECRET, post_payment, post_twilio, process_all

pytestmark = pytest.mark.django_db
FUZZ = settings(
    # FUZZ_EXAMPLES=2000 for a longer hunt; the suite keeps it short.
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TWILIO_FIELDS = [
    "MessageSid",
    "SmsSid",
    "MessageStatus",
    "SmsStatus",
    "ErrorCode",
    "From",
    "To",
    "Body",
    "NumMedia",
    "AccountSid",
    "ApiVersion",
    "CallSid",
    "CallStatus",
    "AnsweredBy",
    "Digits",
]
# Values near the valid ones (real-looking SIDs and statuses) and far from them.
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "SM" + "a" * 32,
            "CA" + "b" * 32,
            "delivered",
            "completed",
            "machine_start",
            "1",
            "",
            "-1",
            "SM",
            "\x00",
            "STOP",
            "退订",
            "+14152220001",
            "9" * 30,
            "human",
            "in-progress",
        ]
    ),
)
FORMS = st.dictionaries(st.sampled_from(TWILIO_FIELDS) | st.text(max_size=10), VALUES, max_size=8)
QUERIES = st.dictionaries(
    st.sampled_from(["m", "message", "step", "amount", "days"]),
    st.sampled_from(["1", "0", "-1", "abc", "9" * 40, "menu", "confirm", "", "\uff11"]),
    max_size=3,
)
PATHS = st.sampled_from(
    [
        "/webhooks/twilio/sms/status/",
        "/webhooks/twilio/sms/inbound/",
        "/webhooks/twilio/voice/status/",
        "/webhooks/twilio/voice/gather/",
    ]
)


def _state() -> tuple:
    return (
        WebhookEvent.objects.count(),
        CaseEvent.objects.count(),
        ChannelConsent.objects.count(),
        list(OutboundMessage.objects.values_list("status", flat=True)),
    )


@FUZZ
@given(path=PATHS, form=FORMS, query=QUERIES)
def test_signed_twilio_requests_of_any_shape_never_give_a_5xx(client, path, form, query) -> None:
    before = _state()
    response = post_twilio(client, path, form, query=query)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert _state() == before
    process_all()  # whatever was stored, processing records it without raising


@FUZZ
@given(
    path=PATHS | st.just("/webhooks/payments/"),
    body=st.binary(max_size=300),
    content_type=st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "application/json",
            "multipart/form-data",
            "multipart/form-data; boundary=xx",
            "text/plain",
            "",
        ]
    ),
    signature=st.text(max_size=60),
)
def test_unsigned_or_garbled_requests_are_refused_without_a_5xx(
    client, path, body, content_type, signature
) -> None:
    before = _state()
    response = client.post(
        path,
        data=body,
        content_type=content_type,
        headers={"X-Twilio-Signature": signature, "X-Signature": signature},
    )
    assert response.status_code < 500
    assert response.status_code >= 400
    assert _state() == before


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
PAYMENT_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["payment.received", "refund", "", "payment.received "])
        | JSON_VALUES,
        "id": st.text(max_size=10) | JSON_VALUES,
        "payment_id": st.text(max_size=70) | JSON_VALUES,
        "loan_id": st.sampled_from(["L000001", "nope"]) | JSON_VALUES,
        "amount": st.sampled_from(["10.00", "-1", "1e9999", "0.001", "NaN", "\u0661\u0660"])
        | JSON_VALUES,
        "currency": st.sampled_from(["USD", "usd", "XXXX"]) | JSON_VALUES,
        "received_at": st.sampled_from(["2026-11-29T10:00:00Z", "2026-02-30T10:00:00Z", "now"])
        | JSON_VALUES,
    },
)


@FUZZ
@given(data=PAYMENT_FIELDS | JSON_VALUES)
def test_signed_payment_bodies_of_any_shape_never_give_a_5xx(client, data) -> None:
    before = _state()
    body = json.dumps(data).encode()
    timestamp = str(int(time.time()))
    header = f"t={timestamp},v1={payments_signature(PAYMENTS_SECRET, timestamp, body)}"
    response = post_payment(client, body, header=header)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert _state() == before
    process_all()
