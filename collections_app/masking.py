"""Masking phone numbers and email addresses, as pure functions (no database): for a field that
*is* an address (`mask_address`), free text that may quote one (`mask_text`) and stored payloads
(`mask_data`). Who sees what, and the log of unmasked views, is services/pii.py."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

MASK = "•"

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# E.164 as providers and our rows write it; a national spelling is caught for known numbers.
_E164 = re.compile(r"(?<![\w+])\+\d{7,15}(?!\d)")
_DIGIT_RUN = re.compile(r"\d[\d ().-]{5,}\d")
# A national number's shortest useful tail: fewer digits would match amounts and dates.
_MIN_NATIONAL_DIGITS = 7


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


def mask_address(address: str) -> str:
    """A phone number or an email address, whichever it is."""
    return mask_email(address) if "@" in (address or "") else mask_phone(address or "")


def _national_digits(phone: str) -> str:
    """The digits a person might write without the country code: +14155550187 -> 4155550187."""
    digits = re.sub(r"\D", "", phone)
    if phone.startswith("+1") and len(digits) == 11:
        return digits[1:]
    if phone.startswith("+86") and len(digits) == 13:
        return digits[2:]
    return digits


def mask_text(text: str, known: Iterable[str] = ()) -> str:
    """`text` with every E.164 number and email address masked, and the `known` addresses
    (a borrower's phone and email) in any spelling."""
    if not text:
        return text
    text = _EMAIL.sub(lambda m: mask_email(m.group()), str(text))
    text = _E164.sub(lambda m: mask_phone(m.group()), text)
    tails = {
        _national_digits(a)
        for a in known
        if a and "@" not in a and len(_national_digits(a)) >= _MIN_NATIONAL_DIGITS
    }
    if tails:

        def national(match: re.Match[str]) -> str:
            digits = re.sub(r"\D", "", match.group())
            if any(digits.endswith(tail) for tail in tails):
                return mask_phone(match.group())
            return match.group()

        text = _DIGIT_RUN.sub(national, text)
    return text


def mask_data(value: Any, known: Iterable[str] = ()) -> Any:
    """A JSON value with mask_text applied to every string in it (keys too)."""
    known = tuple(known)
    if isinstance(value, str):
        return mask_text(value, known)
    if isinstance(value, dict):
        return {mask_text(str(k), known): mask_data(v, known) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_data(v, known) for v in value]
    return value


def addresses_in(value: Any) -> set[str]:
    """Every E.164 number and email address anywhere in a JSON value or text."""
    found: set[str] = set()
    if isinstance(value, str):
        found |= set(_EMAIL.findall(value)) | set(_E164.findall(value))
    elif isinstance(value, dict):
        for k, v in value.items():
            found |= addresses_in(str(k)) | addresses_in(v)
    elif isinstance(value, list | tuple):
        for v in value:
            found |= addresses_in(v)
    return found
