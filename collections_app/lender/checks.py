"""`manage.py check --deploy` says so when events to the lender may leave in the clear."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register


@register(deploy=True)
def lender_webhooks_over_tls(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not settings.LENDER_WEBHOOK_ALLOW_HTTP:
        return []
    return [
        Warning(
            "LENDER_WEBHOOK_ALLOW_HTTP is on: lender endpoints on this machine's loopback may "
            "be plain http.",
            hint="Leave it off in production unless the receiver is a local sidecar.",
            id="collections.W601",
        )
    ]
