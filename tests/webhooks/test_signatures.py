"""Who may call: Twilio's signature over the public URL, the lender's HMAC with a timestamp."""

import time

import pytest

from collections_app.models import WebhookEvent
from collections_app.webhooks.signatures import payments_request_valid, payments_signature
from tests.factories import LoanFactory
from tests.webhooks.conftest import (
    PAYMENTS_SECRET,
    payment_body,
    post_payment,
    post_twilio,
    sid,
    sms_inbound_form,
    sms_status_form,
    twilio_signature,
)

pytestmark = pytest.mark.django_db

TWILIO_PATHS = [
    ("/webhooks/twilio/sms/status/", lambda: sms_status_form(sid(), "delivered")),
    ("/webhooks/twilio/sms/inbound/", lambda: sms_inbound_form("+14155550123", "hello")),
    ("/webhooks/twilio/voice/status/", lambda: {"CallSid": sid("CA"), "CallStatus": "ringing"}),
    ("/webhooks/twilio/voice/gather/", lambda: {"CallSid": sid("CA"), "Digits": "2"}),
]


@pytest.mark.parametrize(("path", "make_form"), TWILIO_PATHS)
def test_twilio_request_without_a_signature_is_refused_and_nothing_stored(
    client, path, make_form
) -> None:
    response = post_twilio(client, path, make_form(), signature="")
    assert response.status_code == 403
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize(("path", "make_form"), TWILIO_PATHS)
def test_twilio_request_signed_with_another_token_is_refused(client, path, make_form) -> None:
    response = post_twilio(client, path, make_form(), token="forged-token-0000000000000000000")
    assert response.status_code == 403
    assert not WebhookEvent.objects.exists()


def test_signature_of_other_fields_is_refused(client) -> None:
    # A captured signature replayed with a changed status.
    form = sms_status_form(sid(), "sent")
    signature = twilio_signature("/webhooks/twilio/sms/status/", form)
    response = post_twilio(
        client,
        "/webhooks/twilio/sms/status/",
        {**form, "MessageStatus": "delivered"},
        signature=signature,
    )
    assert response.status_code == 403


def test_signature_over_another_message_id_in_the_url_is_refused(client) -> None:
    form = sms_status_form(sid(), "delivered")
    signature = twilio_signature("/webhooks/twilio/sms/status/?m=1", form)
    response = post_twilio(
        client, "/webhooks/twilio/sms/status/", form, query={"m": 2}, signature=signature
    )
    assert response.status_code == 403


def test_signature_is_checked_against_the_public_url_behind_a_tls_proxy(client, settings) -> None:
    # Django sees http://testserver/...; Twilio signed https://collections.example.com/...
    form = sms_status_form(sid(), "delivered")
    assert post_twilio(client, "/webhooks/twilio/sms/status/", form).status_code == 204
    settings.PUBLIC_BASE_URL = "https://elsewhere.example.com"
    form = sms_status_form(sid(), "delivered")
    assert post_twilio(client, "/webhooks/twilio/sms/status/", form).status_code == 403


def test_no_auth_token_configured_refuses_everything(client, settings) -> None:
    settings.TWILIO_AUTH_TOKEN = ""
    form = sms_status_form(sid(), "delivered")
    response = post_twilio(client, "/webhooks/twilio/sms/status/", form, signature="anything")
    assert response.status_code == 403


def test_get_is_not_allowed(client) -> None:
    assert client.get("/webhooks/twilio/sms/status/").status_code == 405


# --- payments ------------------------------------------------------------------------------


def test_payment_with_a_good_signature_is_accepted(client) -> None:
    loan = LoanFactory()
    assert post_payment(client, payment_body("P1", loan.external_id)).status_code == 200
    assert WebhookEvent.objects.filter(dedupe_key="payment:P1").exists()


@pytest.mark.parametrize(
    "header",
    [
        "",
        "t=1,v1=00",
        "v1=" + "0" * 64,
        "t=abc,v1=" + "0" * 64,
        "t=,v1=",
        "garbage",
        "t=١٢٣,v1=ü",
    ],
)
def test_payment_with_a_missing_or_malformed_signature_is_refused(client, header) -> None:
    loan = LoanFactory()
    response = post_payment(client, payment_body("P1", loan.external_id), header=header)
    assert response.status_code == 403
    assert not WebhookEvent.objects.exists()


def test_payment_signed_with_another_secret_is_refused(client) -> None:
    loan = LoanFactory()
    response = post_payment(client, payment_body("P1", loan.external_id), secret="not-the-secret")
    assert response.status_code == 403


def test_replayed_payment_older_than_five_minutes_is_refused(client) -> None:
    loan = LoanFactory()
    body = payment_body("P1", loan.external_id)
    response = post_payment(client, body, at=int(time.time()) - 301)
    assert response.status_code == 403
    assert post_payment(client, body, at=int(time.time()) + 301).status_code == 403
    assert not WebhookEvent.objects.exists()


def test_signature_covers_the_body_not_just_the_timestamp(client) -> None:
    loan = LoanFactory()
    timestamp = str(int(time.time()))
    signed = payments_signature(PAYMENTS_SECRET, timestamp, payment_body("P1", loan.external_id))
    tampered = payment_body("P1", loan.external_id, amount="9999.00")
    response = post_payment(client, tampered, header=f"t={timestamp},v1={signed}")
    assert response.status_code == 403


def test_payments_signature_accepts_any_of_several_v1_during_key_rotation() -> None:
    body, now = b"{}", 1_800_000_000
    good = payments_signature("s", str(now), body)
    assert payments_request_valid(f"t={now},v1={'0' * 64},v1={good}", body, "s", now=now)
    assert not payments_request_valid(f"t={now},v1={good}", body, "", now=now)
    assert not payments_request_valid(f"t={now},v1={good}", body, "s", now=now + 301)
