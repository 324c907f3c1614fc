"""The borrower's time zone and the UTC instant of a preferred local time, cached: the nightly
run asks this for every case, and phonenumbers' lookup costs tens of microseconds."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from phonenumbers import timezone as phone_timezone

UNKNOWN_ZONE = "Etc/Unknown"


@lru_cache(maxsize=65536)
def _zone_of_prefix(prefix: str) -> str:
    try:
        number = phonenumbers.parse(prefix + "0000")
    except phonenumbers.NumberParseException:
        return ""
    zones = [z for z in phone_timezone.time_zones_for_number(number) if z != UNKNOWN_ZONE]
    # A region with several zones (US area codes spanning two): the first, sorted, for stability.
    return sorted(zones)[0] if zones else ""


def borrower_zone(time_zone: str, phone: str, fallback: str) -> str:
    """The borrower's IANA zone: their own, else their phone's region, else the policy's."""
    if time_zone:
        return time_zone
    if phone and len(phone) > 6:
        # The last four digits never decide the zone; caching on the rest keeps the cache small.
        zone = _zone_of_prefix(phone[:-4])
        if zone:
            return zone
    return fallback or "UTC"


@lru_cache(maxsize=4096)
def _zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


@lru_cache(maxsize=65536)
def local_slot(day: dt.date, at: dt.time, zone: str) -> dt.datetime:
    """`at` o'clock on `day` in `zone`, as an aware UTC datetime."""
    return dt.datetime.combine(day, at, tzinfo=_zone(zone)).astimezone(dt.UTC)
