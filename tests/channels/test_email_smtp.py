"""Email through Django's SMTP backend to a real SMTP server (aiosmtpd) on loopback: the MIME
message as received, and what the server's refusals become."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.test import Client

from collections_app.channels import ChannelError, OutgoingMessage, get_channel
from collections_app.models import ChannelConsent
from collections_app.web.unsubscribe import unsubscribe_url
from tests.channels.outbox import outbox_message
from tests.channels.seam import closed_port_url
from tests.conftest import free_port
from tests.factories import BorrowerFactory, CaseFactory, LoanFactory


class Recorder:
    """aiosmtpd handler: keeps every message, or refuses recipients / data with a set reply."""

    def __init__(self) -> None:
        self.received: list[email.message.EmailMessage] = []
        self.envelopes: list = []
        self.rcpt_reply = ""
        self.data_reply = ""
        self.drop_after_data = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.drop_after_data:
            # The message is in, the "250" never leaves: did it get sent? Nobody knows.
            server.transport.close()
            return "250 OK"
        if self.data_reply:
            return self.data_reply
        self.envelopes.append(envelope)
        self.received.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings) -> Iterator[Recorder]:
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "Collections <collections@example.com>"
    yield recorder
    controller.stop()


@pytest.fixture
def zh_case(db):
    borrower = BorrowerFactory(
        name="王小明", email="wang@example.com", preferred_language="zh-Hans"
    )
    return CaseFactory(loan=LoanFactory(borrower=borrower, currency="CNY"))


def chinese_email(row) -> OutgoingMessage:
    return OutgoingMessage(
        to=row.borrower.email,
        subject="还款提醒：您的账单已逾期",
        body="王小明您好，您的贷款已逾期300.00元。退订请点击邮件底部的链接。",
        html_body="<p>王小明您好，您的贷款已逾期<b>300.00元</b>。</p>",
        language="zh-Hans",
        idempotency_key=row.idempotency_key,
    )


def test_the_received_message_has_both_parts_and_the_unsubscribe_headers(smtp, zh_case) -> None:
    row = outbox_message(zh_case, "email")

    message_id = get_channel("email").send(chinese_email(row))

    (received,) = smtp.received
    assert smtp.envelopes[0].rcpt_tos == ["wang@example.com"]
    assert received["From"] == "Collections <collections@example.com>"
    assert received["To"] == "wang@example.com"
    assert received["Subject"] == "还款提醒：您的账单已逾期"
    assert received["Message-ID"] == message_id
    assert received.get_content_type() == "multipart/alternative"
    text = received.get_body(preferencelist=("plain",))
    html = received.get_body(preferencelist=("html",))
    assert text.get_content_charset() == "utf-8"
    assert "王小明您好，您的贷款已逾期300.00元。" in text.get_content()
    assert "<b>300.00元</b>" in html.get_content()
    # A long header is folded before the link; the unfolded value keeps that space.
    assert received["List-Unsubscribe"].strip() == f"<{unsubscribe_url(zh_case.loan.borrower)}>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_header_link_unsubscribes_with_a_one_click_post(smtp, zh_case) -> None:
    row = outbox_message(zh_case, "email")
    queued = outbox_message(zh_case, "email")
    get_channel("email").send(chinese_email(row))
    link = smtp.received[0]["List-Unsubscribe"].strip().strip("<>")

    # What a mail client does for RFC 8058: POST the body, no cookies, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        urlsplit(link).path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    consent = ChannelConsent.objects.get(borrower=zh_case.loan.borrower, channel="email")
    assert consent.status == ChannelConsent.Status.OPTED_OUT
    queued.refresh_from_db()
    assert queued.status == "cancelled"


def test_headers_given_by_the_renderer_are_kept_not_doubled(smtp, zh_case) -> None:
    row = outbox_message(zh_case, "email")
    given = "<https://collections.example.com/unsubscribe/abc/>, <mailto:stop@example.com>"
    message = chinese_email(row)
    message = OutgoingMessage(**{**message.__dict__, "headers": {"List-Unsubscribe": given}})

    get_channel("email").send(message)

    (received,) = smtp.received
    assert received.get_all("List-Unsubscribe") == [given]
    assert received.get_all("List-Unsubscribe-Post") == ["List-Unsubscribe=One-Click"]


@pytest.mark.parametrize(
    "reply, permanent, code",
    [
        ("550 5.1.1 <wang@example.com>: Recipient address rejected: User unknown", True, "550"),
        ("451 4.7.1 Greylisted, please try again later", False, "451"),
    ],
    ids=["550-hard-bounce", "451-greylisted"],
)
def test_a_recipient_refusal_is_classified_by_its_code(smtp, zh_case, reply, permanent, code):
    smtp.rcpt_reply = reply
    row = outbox_message(zh_case, "email")

    with pytest.raises(ChannelError) as error:
        get_channel("email").send(chinese_email(row))

    assert (error.value.permanent, error.value.unknown, error.value.code) == (
        permanent,
        False,
        code,
    )
    assert smtp.received == []


def test_a_refusal_after_the_data_is_classified_too(smtp, zh_case) -> None:
    smtp.data_reply = "452 4.3.1 Insufficient system storage"
    row = outbox_message(zh_case, "email")
    with pytest.raises(ChannelError) as error:
        get_channel("email").send(chinese_email(row))
    assert (error.value.permanent, error.value.code) == (False, "452")


def test_a_connection_lost_after_the_data_is_unknown(smtp, zh_case) -> None:
    smtp.drop_after_data = True
    row = outbox_message(zh_case, "email")
    with pytest.raises(ChannelError) as error:
        get_channel("email").send(chinese_email(row))
    assert error.value.unknown and not error.value.permanent
    assert error.value.code == "disconnected"


def test_no_mail_server_is_transient_not_unknown(settings, zh_case) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = int(closed_port_url().rsplit(":", 1)[1])
    row = outbox_message(zh_case, "email")
    with pytest.raises(ChannelError) as error:
        get_channel("email").send(chinese_email(row))
    # Nothing was sent: a retry cannot send it twice.
    assert not error.value.permanent and not error.value.unknown
    assert error.value.code == "connect-failed"


def test_a_long_idempotency_key_gives_a_message_id_the_column_holds() -> None:
    from collections_app.channels.email import message_id_for
    from collections_app.models import OutboundMessage

    key = "dispute-verification:case-123456789:dispute-98765:" + "x" * 110  # 160 characters
    found = message_id_for(key)
    limit = OutboundMessage._meta.get_field("provider_id").max_length
    assert len(found) < limit and key not in found
    assert found.split(".")[-1].split("@")[0] == message_id_for(key).split(".")[-1].split("@")[0]
    short = message_id_for("case-7:step-2:2026-12-01")
    assert "case-7:step-2:2026-12-01@" in short
