"""What we sign is what our own inbound verifier accepts (webhooks/signatures.py), also during a
secret rotation, and the body is the same bytes on every try."""

import datetime as dt
import time

from collections_app.lender.signing import envelope, signature_header, signing_secrets
from collections_app.webhooks.signatures import payments_request_valid

NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


def test_the_signature_verifies_with_our_inbound_verifier() -> None:
    body = envelope(event_id="e-1", kind="promise.created", occurred_at=NOW, data={"a": "1.00"})
    stamp = int(time.time())
    header = signature_header(secrets=["whsec_new"], timestamp=stamp, body=body)
    assert payments_request_valid(header, body, "whsec_new")
    assert not payments_request_valid(header, body, "whsec_other")
    assert not payments_request_valid(header, body + b" ", "whsec_new")  # the bytes, exactly


def test_during_a_rotation_both_secrets_verify_and_afterwards_only_the_new() -> None:
    body = b'{"id":"e-1"}'
    stamp = int(time.time())
    rotating = signing_secrets(
        secret="whsec_new",
        previous="whsec_old",
        previous_until=NOW + dt.timedelta(hours=1),
        now=NOW,
    )
    header = signature_header(secrets=rotating, timestamp=stamp, body=body)
    assert header.count("v1=") == 2
    assert payments_request_valid(header, body, "whsec_old")
    assert payments_request_valid(header, body, "whsec_new")
    after = signing_secrets(secret="whsec_new", previous="whsec_old", previous_until=NOW, now=NOW)
    header = signature_header(secrets=after, timestamp=stamp, body=body)
    assert not payments_request_valid(header, body, "whsec_old")
    assert payments_request_valid(header, body, "whsec_new")


def test_the_envelope_is_stable_compact_json_with_decimals_as_strings() -> None:
    from decimal import Decimal

    one = envelope(event_id="e-1", kind="payment.recorded", occurred_at=NOW,
                   data={"amount": Decimal("10.50"), "b": 1})  # fmt: skip
    two = envelope(event_id="e-1", kind="payment.recorded", occurred_at=NOW,
                   data={"b": 1, "amount": Decimal("10.50")})  # fmt: skip
    assert one == two
    assert one == (
        b'{"data":{"amount":"10.50","b":1},"id":"e-1","occurred_at":"2026-03-02T12:00:00Z",'
        b'"type":"payment.recorded"}'
    )


def test_the_deploy_check_warns_when_http_endpoints_are_allowed(settings) -> None:
    from django.core.checks import run_checks

    settings.LENDER_WEBHOOK_ALLOW_HTTP = True
    assert "collections.W601" in {m.id for m in run_checks(include_deployment_checks=True)}
    settings.LENDER_WEBHOOK_ALLOW_HTTP = False
    assert "collections.W601" not in {m.id for m in run_checks(include_deployment_checks=True)}
