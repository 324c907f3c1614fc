"""Who sent a request: Twilio's X-Twilio-Signature, and the lender's X-Signature."""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.http import HttpRequest
from twilio.request_validator import RequestValidator

# The lender signs `timestamp + "." + body`; older than this (or this far in the future) is a
# replay, whatever the signature says.
PAYMENTS_TOLERANCE_SECONDS = 300


def twilio_request_valid(request: HttpRequest) -> bool:
    """True when the request carries Twilio's signature over the URL Twilio called.

    Behind a TLS proxy Django sees http://internal-host/...; Twilio signed the public https URL,
    so the URL is rebuilt from PUBLIC_BASE_URL and the path with its query string.
    """
    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    url = settings.PUBLIC_BASE_URL + request.get_full_path()
    try:
        # The QueryDict itself: Twilio signs every value of every field, sorted by name.
        return RequestValidator(token).validate(url, request.POST, signature)
    except ValueError:  # a URL urllib cannot parse (a bad port) was not signed by Twilio
        return False


def payments_signature(secret: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of `timestamp.body`: what the lender puts after `v1=`."""
    signed = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def payments_request_valid(header: str, body: bytes, secret: str, now: float | None = None) -> bool:
    """Check `X-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]` (several v1 during a key rotation)."""
    if not secret or not header:
        return False
    timestamp, candidates = "", []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            timestamp = value
        elif key == "v1":
            candidates.append(value)
    if not (timestamp.isascii() and timestamp.isdigit()) or not candidates or len(timestamp) > 12:
        return False
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > PAYMENTS_TOLERANCE_SECONDS:
        return False
    expected = payments_signature(secret, timestamp, body).encode()
    # Bytes: compare_digest refuses str with non-ASCII characters (a forged header may have some).
    return any(
        hmac.compare_digest(expected, candidate.encode("utf-8", "replace"))
        for candidate in candidates
    )
