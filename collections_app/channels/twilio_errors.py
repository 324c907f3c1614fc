"""Twilio failures as ChannelError: permanent, transient, or unknown (may have been sent).

Used around every Twilio call, sync or async:

    with twilio_errors():
        sid = client.messages.create(...).sid
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import aiohttp
import requests
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.response import Response
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from collections_app.channels import address_codes
from collections_app.channels.base import ChannelError

# Twilio refuses this message for this number whatever we retry (the number is invalid, opted
# out, cannot be routed to): permanent. What each says about the number: address_codes.verdict.
PERMANENT_SEND_CODES = frozenset({21211, 21408, 21610, 21612, 21614})
TOO_MANY_REQUESTS = 20429
# Nothing was sent because our side is not set up (no sender number, no answer URL): a retry
# after the settings are fixed will send it, and the borrower's address is not to blame.
NOT_CONFIGURED = "not-configured"


def not_configured(problem: str) -> ChannelError:
    return ChannelError(f"Twilio channel not configured: {problem}", code=NOT_CONFIGURED)


def from_twilio_response(exc: TwilioRestException | TwilioServiceException) -> ChannelError:
    """An error answer from Twilio: the request arrived and Twilio said no."""
    status = int(exc.status or 0)
    code = int(exc.code) if str(exc.code or "").isdigit() else 0
    text = getattr(exc, "msg", "") or getattr(exc, "title", "") or ""
    label = code or status
    if code in PERMANENT_SEND_CODES:
        return ChannelError(
            f"Twilio {code}: {address_codes.describe(str(code))} ({text})",
            permanent=True,
            code=str(code),
        )
    if code == TOO_MANY_REQUESTS or status == 429 or status >= 500:
        return ChannelError(f"Twilio HTTP {status} ({label}): {text}", code=str(label))
    # Any other 4xx (a bad parameter, 422 from the contract mock, bad credentials): sending the
    # same request again gets the same answer.
    return ChannelError(f"Twilio HTTP {status} ({label}): {text}", permanent=True, code=str(label))


def from_page_error(exc: TwilioException) -> ChannelError | None:
    """Reading a list page raises a bare TwilioException carrying the HTTP response."""
    response = exc.args[1] if len(exc.args) > 1 else None
    if not isinstance(response, Response):
        return None
    try:
        body = json.loads(response.text)
    except ValueError:
        body = {}
    code = body.get("code") if isinstance(body, dict) else None
    message = body.get("message", "") if isinstance(body, dict) else ""
    return from_twilio_response(
        TwilioRestException(response.status_code, "", message, code or response.status_code)
    )


# Short codes for failures below HTTP; they fit OutboundMessage.error_code (20 characters).
CONNECT_TIMEOUT = "connect-timeout"
CONNECT_FAILED = "connect-failed"
READ_TIMEOUT = "read-timeout"
DISCONNECTED = "disconnected"


def _transport_code(exc: BaseException) -> str:
    """Which of the four it was; the first two mean the request never left."""
    if isinstance(exc, requests.RequestException):
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        # Refused, DNS, or a failed TLS handshake: nothing of the request was written. (urllib3's
        # NewConnectionError subclasses ConnectTimeoutError, so it is tested first.)
        if isinstance(exc, requests.exceptions.SSLError) or isinstance(reason, NewConnectionError):
            return CONNECT_FAILED
        if isinstance(exc, requests.ConnectTimeout) or isinstance(reason, ConnectTimeoutError):
            return CONNECT_TIMEOUT
        return READ_TIMEOUT if isinstance(exc, requests.ReadTimeout) else DISCONNECTED
    # aiohttp's ConnectionTimeoutError is also a TimeoutError: test it before read timeouts.
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return CONNECT_TIMEOUT
    if isinstance(exc, aiohttp.ClientConnectorError):
        return CONNECT_FAILED
    return READ_TIMEOUT if isinstance(exc, TimeoutError) else DISCONNECTED


def from_transport(exc: BaseException) -> ChannelError:
    """A failure below HTTP (requests or aiohttp): did the request leave, or not?"""
    code = _transport_code(exc)
    detail = f"{type(exc).__name__}: {exc}"
    if code in (CONNECT_TIMEOUT, CONNECT_FAILED):
        return ChannelError(f"Twilio not reached ({detail})", code=code)
    # A read timeout, or a connection reset or closed after the request was written.
    return ChannelError(f"Twilio may have the request ({detail})", unknown=True, code=code)


@contextmanager
def twilio_errors() -> Iterator[None]:
    """Turn what the SDK and its HTTP libraries raise into ChannelError."""
    try:
        yield
    except (TwilioRestException, TwilioServiceException) as exc:
        raise from_twilio_response(exc) from exc
    except TwilioException as exc:
        error = from_page_error(exc)
        if error is None:
            raise
        raise error from exc
    except (TimeoutError, requests.RequestException, aiohttp.ClientError, OSError) as exc:
        raise from_transport(exc) from exc
