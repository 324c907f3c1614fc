"""The body we POST and its signature: exactly the scheme we verify on the lender's payment
webhook (webhooks/signatures.py), so the lender can use one verifier both ways.

    X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">[,v1=<with the old secret>]

During a rotation the old secret signs too (a second v1=): a receiver still on the old one, and
one already on the new, both verify.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from collections_app.webhooks.signatures import payments_signature


def envelope(*, event_id: str, kind: str, occurred_at: dt.datetime, data: Any) -> bytes:
    """`{"id", "type", "occurred_at", "data"}` as compact JSON: the same bytes on every try."""
    body = {"id": event_id, "type": kind, "occurred_at": occurred_at, "data": data}
    return json.dumps(
        body, cls=DjangoJSONEncoder, separators=(",", ":"), sort_keys=True, ensure_ascii=False
    ).encode()


def signature_header(*, secrets: Sequence[str], timestamp: int, body: bytes) -> str:
    signatures = [f"v1={payments_signature(s, str(timestamp), body)}" for s in secrets if s]
    return ",".join([f"t={timestamp}", *signatures])


def signing_secrets(
    *, secret: str, previous: str, previous_until: dt.datetime | None, now: dt.datetime
) -> list[str]:
    """The current secret, and the old one while the rotation lasts."""
    rotating = bool(previous) and previous_until is not None and now < previous_until
    return [secret, previous] if rotating else [secret]
