"""Right-party verification secrets: what the lender tells us of a borrower's date of birth and
ID number, kept only as keyed digests (HMAC-SHA256, keyed from SECRET_KEY with a purpose of its
own), so a copy of the database does not hold them and one digest says nothing about another.

The borrower's external id is part of what is hashed: two borrowers born the same day have
different digests. A digest made under a key in SECRET_KEY_FALLBACKS still verifies after a
key rotation; the lender's next upsert of the borrower stores it under the new key.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

_PURPOSE = "collections_app.lender.verification."
DATE_OF_BIRTH = "date_of_birth"
ID_DIGITS = "id_last_digits"


def _digest(what: str, external_id: str, value: str, secret: str | bytes | None = None) -> str:
    # \x1f (unit separator) cannot appear in either part: no two inputs give the same text.
    return salted_hmac(
        _PURPOSE + what, f"{external_id}\x1f{value}", secret=secret, algorithm="sha256"
    ).hexdigest()


def date_of_birth_digest(external_id: str, date_of_birth: dt.date | None) -> str:
    """The stored form of a date of birth ("" for none)."""
    return _digest(DATE_OF_BIRTH, external_id, date_of_birth.isoformat()) if date_of_birth else ""


def id_digits_digest(external_id: str, digits: str) -> str:
    """The stored form of the ID's last digits ("" for none)."""
    return _digest(ID_DIGITS, external_id, digits.strip().upper()) if digits else ""


def _matches(stored: str, what: str, external_id: str, value: str) -> bool:
    if not stored:
        return False
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    # Every key is tried whatever the first one said: the time taken does not tell which.
    results = [constant_time_compare(stored, _digest(what, external_id, value, s)) for s in secrets]
    return any(results)


def digests_verify(
    *,
    external_id: str,
    date_of_birth_digest: str,
    id_digits_digest: str,
    date_of_birth: dt.date | None = None,
    id_last_digits: str | None = None,
) -> bool:
    """True when something was offered and everything offered matches what is stored."""
    checks = []
    if date_of_birth is not None:
        checks.append(
            _matches(date_of_birth_digest, DATE_OF_BIRTH, external_id, date_of_birth.isoformat())
        )
    if id_last_digits:
        checks.append(
            _matches(id_digits_digest, ID_DIGITS, external_id, id_last_digits.strip().upper())
        )
    return bool(checks) and all(checks)
