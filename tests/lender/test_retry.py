"""What a receiver's answer means, and when the next try is due (lender/retry.py, pure)."""

import datetime as dt

import pytest

from collections_app.lender.retry import (
    DELIVERED,
    FAILED,
    GONE,
    RETRY,
    retry_after,
    retry_delay,
    verdict,
)

NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("status", "outcome", "trouble"),
    [
        (200, DELIVERED, False),
        (204, DELIVERED, False),
        (410, GONE, False),
        (500, RETRY, True),
        (503, RETRY, True),
        (429, RETRY, True),
        (408, RETRY, True),
        (None, RETRY, True),  # timeout, refused, reset
        (400, RETRY, False),  # about this event, not the receiver
        (404, RETRY, False),
        (301, RETRY, False),  # a redirect is not a delivery
    ],
)
def test_each_answer_has_its_outcome(status, outcome, trouble) -> None:
    found = verdict(status=status, attempt=1, attempt_limit=12)
    assert (found.outcome, found.receiver_trouble) == (outcome, trouble)


def test_the_last_allowed_try_fails_instead_of_retrying() -> None:
    assert verdict(status=500, attempt=11, attempt_limit=12).outcome == RETRY
    assert verdict(status=500, attempt=12, attempt_limit=12).outcome == FAILED
    # ... but a success on the last try is a success, and 410 is still about the endpoint
    assert verdict(status=200, attempt=12, attempt_limit=12).outcome == DELIVERED
    assert verdict(status=410, attempt=12, attempt_limit=12).outcome == GONE


def test_backoff_doubles_up_to_the_cap_with_jitter_between_half_and_whole() -> None:
    def delay(attempt: int, jitter: float) -> float:
        return retry_delay(attempt, base=30, cap=3600, jitter=jitter).total_seconds()

    assert [delay(n, 0.999999) for n in (1, 2, 3, 4)] == pytest.approx([30, 60, 120, 240])
    assert [delay(n, 0.0) for n in (1, 2, 3, 4)] == [15, 30, 60, 120]
    assert delay(8, 0.999999) == pytest.approx(3600)  # 30 * 128 = 3840, capped
    assert delay(10_000, 0.0) == 1800  # never overflows


def test_retry_after_in_seconds_or_as_a_date_capped() -> None:
    assert retry_after("120", now=NOW, cap=3600) == dt.timedelta(seconds=120)
    assert retry_after("999999", now=NOW, cap=3600) == dt.timedelta(seconds=3600)
    assert retry_after("Mon, 02 Mar 2026 12:05:00 GMT", now=NOW, cap=3600) == dt.timedelta(
        minutes=5
    )
    assert retry_after("Mon, 02 Mar 2026 11:00:00 GMT", now=NOW, cap=3600) == dt.timedelta(0)
    assert retry_after("", now=NOW, cap=3600) is None
    assert retry_after("soon", now=NOW, cap=3600) is None
