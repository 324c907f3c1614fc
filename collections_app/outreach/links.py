"""Links we put in messages: where to pay, and how to unsubscribe (signed, no login needed)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing

from collections_app.models import Borrower, Loan

UNSUBSCRIBE_SALT = "unsubscribe"


def payment_url(loan: Loan) -> str:
    return settings.PAYMENT_URL_TEMPLATE.format(loan_id=loan.external_id)


def unsubscribe_token(borrower: Borrower, channel: str = "email") -> str:
    return signing.dumps({"b": borrower.pk, "c": channel}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(borrower id, channel); raises signing.BadSignature for a forged or damaged token."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    return int(data["b"]), str(data["c"])


def unsubscribe_url(borrower: Borrower, channel: str = "email") -> str:
    return f"{settings.PUBLIC_BASE_URL}/unsubscribe/{unsubscribe_token(borrower, channel)}/"
