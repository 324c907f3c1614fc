"""Which URLs and addresses a lender endpoint may have. Pure: no ORM, no network.

https, always in production. Plain http only to this machine's loopback (a receiver in a test or
on a developer's laptop), and only when LENDER_WEBHOOK_ALLOW_HTTP is on: signed events still
carry borrowers' facts, and an http URL to anywhere else would send them in the clear.

Addresses: only public ones, unless their network is listed in LENDER_WEBHOOK_PRIVATE_NETWORKS
(a lender whose core lives on a private network or VPN lists it there). Whoever may configure an
endpoint must not be able to make the workers POST into our own network (the cloud's metadata
service at 169.254.169.254, an admin port on 10.x): a URL naming such an address is refused when
it is saved, and lender/http.py checks the address it actually connected to, after DNS, on every
try (a name that resolves to a private address today is refused as well).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from urllib.parse import urlsplit

from django.utils.translation import gettext as _


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def address_refusal(
    address: str, *, allow_loopback: bool, private_networks: Sequence[str] = ()
) -> str | None:
    """Why the workers may not connect to `address` (an IP), or None. Public addresses are fine;
    loopback only when `allow_loopback` (LENDER_WEBHOOK_ALLOW_HTTP: tests, a laptop); any other
    non-public address (private, link-local, shared, reserved) only inside `private_networks`."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone id is not the address
    except ValueError:
        return _("%(address)s is not an IP address.") % {"address": address}
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback and allow_loopback:
        return None
    for network in private_networks:
        try:
            if ip in ipaddress.ip_network(network, strict=False):
                return None
        except ValueError:
            continue  # a malformed entry allows nothing (the system check reports it)
    if ip.is_global and not ip.is_multicast:
        return None
    return _(
        "%(address)s is not a public address: events are not sent into private networks. If the "
        "lender's system lives there, add its network to LENDER_WEBHOOK_PRIVATE_NETWORKS."
    ) % {"address": str(ip)}


def endpoint_url_problem(
    url: str, *, allow_http: bool, private_networks: Sequence[str] = ()
) -> str | None:
    """What is wrong with `url` as an endpoint, in words that say how to fix it; None if fine.
    A host that is an IP address is checked here (address_refusal); a name, when it resolves,
    on every try (lender/http.py)."""
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
        return _literal_address_refusal(host, allow_http, private_networks)
    if parts.scheme == "http":
        if not allow_http:
            return _("Use https://: events are only sent over TLS.")
        if not is_loopback(host):
            return _("Plain http:// is only allowed to this machine (127.0.0.1, ::1, localhost).")
        return None
    return _("Use https://: events are only sent over TLS.")


def _literal_address_refusal(
    host: str, allow_loopback: bool, private_networks: Sequence[str]
) -> str | None:
    if host.lower() == "localhost":
        host = "127.0.0.1"
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None  # a name: its addresses are checked when the worker connects
    return address_refusal(host, allow_loopback=allow_loopback, private_networks=private_networks)
