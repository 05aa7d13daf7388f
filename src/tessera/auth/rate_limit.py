"""Per-key rate limiting: a fixed one-minute window, in Redis when configured, in memory otherwise."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from tessera.errors import RateLimited

log = logging.getLogger(__name__)


class RateLimiter(Protocol):
    """Counts hits per key and window."""

    async def hit(self, key: str, limit: int) -> None:
        """Count one request for ``key``; raise :class:`RateLimited` past ``limit`` per minute."""
        ...


class MemoryRateLimiter:
    """In-process counters (one server process)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._windows: dict[str, tuple[int, int]] = {}

    async def hit(self, key: str, limit: int) -> None:
        now = self._clock()
        window = int(now // 60)
        current_window, count = self._windows.get(key, (window, 0))
        if current_window != window:
            count = 0
            if len(self._windows) > 100_000:
                self._windows.clear()
        count += 1
        self._windows[key] = (window, count)
        if count > limit:
            raise RateLimited(max(1, math.ceil((window + 1) * 60 - now)))


class RedisRateLimiter:
    """Counters shared by every replica through Redis; falls back to memory if Redis is down."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._fallback = MemoryRateLimiter()

    async def hit(self, key: str, limit: int) -> None:
        now = time.time()
        window = int(now // 60)
        name = f"tessera:rl:{key}:{window}"
        try:
            pipe = self._redis.pipeline(transaction=True)
            pipe.incr(name)
            pipe.expire(name, 120)
            count, _ = await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("rate limiter: redis unavailable (%s); counting in memory", type(exc).__name__)
            await self._fallback.hit(key, limit)
            return
        if int(count) > limit:
            raise RateLimited(max(1, math.ceil((window + 1) * 60 - now)))
