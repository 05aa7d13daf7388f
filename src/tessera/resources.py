"""The long-lived objects the app owns, built once at startup and handed out as typed dependencies.

The lifespan in :mod:`tessera.app` opens them with :func:`open_resources` and stores the one
:class:`AppResources` on the app; :func:`app_resources` is the only place that reads it back, so no router,
service or worker reaches into ``app.state`` for an untyped attribute.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tessera.auth.authentication import KeyAuthenticator
from tessera.auth.rate_limit import FailedAuthLimiter, MemoryRateLimiter, RateLimiter, RedisRateLimiter
from tessera.config import Settings
from tessera.db.engine import REQUIRE_ALL_CONSUMERS, create_engine, create_session_factory
from tessera.notifications.ssrf import UrlPolicy
from tessera.worker.channels import url_policy

if TYPE_CHECKING:  # redis is imported only when REDIS_URL is set (start-up time)
    from redis.asyncio import Redis


@dataclass(frozen=True, slots=True)
class AppResources:
    """Settings, both engines and their session factories, and the request edge's helpers."""

    settings: Settings
    engine: AsyncEngine
    read_engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    read_session_factory: async_sessionmaker[AsyncSession]
    server_key: str
    url_policy: UrlPolicy
    redis: Redis | None
    rate_limiter: RateLimiter
    authenticator: KeyAuthenticator
    failed_auth: FailedAuthLimiter


@asynccontextmanager
async def open_resources(settings: Settings) -> AsyncIterator[AppResources]:
    """Create the engines, clients and caches for ``settings``; close them on exit."""
    pooler = settings.db_transaction_pooler
    size, overflow = settings.db_pool_size, settings.db_max_overflow
    engine = create_engine(
        settings.database_url,
        echo=settings.db_echo,
        transaction_pooler=pooler,
        pool_size=size,
        max_overflow=overflow,
    )
    read_engine = create_engine(
        settings.database_url,
        echo=settings.db_echo,
        read_only=True,
        transaction_pooler=pooler,
        pool_size=size,
        max_overflow=overflow,
    )
    # The gating policy travels with every session, so each publishing path reads the same switch.
    policy: dict[str, object] = {REQUIRE_ALL_CONSUMERS: settings.require_all_consumers}
    read_session_factory = create_session_factory(read_engine, policy)
    server_key = settings.resolved_secret_key()
    redis: Redis | None = None
    if settings.redis_url:
        from redis.asyncio import Redis

        redis = Redis.from_url(
            settings.redis_url,
            socket_timeout=settings.redis_timeout_seconds,
            socket_connect_timeout=settings.redis_timeout_seconds,
        )
    limiter: RateLimiter = RedisRateLimiter(redis) if redis is not None else MemoryRateLimiter()
    try:
        yield AppResources(
            settings=settings,
            engine=engine,
            read_engine=read_engine,
            session_factory=create_session_factory(engine, policy),
            read_session_factory=read_session_factory,
            server_key=server_key,
            url_policy=url_policy(settings),
            redis=redis,
            rate_limiter=limiter,
            authenticator=KeyAuthenticator(
                read_session_factory,
                server_key,
                bootstrap_key=settings.bootstrap_api_key,
                ttl_seconds=settings.api_key_cache_seconds,
            ),
            failed_auth=FailedAuthLimiter(settings.failed_auth_per_minute),
        )
    finally:
        if redis is not None:
            await redis.aclose()
        await read_engine.dispose()
        await engine.dispose()


def app_resources(app: FastAPI) -> AppResources:
    """The resources of a running app (its lifespan has started)."""
    resources = getattr(app.state, "resources", None)
    if not isinstance(resources, AppResources):
        raise RuntimeError("The app's lifespan has not started: its resources are not open yet.")
    return resources
