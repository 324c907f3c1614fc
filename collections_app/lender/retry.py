"""What a receiver's answer means for a delivery, and when to try again. Pure: no ORM, no clock.

2xx is delivered; 410 Gone says the endpoint is no more (it is disabled); anything else is tried
again with exponential backoff and jitter until the delivery's allowance runs out. A 5xx, a 408 or
429, a timeout or a refused connection also say the receiver itself is in trouble: the endpoint
then waits too, so a night's deliveries do not each time out against a receiver that is down.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from dataclasses import dataclass

DELIVERED = "delivered"
GONE = "gone"
RETRY = "retry"
FAILED = "failed"

# Answers that say nothing about this event and everything about the receiver's state.
_RECEIVER_TROUBLE = {408, 425, 429}


@dataclass(frozen=True)
class Verdict:
    outcome: str  # DELIVERED, GONE, RETRY or FAILED (retries used up)
    receiver_trouble: bool = False


def verdict(*, status: int | None, attempt: int, attempt_limit: int) -> Verdict:
    """`status` None: no answer (timeout, refused, reset). `attempt` is this try's number."""
    if status is not None and 200 <= status < 300:
        return Verdict(DELIVERED)
    if status == 410:
        return Verdict(GONE)
    trouble = status is None or status >= 500 or status in _RECEIVER_TROUBLE
    outcome = FAILED if attempt >= attempt_limit else RETRY
    return Verdict(outcome, receiver_trouble=trouble)


def retry_delay(attempt: int, *, base: float, cap: float, jitter: float) -> dt.timedelta:
    """Before try `attempt + 1`: base * 2^(attempt-1), at most `cap`, times 0.5 to 1.0 by
    `jitter` (a random number in [0, 1)), so receivers that came back are not hit all at once."""
    exponent = max(attempt - 1, 0)
    # Capped before the power grows past what a float holds.
    delay = cap if exponent >= 64 else min(cap, base * 2**exponent)
    return dt.timedelta(seconds=delay * (0.5 + jitter / 2))


def retry_after(header: str, *, now: dt.datetime, cap: float) -> dt.timedelta | None:
    """A receiver's Retry-After (seconds, or an HTTP date), at most `cap`; None when absent
    or unreadable."""
    header = (header or "").strip()
    if not header:
        return None
    if header.isascii() and header.isdigit():
        return dt.timedelta(seconds=min(int(header[:9]), cap))
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    seconds = (when - now).total_seconds()
    return dt.timedelta(seconds=min(max(seconds, 0), cap))
