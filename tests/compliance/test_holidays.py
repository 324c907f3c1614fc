"""Legal public holidays (5 U.S.C. 6103) and the validation period (12 CFR 1006.34(b)(5)),
table tests written from the rule text: receipt assumed five days after sending, excluding
Saturdays, Sundays and legal public holidays; the period ends 30 days after receipt."""

import datetime as dt

import pytest

from collections_app.compliance.holidays import (
    assumed_receipt,
    us_legal_public_holidays,
    validation_period_end,
)

D = dt.date


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (
            2026,
            {
                D(2026, 1, 1),  # New Year's Day, Thursday
                D(2026, 1, 19),  # King's Birthday, third Monday of January
                D(2026, 2, 16),  # Washington's Birthday, third Monday of February
                D(2026, 5, 25),  # Memorial Day, last Monday of May
                D(2026, 6, 19),  # Juneteenth, Friday
                D(2026, 7, 4),  # Independence Day, a Saturday ...
                D(2026, 7, 3),  # ... observed the Friday before
                D(2026, 9, 7),  # Labor Day, first Monday of September
                D(2026, 10, 12),  # Columbus Day, second Monday of October
                D(2026, 11, 11),  # Veterans Day
                D(2026, 11, 26),  # Thanksgiving, fourth Thursday of November
                D(2026, 12, 25),  # Christmas Day, Friday
            },
        ),
        (
            2022,
            {
                D(2022, 1, 1),  # a Saturday ...
                D(2021, 12, 31),  # ... observed Friday of the year before
                D(2022, 1, 17),
                D(2022, 2, 21),
                D(2022, 5, 30),
                D(2022, 6, 19),  # Juneteenth on a Sunday ...
                D(2022, 6, 20),  # ... observed Monday
                D(2022, 7, 4),
                D(2022, 9, 5),
                D(2022, 10, 10),
                D(2022, 11, 11),
                D(2022, 11, 24),
                D(2022, 12, 25),  # Christmas on a Sunday ...
                D(2022, 12, 26),  # ... observed Monday
            },
        ),
        # Before the Juneteenth act (2021): no June 19.
        (
            2020,
            {
                D(2020, 1, 1),
                D(2020, 1, 20),
                D(2020, 2, 17),
                D(2020, 5, 25),
                D(2020, 7, 4),
                D(2020, 7, 3),
                D(2020, 9, 7),
                D(2020, 10, 12),
                D(2020, 11, 11),
                D(2020, 11, 26),
                D(2020, 12, 25),
            },
        ),
    ],
)
def test_legal_public_holidays(year: int, expected: set[dt.date]) -> None:
    assert us_legal_public_holidays(year) == expected


def test_new_year_on_a_saturday_is_observed_on_the_last_day_of_the_year_before() -> None:
    assert D(2021, 12, 31) in us_legal_public_holidays(2021)
    assert D(2027, 12, 31) in us_legal_public_holidays(2027)  # 2028-01-01 is a Saturday
    assert D(2026, 12, 31) not in us_legal_public_holidays(2026)  # 2027-01-01 is a Friday


@pytest.mark.parametrize(
    ("code", "sent", "receipt", "ends"),
    [
        # No holiday: Wednesday + 5 business days = next Wednesday; + 30 days.
        ("US", D(2026, 3, 4), D(2026, 3, 11), D(2026, 4, 10)),
        # Sent on a Friday, or on the Saturday after: Monday is day 1, receipt Friday.
        ("US", D(2026, 3, 6), D(2026, 3, 13), D(2026, 4, 12)),
        ("US", D(2026, 3, 7), D(2026, 3, 13), D(2026, 4, 12)),
        # Thanksgiving (Thu 2026-11-26) skipped.
        ("US", D(2026, 11, 23), D(2026, 12, 1), D(2026, 12, 31)),
        # Christmas (Fri 2026-12-25) and the weekend skipped.
        ("US", D(2026, 12, 21), D(2026, 12, 29), D(2027, 1, 28)),
        # New Year's Day (Fri 2027-01-01) skipped.
        ("US", D(2026, 12, 29), D(2027, 1, 6), D(2027, 2, 5)),
        # New Year's Day 2022 on a Saturday, observed Friday 2021-12-31: skipped.
        ("US", D(2021, 12, 30), D(2022, 1, 7), D(2022, 2, 6)),
        # Juneteenth 2022 on a Sunday, observed Monday 2022-06-20: skipped.
        ("US", D(2022, 6, 16), D(2022, 6, 24), D(2022, 7, 24)),
        # Juneteenth 2026 on a Friday.
        ("US", D(2026, 6, 15), D(2026, 6, 23), D(2026, 7, 23)),
        # Independence Day 2026 on a Saturday, observed Friday 2026-07-03.
        ("US", D(2026, 6, 30), D(2026, 7, 8), D(2026, 8, 7)),
        # Sent on the holiday itself (Christmas 2026): counting starts the next business day.
        ("US", D(2026, 12, 25), D(2027, 1, 4), D(2027, 2, 3)),
        # A profile outside the US: weekends only (Christmas counts as a business day).
        ("CN", D(2026, 12, 21), D(2026, 12, 28), D(2027, 1, 27)),
    ],
)
def test_validation_period_end(code: str, sent: dt.date, receipt: dt.date, ends: dt.date) -> None:
    assert assumed_receipt(sent, code) == receipt
    assert validation_period_end(sent, code) == ends
