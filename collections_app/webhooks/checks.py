"""`manage.py check --deploy` fails without the secrets that authenticate webhooks: without them
every callback would be refused (403), or, worse, a forged one could not be told apart."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.utils.translation import gettext as _


@register(deploy=True)
def webhook_secrets_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    if not settings.TWILIO_AUTH_TOKEN:
        errors.append(
            Error(
                _("TWILIO_AUTH_TOKEN is empty: Twilio webhooks cannot be verified."),
                hint=_("Set TWILIO_AUTH_TOKEN to the account's auth token."),
                id="collections.E501",
            )
        )
    if not settings.PAYMENTS_WEBHOOK_SECRET:
        errors.append(
            Error(
                _(
                    "PAYMENTS_WEBHOOK_SECRET is empty: the lender's payment webhooks cannot be "
                    "verified."
                ),
                hint=_("Set PAYMENTS_WEBHOOK_SECRET to the secret shared with the lender."),
                id="collections.E502",
            )
        )
    if not (getattr(settings, "ANYMAIL", None) or {}).get("WEBHOOK_SECRET"):
        errors.append(
            Error(
                _(
                    "ANYMAIL_WEBHOOK_SECRET is empty: anyone could post email bounces and "
                    "unsubscribes to /webhooks/anymail/."
                ),
                hint=_(
                    "Set ANYMAIL_WEBHOOK_SECRET to the user:password configured at the email "
                    "provider."
                ),
                id="collections.E503",
            )
        )
    return errors
