"""SMS encoding and segment counts: what a message will cost before it is sent."""

from __future__ import annotations

from dataclasses import dataclass

# GSM 03.38 basic character set; anything else forces UCS-2 (70 characters a part, not 160).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each costs two septets (an escape, then the character).
GSM7_EXTENDED = set("^{}\\[~]|€\f")


@dataclass(frozen=True)
class SmsParts:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


GSM7_ALL = frozenset(GSM7_BASIC | GSM7_EXTENDED)


def sms_parts(text: str) -> SmsParts:
    if set(text) <= GSM7_ALL:
        units = sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
        single, multi, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi, encoding = 70, 67, "UCS-2"
    if units <= single:
        return SmsParts(encoding, units, 1 if units else 0)
    return SmsParts(encoding, units, -(-units // multi))
