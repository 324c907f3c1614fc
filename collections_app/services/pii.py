"""Borrowers' phone and email: masked unless the viewer may see them, and every unmasked view
logged (who, whose, which fields, where, when)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from collections_app.models import Borrower, CollectionCase, PiiAccessLog

VIEW_PII = "collections_app.view_pii"
MASK = "•"


def mask_phone(phone: str) -> str:
    """+14155550123 -> +1•••••••123: enough to tell two numbers apart on a call, no more."""
    if not phone:
        return ""
    keep_head = 2 if phone.startswith("+") else 0
    keep_tail = 3
    if len(phone) <= keep_head + keep_tail:
        return MASK * len(phone)
    return phone[:keep_head] + MASK * (len(phone) - keep_head - keep_tail) + phone[-keep_tail:]


def mask_email(email: str) -> str:
    """jane.doe@example.com -> j•••@example.com"""
    if not email:
        return ""
    local, _, domain = email.partition("@")
    return f"{local[:1]}{MASK * 3}@{domain}" if domain else MASK * 3


def can_view_pii(user: AbstractBaseUser) -> bool:
    return user.has_perm(VIEW_PII)


def borrower_contact_for(
    *,
    user: AbstractBaseUser,
    borrower: Borrower,
    case: CollectionCase | None = None,
    path: str = "",
) -> dict[str, str]:
    """{"phone": ..., "email": ...} as `user` may see them; an unmasked answer is logged."""
    if not can_view_pii(user):
        return {"phone": mask_phone(borrower.phone), "email": mask_email(borrower.email)}
    shown = [f for f in ("phone", "email") if getattr(borrower, f)]
    if shown:
        PiiAccessLog.objects.create(
            user=user, borrower=borrower, case=case, fields=",".join(shown), path=path[:300]
        )
    return {"phone": borrower.phone, "email": borrower.email}
