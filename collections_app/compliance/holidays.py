"""Legal public holidays and the validation period of Regulation F, computed (no table to keep).

5 U.S.C. 6103(a) lists the legal public holidays: New Year's Day (January 1), Birthday of Martin
Luther King, Jr. (third Monday in January), Washington's Birthday (third Monday in February),
Memorial Day (last Monday in May), Juneteenth National Independence Day (June 19, since 2021),
Independence Day (July 4), Labor Day (first Monday in September), Columbus Day (second Monday in
October), Veterans Day (November 11), Thanksgiving Day (fourth Thursday in November), Christmas
Day (December 25). A fixed-date holiday on a Saturday is observed the Friday before, on a Sunday
the Monday after (5 U.S.C. 6103(b), Executive Order 11582). Both the date and the observed day
are excluded when counting: the receipt assumed later, the consumer's period longer.

12 CFR 1006.34(b)(5): the validation period ends 30 days after the consumer receives, or is
assumed to receive, the validation information; a debt collector may assume receipt on any date
at least five days (excluding legal public holidays, Saturdays and Sundays) after providing it.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

MONDAY, THURSDAY = 0, 3
JUNETEENTH_FROM = 2021  # Juneteenth National Independence Day Act, June 17, 2021


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> dt.date:
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: dt.date) -> dt.date:
    if day.weekday() == 5:
        return day - dt.timedelta(days=1)
    if day.weekday() == 6:
        return day + dt.timedelta(days=1)
    return day


@lru_cache(maxsize=256)
def us_legal_public_holidays(year: int) -> frozenset[dt.date]:
    """The year's legal public holidays, each on its date and on the day it is observed."""
    fixed = [dt.date(year, 1, 1), dt.date(year, 7, 4), dt.date(year, 11, 11), dt.date(year, 12, 25)]
    if year >= JUNETEENTH_FROM:
        fixed.append(dt.date(year, 6, 19))
    moving = [
        _nth_weekday(year, 1, MONDAY, 3),
        _nth_weekday(year, 2, MONDAY, 3),
        _last_weekday(year, 5, MONDAY),
        _nth_weekday(year, 9, MONDAY, 1),
        _nth_weekday(year, 10, MONDAY, 2),
        _nth_weekday(year, 11, THURSDAY, 4),
    ]
    days = set(fixed) | {_observed(d) for d in fixed} | set(moving)
    # New Year's Day of next year on a Saturday is observed on this year's December 31.
    if dt.date(year + 1, 1, 1).weekday() == 5:
        days.add(dt.date(year, 12, 31))
    return frozenset(days)


def holidays_for(profile_code: str, year: int) -> frozenset[dt.date]:
    """The holidays a profile's counting excludes: the US ones for US profiles (US, US-CA...),
    none elsewhere (weekends still excluded)."""
    if profile_code.upper().split("-")[0] == "US":
        return us_legal_public_holidays(year)
    return frozenset()


def is_business_day(day: dt.date, profile_code: str = "US") -> bool:
    return day.weekday() < 5 and day not in holidays_for(profile_code, day.year)


def add_business_days(day: dt.date, days: int, profile_code: str = "US") -> dt.date:
    """The date `days` business days after `day` (`day` itself not counted)."""
    current = day
    left = days
    while left > 0:
        current += dt.timedelta(days=1)
        if is_business_day(current, profile_code):
            left -= 1
    return current


RECEIPT_DAYS = 5
VALIDATION_PERIOD_DAYS = 30


def assumed_receipt(sent_on: dt.date, profile_code: str = "US") -> dt.date:
    """The earliest date receipt may be assumed: five business days after sending."""
    return add_business_days(sent_on, RECEIPT_DAYS, profile_code)


def validation_period_end(sent_on: dt.date, profile_code: str = "US") -> dt.date:
    """The last day of the validation period for a notice provided on `sent_on`."""
    return assumed_receipt(sent_on, profile_code) + dt.timedelta(days=VALIDATION_PERIOD_DAYS)
