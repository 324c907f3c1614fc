"""The lender's receivers: created with a generated secret (shown once), rotated, disabled."""

from __future__ import annotations

import datetime as dt
import secrets as secrets_module
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from collections_app.lender.endpoint_urls import endpoint_url_problem
from collections_app.lender.events import KINDS
from collections_app.models import WebhookEndpoint

SECRET_PREFIX = "whsec_"  # noqa: S105  (a prefix that says what the string is, not a secret)


def generate_secret() -> str:
    return SECRET_PREFIX + secrets_module.token_urlsafe(32)


def endpoint_problems(*, url: str, event_kinds: Sequence[str]) -> dict[str, list[str]]:
    """{field: [message]} for a URL or kinds an endpoint may not have."""
    problems: dict[str, list[str]] = {}
    url_problem = endpoint_url_problem(
        url,
        allow_http=settings.LENDER_WEBHOOK_ALLOW_HTTP,
        private_networks=settings.LENDER_WEBHOOK_PRIVATE_NETWORKS,
    )
    if url_problem:
        problems["url"] = [url_problem]
    unknown = sorted(set(event_kinds) - set(KINDS))
    if unknown:
        problems["event_kinds"] = [
            _("Unknown event kind(s): %(kinds)s.") % {"kinds": ", ".join(unknown)}
        ]
    return problems


def webhook_endpoint_create(
    *,
    name: str,
    url: str,
    event_kinds: Sequence[str] = (),
    actor: AbstractBaseUser | None = None,
) -> tuple[WebhookEndpoint, str]:
    """A new active endpoint and its secret: the one time the secret is returned to anyone."""
    problems = endpoint_problems(url=url, event_kinds=event_kinds)
    if problems:
        raise ValidationError(problems)
    secret = generate_secret()
    endpoint = WebhookEndpoint.objects.create(
        name=name,
        url=url.strip(),
        secret=secret,
        event_kinds=sorted(set(event_kinds)),
        created_by=actor,
    )
    return endpoint, secret


def webhook_endpoint_rotate_secret(
    *, endpoint: WebhookEndpoint, now: dt.datetime | None = None
) -> str:
    """A new secret, returned once. The old one keeps signing beside it (a second v1=) for
    LENDER_WEBHOOK_ROTATION_HOURS, so the receiver can switch without losing an event."""
    now = now or timezone.now()
    secret = generate_secret()
    with transaction.atomic():
        current = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        current.previous_secret = current.secret
        current.previous_secret_until = now + dt.timedelta(
            hours=settings.LENDER_WEBHOOK_ROTATION_HOURS
        )
        current.secret, current.secret_created_at = secret, now
        current.save(
            update_fields=[
                "secret",
                "previous_secret",
                "previous_secret_until",
                "secret_created_at",
            ]
        )
    return secret


def webhook_endpoint_end_rotation(*, endpoint: WebhookEndpoint) -> None:
    """The receiver has the new secret: stop signing with the old one now."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        previous_secret="", previous_secret_until=None
    )


def webhook_endpoint_disable(
    *, endpoint: WebhookEndpoint, reason: str, now: dt.datetime | None = None
) -> bool:
    """Stop sending to it (its queued deliveries wait). False if it was disabled already."""
    return bool(
        WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
            is_active=False, disabled_at=now or timezone.now(), disabled_reason=reason[:300]
        )
    )


def webhook_endpoint_enable(*, endpoint: WebhookEndpoint) -> bool:
    """Send to it again, starting with what waited meanwhile. False if it was active."""
    with transaction.atomic():
        enabled = WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=False).update(
            is_active=True,
            disabled_at=None,
            disabled_reason="",
            consecutive_failures=0,
            blocked_until=None,
        )
        if enabled:
            from collections_app.lender.wakeup import wake

            transaction.on_commit(wake, robust=True)
    return bool(enabled)
