"""Provider rate limits shared by every worker (a token bucket in Redis), so ten workers
together still send at most N messages a second. Without Redis (embedded defaults: one local
worker) the bucket lives in the process."""

from __future__ import annotations

import asyncio
import time

from django.conf import settings

# Reservation-style token bucket on the Redis server's clock: a caller takes a token even when
# the bucket is empty and is told how long to wait, so waiting callers are served in order.
_BUCKET_LUA = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local data = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(data[1]) or burst
local ts = tonumber(data[2]) or now
tokens = math.min(burst, tokens + (now - ts) * rate / 1000) - n
local wait = 0
if tokens < 0 then wait = math.ceil(-tokens * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', now)
redis.call('PEXPIRE', KEYS[1], 60000)
return wait
"""


def rate_for(channel: str) -> float:
    return {
        "sms": settings.SMS_MESSAGES_PER_SECOND,
        "voice": settings.VOICE_CALLS_PER_SECOND,
        "email": settings.EMAILS_PER_SECOND,
    }[channel]


class LocalRateLimiter:
    def __init__(self) -> None:
        self._next: dict[str, float] = {}

    async def acquire(self, channel: str) -> None:
        rate = rate_for(channel)
        now = time.monotonic()
        slot = max(now, self._next.get(channel, now))
        self._next[channel] = slot + 1 / rate
        if slot > now:
            await asyncio.sleep(slot - now)

    async def close(self) -> None:
        return None


class RedisRateLimiter:
    """Tokens are reserved from Redis in small blocks (a tenth of a second's worth at most), so
    a batch of sends costs a few round trips, not one per message, and never exceeds the rate:
    a block is only handed out once its wait has passed."""

    def __init__(self, url: str) -> None:
        import redis.asyncio as aioredis

        self._redis = aioredis.Redis.from_url(url, max_connections=4)
        self._script = self._redis.register_script(_BUCKET_LUA)
        self._pools: dict[str, int] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def acquire(self, channel: str) -> None:
        lock = self._locks.setdefault(channel, asyncio.Lock())
        async with lock:
            if self._pools.get(channel, 0) == 0:
                rate = rate_for(channel)
                burst = max(1.0, rate / 10)  # at most a tenth of a second's worth at once
                block = max(1, min(25, int(burst)))
                wait_ms = await self._script(
                    keys=[f"ratelimit:{channel}"], args=[rate, burst, block]
                )
                if wait_ms:
                    await asyncio.sleep(int(wait_ms) / 1000)
                self._pools[channel] = block
            self._pools[channel] -= 1

    async def close(self) -> None:
        await self._redis.aclose()


def make_rate_limiter() -> LocalRateLimiter | RedisRateLimiter:
    url = settings.RATE_LIMIT_REDIS_URL
    return RedisRateLimiter(url) if url else LocalRateLimiter()
