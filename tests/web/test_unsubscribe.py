"""The email unsubscribe link: a confirm page on GET, the opt-out on POST (ours or RFC 8058's
one-click), and nothing at all for a bad link."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client

from collections_app.models import CaseEvent, ChannelConsent, OutboundMessage
from collections_app.web import unsubscribe
from collections_app.web.unsubscribe import unsubscribe_token, unsubscribe_url
from tests.channels.outbox import outbox_message
from tests.factories import BorrowerFactory, CaseFactory, LoanFactory

ONE_CLICK = "List-Unsubscribe=One-Click"


@pytest.fixture
def case(db):
    borrower = BorrowerFactory(name="Alex Morgan", email="alex@example.com")
    return CaseFactory(loan=LoanFactory(borrower=borrower))


@pytest.fixture
def borrower(case):
    return case.loan.borrower


def path_for(token: str) -> str:
    return f"/unsubscribe/{token}/"


def state(borrower) -> tuple:
    """Everything an opt-out would change."""
    return (
        list(ChannelConsent.objects.filter(borrower=borrower).values()),
        list(OutboundMessage.objects.filter(borrower=borrower).values("pk", "status")),
        ChannelConsent.objects.count(),
        CaseEvent.objects.count(),
    )


def test_the_url_is_absolute_from_the_public_base_url(borrower, settings) -> None:
    settings.PUBLIC_BASE_URL = "https://collections.example.com"
    url = unsubscribe_url(borrower)
    assert url.startswith("https://collections.example.com/unsubscribe/")
    assert signing.loads(url.rsplit("/", 2)[1], salt="unsubscribe") == {
        "b": borrower.pk,
        "c": "email",
    }


def test_get_shows_a_form_and_changes_nothing(borrower) -> None:
    before = state(borrower)
    response = Client().get(urlsplit(unsubscribe_url(borrower)).path)

    assert response.status_code == 200
    assert b'<form method="post"' in response.content
    assert b"alex@example.com" in response.content
    assert state(borrower) == before


def test_post_opts_out_of_email_and_cancels_queued_emails(case, borrower) -> None:
    queued_email = outbox_message(case, "email")
    queued_sms = outbox_message(case, "sms")

    response = Client().post(path_for(unsubscribe_token(borrower)))

    assert response.status_code == 200
    consent = ChannelConsent.objects.get(borrower=borrower, channel="email")
    assert consent.status == ChannelConsent.Status.OPTED_OUT
    assert consent.source == ChannelConsent.Source.BORROWER_REPLY
    assert consent.requested_at is not None
    queued_email.refresh_from_db()
    queued_sms.refresh_from_db()
    assert queued_email.status == OutboundMessage.Status.CANCELLED
    assert queued_sms.status == OutboundMessage.Status.QUEUED  # only email was refused
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CONSENT).count() == 1


def test_one_click_post_works_without_a_csrf_token(borrower) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        path_for(unsubscribe_token(borrower)),
        ONE_CLICK,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    consent = ChannelConsent.objects.get(borrower=borrower, channel="email")
    assert consent.status == ChannelConsent.Status.OPTED_OUT
    assert "one-click" in consent.note


def test_a_second_post_records_nothing_new(case, borrower) -> None:
    client = Client()
    client.post(path_for(unsubscribe_token(borrower)), ONE_CLICK, content_type="text/plain")
    after_first = state(borrower)

    response = client.post(path_for(unsubscribe_token(borrower)))

    assert response.status_code == 200
    assert state(borrower) == after_first


def test_a_chinese_speaking_borrower_gets_the_page_in_chinese(db) -> None:
    borrower = BorrowerFactory(preferred_language="zh-Hans")
    response = Client().get(path_for(unsubscribe_token(borrower)))
    assert 'lang="zh-Hans"' in response.content.decode()
    assert "退订" in response.content.decode()


def tampered(token: str) -> str:
    # Another (real) borrower's id under the original timestamp and signature.
    _payload, rest = token.split(":", 1)
    other = unsubscribe_token(BorrowerFactory())
    return other.split(":", 1)[0] + ":" + rest


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    "bad_token",
    [
        lambda b: tampered(unsubscribe_token(b)),
        lambda b: unsubscribe_token(b)[:-2] + "xx",
        lambda b: signing.dumps({"b": b.pk, "c": "email"}, salt="another-purpose"),
        lambda b: unsubscribe_token(b, channel="sms"),
        lambda b: "not-a-token",
    ],
    ids=["tampered-payload", "tampered-signature", "wrong-salt", "not-email", "garbage"],
)
def test_a_bad_token_is_a_400_and_changes_nothing(case, borrower, method, bad_token) -> None:
    outbox_message(case, "email")
    before = state(borrower)

    response = getattr(Client(), method)(path_for(bad_token(borrower)))

    assert response.status_code == 400
    assert b"not valid" in response.content
    assert state(borrower) == before


def test_an_expired_token_is_a_400(case, borrower, monkeypatch) -> None:
    token = unsubscribe_token(borrower)
    monkeypatch.setattr(unsubscribe, "TOKEN_MAX_AGE", dt.timedelta(seconds=-1))
    before = state(borrower)

    assert Client().post(path_for(token)).status_code == 400
    assert state(borrower) == before
