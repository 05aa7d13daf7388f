"""Per-key rate limiting: a fixed one-minute window, in Redis when configured, in memory otherwise."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from tessera.errors import RateLimited

if TYPE_CHECKING:  # redis is imported only when REDIS_URL is set (start-up time)
    from redis.asyncio import Redis

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
    """Counters shared by every replica through Redis; falls back to memory if Redis fails.

    ``failures_to_open`` failures in a row (refused, timed out: the client's socket timeouts are short)
    open a circuit for ``cooldown_seconds``: meanwhile every request counts in memory at once instead of
    waiting on Redis again, and the first request after the cooldown tries Redis anew. One failure alone
    does not open it: on a busy host a stalled event loop makes a healthy Redis miss its 100 ms timeout
    now and then, and each opening makes the replica count its own limit (bench/bench_scale_out.py found
    replicas counting alone for 30 s after single timeouts).
    """

    def __init__(
        self,
        redis: Redis,
        *,
        cooldown_seconds: float = 10.0,
        failures_to_open: int = 3,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        from redis.exceptions import RedisError

        self._redis = redis
        self._redis_error = RedisError
        self._fallback = MemoryRateLimiter()
        self._cooldown = cooldown_seconds
        self._failures_to_open = failures_to_open
        self._failures = 0
        self._clock = clock
        self._open_until = 0.0

    @property
    def circuit_open(self) -> bool:
        """True while requests skip Redis after a failure."""
        return self._clock() < self._open_until

    async def hit(self, key: str, limit: int) -> None:
        if self.circuit_open:
            await self._fallback.hit(key, limit)
            return
        now = time.time()
        window = int(now // 60)
        name = f"tessera:rl:{key}:{window}"
        try:
            pipe = self._redis.pipeline(transaction=True)
            pipe.incr(name)
            pipe.expire(name, 120)
            count, _ = await pipe.execute()
        except (self._redis_error, OSError) as exc:
            self._failures += 1
            if self._failures >= self._failures_to_open:
                self._failures = 0
                self._open_until = self._clock() + self._cooldown
                log.warning(
                    "rate limiter: redis unavailable (%s); counting in memory for %.0f s",
                    type(exc).__name__,
                    self._cooldown,
                )
            await self._fallback.hit(key, limit)
            return
        self._failures = 0
        if int(count) > limit:
            raise RateLimited(max(1, math.ceil((window + 1) * 60 - now)))


class FailedAuthLimiter:
    """Failed authentications per client address, counted in this process's memory.

    Checked before a presented key is looked up, so an address guessing keys costs no database query once
    it is over the limit; a fixed one-minute window, like the request limit.
    """

    def __init__(self, limit: int, clock: Callable[[], float] = time.time) -> None:
        self._limit = limit
        self._clock = clock
        self._windows: dict[str, tuple[int, int]] = {}

    def check(self, address: str) -> None:
        """Raise :class:`RateLimited` if ``address`` already failed ``limit`` times this minute."""
        if not self._limit:
            return
        now = self._clock()
        window, count = self._windows.get(address, (-1, 0))
        if window == int(now // 60) and count >= self._limit:
            raise RateLimited(max(1, math.ceil((window + 1) * 60 - now)))

    def failed(self, address: str) -> None:
        """Count one failed authentication from ``address``."""
        if not self._limit:
            return
        window = int(self._clock() // 60)
        current, count = self._windows.get(address, (window, 0))
        if current != window:
            count = 0
            if len(self._windows) > 100_000:
                self._windows.clear()
        self._windows[address] = (window, count + 1)
