"""Amounts as people read them: always with their currency.

`format_money(Decimal("1234.5"), "USD")` is "1,234.50 USD": the number in the active language's
separators (Django's l10n, grouping on), then the ISO 4217 code. The code, not a symbol: "¥" is
both the yuan and the yen, "$" a dozen currencies, and an agent quoting a balance must not guess.
Currencies without minor units (JPY, KRW, ...) are shown without decimals.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format

# ISO 4217 minor units where they are not 2 (the currencies a lender may plausibly send).
_MINOR_UNITS = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}  # fmt: skip


def minor_units(currency: str) -> int:
    return _MINOR_UNITS.get((currency or "").upper(), 2)


def format_money(amount: Decimal | int | float | str | None, currency: str) -> str:
    """`amount` with its currency, e.g. "1,234.56 USD". None or a non-number: an empty string
    (a missing amount is shown as missing, never as 0)."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    number = number_format(value, decimal_pos=minor_units(currency), force_grouping=True)
    return f"{number} {currency.upper()}" if currency else number
