"""Field validators for what lenders send us: phone numbers, time zones, currencies."""

from __future__ import annotations

import zoneinfo
from functools import cache

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def validate_e164(value: str) -> None:
    """A phone number must be valid and written in E.164 (+8613800138000)."""
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("%(value)r is not a phone number: %(error)s") % {"value": value, "error": exc}
        ) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_("%(value)r is not a valid phone number.") % {"value": value})
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if e164 != value:
        raise ValidationError(_("Write phone numbers in E.164 form: %(e164)s.") % {"e164": e164})


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value and value not in _zones():
        raise ValidationError(
            _("%(value)r is not an IANA time zone (e.g. Asia/Shanghai).") % {"value": value}
        )


def validate_currency(value: str) -> None:
    if len(value) != 3 or not value.isalpha() or not value.isupper():
        raise ValidationError(
            _("%(value)r is not an ISO 4217 currency code (e.g. CNY, USD).") % {"value": value}
        )
