import asyncio
import time

import pytest

from collections_app.outreach.ratelimit import LocalRateLimiter, RedisRateLimiter


async def _take(limiter, n: int) -> float:
    started = time.monotonic()
    for _ in range(n):
        await limiter.acquire("sms")
    return time.monotonic() - started


def test_the_local_limiter_spaces_sends_at_the_configured_rate(settings) -> None:
    settings.SMS_MESSAGES_PER_SECOND = 50
    elapsed = asyncio.run(_take(LocalRateLimiter(), 26))
    assert elapsed >= 0.48  # 25 intervals of 20 ms


@pytest.mark.needs_redis
def test_two_workers_share_one_redis_bucket(settings) -> None:
    """Two limiters (as in two worker processes) together stay within the rate."""
    import redis

    settings.SMS_MESSAGES_PER_SECOND = 40
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("ratelimit:sms")

    async def both() -> float:
        a, b = (
            RedisRateLimiter(settings.CELERY_BROKER_URL),
            RedisRateLimiter(settings.CELERY_BROKER_URL),
        )
        try:
            started = time.monotonic()
            await asyncio.gather(_take(a, 20), _take(b, 20))
            return time.monotonic() - started
        finally:
            await a.close()
            await b.close()

    elapsed = asyncio.run(both())
    # 40 tokens at 40/s with a burst of 4: at least (40 - 4) / 40 s
    assert elapsed >= 0.85
