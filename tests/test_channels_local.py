import json

import pytest

from collections_app.channels import OutgoingMessage, get_channel


def test_file_provider_appends_one_json_line_per_message(settings, tmp_path) -> None:
    settings.SMS_PROVIDER = "file"
    settings.PROVIDER_OUTBOX_DIR = tmp_path
    channel = get_channel("sms")

    first = channel.send(OutgoingMessage(to="+14155550100", body="您好", idempotency_key="k1"))
    second = channel.send(OutgoingMessage(to="+14155550101", body="Hello", idempotency_key="k2"))

    lines = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert [line["provider_id"] for line in lines] == [first, second]
    assert lines[0]["body"] == "您好"
    assert lines[1]["to"] == "+14155550101"


def test_unknown_provider_is_a_clear_error(settings) -> None:
    settings.VOICE_PROVIDER = "carrier-pigeon"
    with pytest.raises(ValueError, match="Unknown voice provider 'carrier-pigeon'"):
        get_channel("voice")


def test_email_goes_through_the_django_backend_with_both_parts(db, settings, mailoutbox) -> None:
    message_id = get_channel("email").send(
        OutgoingMessage(
            to="borrower@example.com",
            subject="Your payment",
            body="Please pay",
            html_body="<p>Please pay</p>",
            idempotency_key="case1-step2",
        )
    )
    (sent,) = mailoutbox
    assert sent.to == ["borrower@example.com"]
    assert sent.extra_headers["Message-ID"] == message_id
    assert sent.alternatives[0][1] == "text/html"
