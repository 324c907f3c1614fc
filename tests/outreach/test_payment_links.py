"""Taking a payment over the phone: a signed link to the lender's checkout, sent through the
outbox and the compliance gate (held at quiet hours), on the timeline; explained, not offered,
when no checkout is configured."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from collections_app.lender.checkout import (
    CheckoutLink,
    checkout_signature,
    checkout_url,
    checkout_verify,
)
from collections_app.models import CaseEvent, OutboundMessage
from collections_app.models.settlements import PaymentLink
from collections_app.services.payment_links import payment_link_send
from tests.factories import make_user
from tests.outreach.conftest import make_case

SECRET = "checkout-test-secret"
BASE = "https://checkout.lender.example/pay?brand=acme"
NOW = dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def checkout(settings):
    settings.LENDER_CHECKOUT_URL = BASE
    settings.LENDER_CHECKOUT_SECRET = SECRET
    return settings


def _link(**kw) -> CheckoutLink:
    values = {
        "ref": "abc123",
        "loan": "L000042",
        "case": 7,
        "amount": Decimal("125.5"),
        "currency": "USD",
        "expires_at": NOW + dt.timedelta(hours=48),
    } | kw
    return CheckoutLink(**values)


def test_the_link_signature_verifies_and_carries_the_amount() -> None:
    url = checkout_url(BASE, _link(), SECRET)

    verified = checkout_verify(url, SECRET, now=NOW)

    assert verified == {
        "ref": "abc123",
        "loan": "L000042",
        "case": "7",
        "amount": "125.50",
        "currency": "USD",
        "expires": str(int((NOW + dt.timedelta(hours=48)).timestamp())),
    }
    assert "brand=acme" in url  # the checkout's own query is kept


def test_the_documented_scheme_is_hmac_sha256_of_the_fields_in_order() -> None:
    import hashlib
    import hmac

    params = _link().params()
    text = "v1\nabc123\nL000042\n7\n125.50\nUSD\n" + params["expires"]
    assert checkout_signature(params, SECRET) == (
        hmac.new(SECRET.encode(), text.encode(), hashlib.sha256).hexdigest()
    )


@pytest.mark.parametrize(
    ("change", "value"), [("amount", "1.00"), ("loan", "L000043"), ("currency", "CNY")]
)
def test_a_tampered_link_fails(change: str, value: str) -> None:
    url = checkout_url(BASE, _link(), SECRET)
    original = dict(_link().params())[change]
    tampered = url.replace(f"{change}={original}", f"{change}={value}")
    assert tampered != url
    assert checkout_verify(tampered, SECRET, now=NOW) is None


def test_an_expired_link_or_another_secret_fails() -> None:
    url = checkout_url(BASE, _link(), SECRET)
    assert checkout_verify(url, SECRET, now=NOW + dt.timedelta(hours=49)) is None
    assert checkout_verify(url, "another-secret", now=NOW) is None


@pytest.mark.django_db
def test_a_link_sent_in_the_day_goes_through_the_gate_with_the_signed_url(
    client, checkout, daytime_zone
) -> None:
    agent = make_user("agent-link", "agent")
    client.force_login(agent)
    case = make_case(daytime_zone)
    url = reverse("admin:collections_app_collectioncase_payment_link", args=[case.pk])
    assert 'name="amount"' in client.get(url).content.decode()

    page = client.post(url, {"amount": "120.00", "channel": "sms"}, follow=True)

    assert "Payment link is being sent by SMS" in page.content.decode()
    link = PaymentLink.objects.get(case=case)
    message = link.message
    assert (message.status, message.template_key, message.created_by) == (
        OutboundMessage.Status.SENDING,
        "payment-link",
        agent,
    )
    assert link.url in message.body and "USD 120.00" in message.body
    assert checkout_verify(link.url, SECRET, now=timezone.now())["amount"] == "120.00"
    # the gate decided and recorded it, as for any message
    assert message.decisions.filter(allowed=True).exists()
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.PAYMENT_LINK)
    assert event.actor == agent and "120.00 USD" in event.reason
    assert link.url not in event.reason  # the timeline has the reference, not the bearer link


@pytest.mark.django_db
def test_a_link_at_quiet_hours_is_held_by_the_gate(client, checkout, nighttime_zone) -> None:
    client.force_login(make_user("agent-link", "agent"))
    case = make_case(nighttime_zone)
    url = reverse("admin:collections_app_collectioncase_payment_link", args=[case.pk])

    page = client.post(url, {"amount": "50.00", "channel": "sms"}, follow=True)

    assert "Payment link held by the quiet_hours rule" in page.content.decode()
    message = PaymentLink.objects.get(case=case).message
    assert message.status == OutboundMessage.Status.QUEUED and message.body == ""
    assert message.scheduled_at > timezone.now()


@pytest.mark.django_db
def test_without_a_checkout_the_button_says_it_is_not_configured(client, daytime_zone) -> None:
    client.force_login(make_user("agent-link", "agent"))
    case = make_case(daytime_zone)
    change = reverse("admin:collections_app_collectioncase_change", args=[case.pk])
    url = reverse("admin:collections_app_collectioncase_payment_link", args=[case.pk])

    assert "Payment link (not configured)" in client.get(change).content.decode()
    page = client.post(url, {"amount": "50.00", "channel": "sms"})

    text = page.content.decode()
    assert "LENDER_CHECKOUT_URL and LENDER_CHECKOUT_SECRET" in text
    assert not PaymentLink.objects.exists() and not OutboundMessage.objects.exists()


@pytest.mark.django_db
def test_more_than_is_owed_is_refused_and_nothing_is_written(checkout, daytime_zone) -> None:
    case = make_case(daytime_zone)
    with pytest.raises(ValidationError, match="more than is owed"):
        payment_link_send(
            case=case, amount=Decimal("5000.00"), channel="sms", actor=make_user("a", "agent")
        )
    assert not PaymentLink.objects.exists() and not OutboundMessage.objects.exists()


@pytest.mark.django_db
def test_the_payment_link_template_never_goes_without_a_link(daytime_zone) -> None:
    from collections_app.outreach.dispatch import dispatch_batch
    from tests.outreach.conftest import enqueue

    case = make_case(daytime_zone)
    message = enqueue(case, key="payment-link")  # picked by hand in "Send now", say

    dispatch_batch(ids=[message.pk])

    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.FAILED
    assert "no payment link" in message.error_message


@pytest.mark.django_db
def test_legal_may_not_send_links(client, checkout, daytime_zone) -> None:
    client.force_login(make_user("legal-1", "legal"))
    case = make_case(daytime_zone)
    url = reverse("admin:collections_app_collectioncase_payment_link", args=[case.pk])
    assert client.get(url).status_code == 403
