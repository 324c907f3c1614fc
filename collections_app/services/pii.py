"""Borrowers' phone and email: masked unless the viewer may see them, and every unmasked view
logged (who, whose, which fields, where, when). The one way anything shows an address.

Where an address can be:
- a field that *is* one (a message's `to_address`, a ledger entry's `address`, a hold's work
  phone): `mask_address`;
- free text that may *quote* one (a provider's error, a gate decision's detail, a borrower's
  reply, a note): `mask_text`, which masks every E.164 number and email address in it, and the
  known addresses of the borrower concerned in any spelling (415-555-0187);
- stored payloads (a webhook as the provider sent it, an event's data): `mask_data`.
(The masking itself is pure, in collections_app/masking.py; use it from here.)

The rule: lists and exports are masked for everyone; one record's page (a case with its
timeline, a borrower, a message, a stored webhook...) shows the unmasked values only to a viewer
with `view_pii`, and that view writes one `PiiAccessLog` row per borrower whose data it showed
(`pii_reveal`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from collections_app.masking import (
    addresses_in,
    mask_address,
    mask_data,
    mask_email,
    mask_phone,
    mask_text,
)
from collections_app.models import Borrower, CollectionCase, PiiAccessLog

VIEW_PII = "collections_app.view_pii"
__all__ = [
    "VIEW_PII",
    "addresses_in",
    "borrower_contact_for",
    "borrowers_with",
    "can_view_pii",
    "mask_address",
    "mask_data",
    "mask_email",
    "mask_phone",
    "mask_text",
    "pii_reveal",
]


def borrowers_with(addresses: Iterable[str]) -> list[Borrower]:
    """The borrowers whose current phone or email is one of `addresses`."""
    addresses = [a for a in addresses if a]
    if not addresses:
        return []
    emails = {a for a in addresses if "@" in a} | {a.lower() for a in addresses if "@" in a}
    phones = {a for a in addresses if "@" not in a}
    return list(Borrower.objects.filter(Q(phone__in=phones) | Q(email__in=emails))[:20])


def can_view_pii(user: AbstractBaseUser) -> bool:
    return user.has_perm(VIEW_PII)


def pii_reveal(
    *,
    user: AbstractBaseUser,
    borrower: Borrower | None,
    fields: Iterable[str],
    case: CollectionCase | None = None,
    path: str = "",
) -> PiiAccessLog | None:
    """Record that `user` was shown `fields` unmasked; the only writer of PiiAccessLog.

    `borrower` is None for an address we cannot tie to a borrower (a stored webhook from an
    unknown number): the path still says what was shown. Nothing shown, nothing logged."""
    shown = sorted(set(fields))
    if not shown:
        return None
    return PiiAccessLog.objects.create(
        user=user,
        borrower=borrower,
        case=case,
        fields=",".join(shown)[:100],
        path=path[:300],
    )


def borrower_contact_for(
    *,
    user: AbstractBaseUser,
    borrower: Borrower,
    case: CollectionCase | None = None,
    path: str = "",
    also_shown: Iterable[str] = (),
) -> dict[str, str]:
    """{"phone": ..., "email": ...} as `user` may see them; an unmasked answer is logged, with
    `also_shown` (other fields of the same page showing this borrower's data unmasked)."""
    if not can_view_pii(user):
        return {"phone": mask_phone(borrower.phone), "email": mask_email(borrower.email)}
    shown = [f for f in ("phone", "email") if getattr(borrower, f)]
    pii_reveal(user=user, borrower=borrower, case=case, fields=[*shown, *also_shown], path=path)
    return {"phone": borrower.phone, "email": borrower.email}
