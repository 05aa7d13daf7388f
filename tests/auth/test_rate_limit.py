"""Per-key rate limits: in memory, and shared through Redis when configured (falling back if it is down)."""

from __future__ import annotations

import uuid

import pytest
from redis.asyncio import Redis

from tessera.auth.rate_limit import MemoryRateLimiter, RedisRateLimiter
from tessera.errors import RateLimited

REDIS_URL = "redis://127.0.0.1:6379/0"


async def test_memory_limiter_counts_per_key_and_window() -> None:
    now = [1_000_040.0]
    limiter = MemoryRateLimiter(clock=lambda: now[0])
    for _ in range(3):
        await limiter.hit("a", 3)
    with pytest.raises(RateLimited) as exc:
        await limiter.hit("a", 3)
    assert exc.value.retry_after == 40  # seconds left in the current minute
    await limiter.hit("b", 3)  # other keys are unaffected
    now[0] += 60
    await limiter.hit("a", 3)  # a new window


async def _redis() -> Redis:
    redis = Redis.from_url(REDIS_URL)
    try:
        await redis.ping()
    except OSError:
        pytest.skip("no Redis at 127.0.0.1:6379 (Redis is optional; CI provides one)")
    return redis


async def test_redis_limiter_shares_counts_between_instances() -> None:
    redis = await _redis()
    key = f"test-{uuid.uuid4().hex}"
    first, second = RedisRateLimiter(redis), RedisRateLimiter(redis)
    await first.hit(key, 2)
    await second.hit(key, 2)
    with pytest.raises(RateLimited) as refused:
        await first.hit(key, 2)
    assert refused.value.code == "rate_limited"
    assert 1 <= refused.value.retry_after <= 60
    with pytest.raises(RateLimited):  # the other instance counts the same window
        await second.hit(key, 2)
    await redis.aclose()


async def test_redis_down_falls_back_to_memory() -> None:
    limiter = RedisRateLimiter(Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2))
    await limiter.hit("k", 1)
    with pytest.raises(RateLimited) as refused:
        await limiter.hit("k", 1)
    assert refused.value.code == "rate_limited"
    assert 1 <= refused.value.retry_after <= 60
    await limiter.hit("other", 1)  # the fallback still counts per key
