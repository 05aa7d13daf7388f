"""Setup shared by benchmarks: a throwaway PostgreSQL database, the real app in-process, timing figures.

    from bench.benchlib import throwaway_postgres, running_app, percentile

Benchmarks import this instead of copying app setup; run them from the repository root
(``uv run python bench/<script>.py``) so ``bench`` is importable.
"""

from __future__ import annotations

import asyncio
import math
import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import httpx

ADMIN_URL = os.environ.get("TESSERA_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")
"""A PostgreSQL database to connect to while creating and dropping the throwaway one."""

BOOTSTRAP_KEY = "bench-bootstrap-key-0123456789abcdef"
ADMIN = {"Authorization": f"Bearer {BOOTSTRAP_KEY}"}


async def _admin(statement: str) -> None:
    conn = await asyncpg.connect(ADMIN_URL)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@asynccontextmanager
async def throwaway_postgres(prefix: str = "tessera_bench", *, keep: bool = False) -> AsyncIterator[str]:
    """A new, migrated PostgreSQL database (SQLAlchemy asyncpg URL), dropped on exit unless ``keep``."""
    from tessera.db.migrate import upgrade

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    await _admin(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://") + f"/{name}"
    try:
        await asyncio.to_thread(upgrade, url)  # Alembic runs an event loop of its own
        yield url
    finally:
        if not keep:
            await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@asynccontextmanager
async def running_app(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The real app (lifespan running, auth on, no worker) and an httpx client calling it in-process."""
    from tessera.app import create_app
    from tessera.config import Settings

    settings = Settings(
        database_url=database_url,
        data_dir=tempfile.mkdtemp(),
        secret_key="bench",
        bootstrap_api_key=BOOTSTRAP_KEY,
        worker_enabled=False,
        rate_limit_per_minute=100_000_000,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as client:
            yield client


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]
