"""Only Twilio may call our Twilio endpoints: every request carries `X-Twilio-Signature`, an
HMAC of the URL Twilio called and the POST fields, keyed with the account's auth token."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from twilio.request_validator import RequestValidator

logger = logging.getLogger(__name__)


def public_url(request: HttpRequest) -> str:
    """The URL as Twilio called it: behind a TLS proxy the host and scheme we see differ."""
    return settings.PUBLIC_BASE_URL + request.get_full_path()


def twilio_request_is_signed(request: HttpRequest) -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    # No token configured: nothing can be verified, so nothing is accepted.
    if not signature or not settings.TWILIO_AUTH_TOKEN:
        return False
    validator = RequestValidator(settings.TWILIO_AUTH_TOKEN)
    return validator.validate(public_url(request), request.POST, signature)


def twilio_signed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """403 before the view runs when the signature is missing or wrong."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not twilio_request_is_signed(request):
            logger.warning("Twilio request with a missing or wrong signature: %s", request.path)
            return HttpResponseForbidden("invalid signature")
        return view(request, *args, **kwargs)

    return wrapper
