"""`manage.py check --deploy` says so when events to the lender may leave in the clear."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register
from django.utils.translation import gettext as _


@register(deploy=True)
def lender_webhooks_over_tls(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not settings.LENDER_WEBHOOK_ALLOW_HTTP:
        return []
    return [
        Warning(
            _(
                "LENDER_WEBHOOK_ALLOW_HTTP is on: lender endpoints on this machine's loopback may "
                "be plain http."
            ),
            hint=_("Leave it off in production unless the receiver is a local sidecar."),
            id="collections.W601",
        )
    ]


@register()
def lender_private_networks_parse(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A malformed entry would allow nothing and leave a lender on a VPN wondering why."""
    import ipaddress

    from django.core.checks import Error

    bad = []
    for network in settings.LENDER_WEBHOOK_PRIVATE_NETWORKS:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            bad.append(network)
    if not bad:
        return []
    return [
        Error(
            _("LENDER_WEBHOOK_PRIVATE_NETWORKS has entries that are not networks: %(bad)s")
            % {"bad": ", ".join(bad)},
            hint=_("Comma-separated CIDRs, e.g. 10.20.0.0/16,fd00:1::/64."),
            id="collections.E602",
        )
    ]
