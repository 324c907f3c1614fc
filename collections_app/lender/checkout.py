"""Signed links to the lender's checkout: the scheme both sides implement. Pure.

A link is `LENDER_CHECKOUT_URL` with the query parameters `ref` (our link reference), `loan`
(the lender's loan id), `case` (our case id), `amount` (two decimals), `currency`, `expires`
(Unix seconds, UTC) and `sig`: the hex HMAC-SHA256, keyed with `LENDER_CHECKOUT_SECRET`, of

    v1\\n<ref>\\n<loan>\\n<case>\\n<amount>\\n<currency>\\n<expires>

The lender's checkout recomputes it, compares in constant time, refuses an expired link, and
takes the card on its own page; no card data ever reaches this system. The payment then comes
back as any payment does (the API or the payments webhook), and `ref` lets the lender quote
which link it was paid through.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

VERSION = "v1"
FIELDS = ("ref", "loan", "case", "amount", "currency", "expires")


@dataclass(frozen=True)
class CheckoutLink:
    ref: str
    loan: str
    case: int
    amount: Decimal
    currency: str
    expires_at: dt.datetime

    def params(self) -> dict[str, str]:
        return {
            "ref": self.ref,
            "loan": self.loan,
            "case": str(self.case),
            "amount": str(Decimal(self.amount).quantize(Decimal("0.01"))),
            "currency": self.currency,
            "expires": str(int(self.expires_at.timestamp())),
        }


def _signed_text(params: Mapping[str, str]) -> bytes:
    return "\n".join([VERSION, *(params[f] for f in FIELDS)]).encode()


def checkout_signature(params: Mapping[str, str], secret: str) -> str:
    return hmac.new(secret.encode(), _signed_text(params), hashlib.sha256).hexdigest()


def checkout_url(base_url: str, link: CheckoutLink, secret: str) -> str:
    """The link to send: the checkout's own query kept, ours added, then the signature."""
    params = link.params()
    parts = urlsplit(base_url)
    query = [*parse_qsl(parts.query), *params.items(), ("sig", checkout_signature(params, secret))]
    return urlunsplit(parts._replace(query=urlencode(query)))


def checkout_verify(url: str, secret: str, *, now: dt.datetime) -> dict[str, str] | None:
    """What the lender's checkout does: the link's parameters when its signature is right and
    it has not expired, else None."""
    query = dict(parse_qsl(urlsplit(url).query))
    if any(f not in query for f in (*FIELDS, "sig")):
        return None
    expected = checkout_signature(query, secret)
    if not hmac.compare_digest(expected, query["sig"]):
        return None
    try:
        expires = int(query["expires"])
    except ValueError:
        return None
    if now.timestamp() > expires:
        return None
    return {f: query[f] for f in FIELDS}
