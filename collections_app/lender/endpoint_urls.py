"""Which URLs a lender endpoint may have. Pure: no ORM, no network.

https, always in production. Plain http only to this machine's loopback (a receiver in a test or
on a developer's laptop), and only when LENDER_WEBHOOK_ALLOW_HTTP is on: signed events still
carry borrowers' facts, and an http URL to anywhere else would send them in the clear.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.utils.translation import gettext as _


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def endpoint_url_problem(url: str, *, allow_http: bool) -> str | None:
    """What is wrong with `url` as an endpoint, in words that say how to fix it; None if fine."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        return _("Enter a valid URL.")
    if not host:
        return _("Enter a full URL, starting with https://.")
    if parts.fragment:
        return _("Leave out the #fragment: it is never sent to the receiver.")
    if parts.scheme == "https":
        return None
    if parts.scheme == "http":
        if not allow_http:
            return _("Use https://: events are only sent over TLS.")
        if not is_loopback(host):
            return _("Plain http:// is only allowed to this machine (127.0.0.1, ::1, localhost).")
        return None
    return _("Use https://: events are only sent over TLS.")
