"""Per-key rate limits: in memory, and shared through Redis when configured (falling back if it is down)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from redis.asyncio import Redis

from tessera.auth.rate_limit import FailedAuthLimiter, MemoryRateLimiter, RedisRateLimiter
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


@pytest.fixture
async def silent_redis_url() -> AsyncIterator[str]:
    """A local socket that accepts connections and never answers (a hung Redis)."""
    held: list[asyncio.StreamWriter] = []

    async def accept(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)  # keep the connection open, say nothing

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"redis://127.0.0.1:{port}/0"
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_a_silent_redis_opens_the_circuit_and_requests_count_in_memory(silent_redis_url: str) -> None:
    redis = Redis.from_url(silent_redis_url, socket_timeout=0.1, socket_connect_timeout=0.1)
    clock = [0.0]
    limiter = RedisRateLimiter(redis, cooldown_seconds=30, failures_to_open=3, clock=lambda: clock[0])
    for _ in range(2):  # each waits one timeout, then counts in memory
        await limiter.hit("k", 8)
        assert not limiter.circuit_open  # one slow reply on a busy host is not an outage
    await limiter.hit("k", 8)
    assert limiter.circuit_open
    pipelines: list[bool] = []
    opened = redis.pipeline

    def counting_pipeline(*args: Any, **kwargs: Any) -> Any:
        pipelines.append(True)
        return opened(*args, **kwargs)

    redis.pipeline = counting_pipeline  # type: ignore[method-assign]
    for _ in range(3):
        await limiter.hit("k", 8)
    # While the circuit is open the silent socket is not touched again: no request waits on its timeout.
    assert pipelines == []
    with pytest.raises(RateLimited):  # the memory fallback still enforces the limit
        await limiter.hit("k", 6)
    clock[0] = 31.0
    assert not limiter.circuit_open  # after the cooldown Redis is tried again
    await redis.aclose()


async def test_a_failure_between_successes_keeps_the_circuit_closed(silent_redis_url: str) -> None:
    healthy = await _redis()
    silent = Redis.from_url(silent_redis_url, socket_timeout=0.1, socket_connect_timeout=0.1)
    limiter = RedisRateLimiter(healthy, failures_to_open=2)
    key = f"test:{uuid.uuid4().hex}"
    for redis in (silent, healthy, silent, healthy):  # failures, never two in a row
        limiter._redis = redis
        await limiter.hit(key, 100)
        assert not limiter.circuit_open
    await healthy.aclose()
    await silent.aclose()


def test_failed_authentications_are_limited_per_address() -> None:
    now = [1_000_040.0]
    limiter = FailedAuthLimiter(2, clock=lambda: now[0])
    limiter.check("10.0.0.1")
    limiter.failed("10.0.0.1")
    limiter.failed("10.0.0.1")
    with pytest.raises(RateLimited) as refused:
        limiter.check("10.0.0.1")
    assert refused.value.retry_after == 40
    limiter.check("10.0.0.2")  # other addresses are unaffected
    now[0] += 60
    limiter.check("10.0.0.1")  # a new window
    FailedAuthLimiter(0).failed("x")  # 0 = off
    FailedAuthLimiter(0).check("x")
