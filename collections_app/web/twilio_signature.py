"""Only Twilio may call our Twilio endpoints: a view decorator over the one signature check in
webhooks/signatures.py (X-Twilio-Signature over the public URL and the POST fields)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden

from collections_app.webhooks.signatures import twilio_request_valid

logger = logging.getLogger(__name__)


def twilio_signed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """403 before the view runs when the signature is missing or wrong."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not twilio_request_valid(request):
            logger.warning("Twilio request with a missing or wrong signature: %s", request.path)
            return HttpResponseForbidden("invalid signature")
        return view(request, *args, **kwargs)

    return wrapper
