"""`check --deploy` refuses to pass without the webhook secrets."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError


def test_deploy_check_fails_without_the_twilio_token(settings) -> None:
    settings.TWILIO_AUTH_TOKEN = ""
    settings.PAYMENTS_WEBHOOK_SECRET = "s"
    settings.ANYMAIL = {"WEBHOOK_SECRET": "u:p"}
    with pytest.raises(SystemCheckError, match="TWILIO_AUTH_TOKEN"):
        call_command("check", "--deploy", verbosity=0)


def test_deploy_check_fails_without_the_payments_or_email_secret(settings) -> None:
    settings.TWILIO_AUTH_TOKEN = "t"
    settings.PAYMENTS_WEBHOOK_SECRET = ""
    settings.ANYMAIL = {"WEBHOOK_SECRET": None}
    with pytest.raises(SystemCheckError) as raised:
        call_command("check", "--deploy", verbosity=0)
    assert "PAYMENTS_WEBHOOK_SECRET" in str(raised.value)
    assert "ANYMAIL_WEBHOOK_SECRET" in str(raised.value)


def test_plain_check_does_not_need_the_secrets(settings) -> None:
    settings.TWILIO_AUTH_TOKEN = ""
    settings.PAYMENTS_WEBHOOK_SECRET = ""
    call_command("check", verbosity=0)
