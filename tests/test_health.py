"""Liveness and readiness probes, and the API docs, without an API key."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import sqlalchemy as sa
from fastapi import FastAPI

from tessera.app import create_app
from tessera.config import Settings
from tessera.db.engine import create_engine
from tessera.db.migrate import upgrade
from tessera.resources import app_resources

CLOSED_PORT_DB = "postgresql+asyncpg://postgres@127.0.0.1:1/nothing"


@asynccontextmanager
async def serve(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client on a fresh app built from ``settings``, lifespan running."""
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tessera.test") as client,
    ):
        yield client


async def test_health_is_open_and_cheap(client: httpx.AsyncClient) -> None:
    resp = await client.get("/health")
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok"}
    assert resp.headers["x-request-id"]


async def test_ready_checks_the_database(client: httpx.AsyncClient) -> None:
    resp = await client.get("/health/ready")
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok"}}


async def test_ready_is_503_when_the_database_is_unreachable(settings: Settings) -> None:
    async with serve(settings.model_copy(update={"database_url": CLOSED_PORT_DB})) as client:
        live = await client.get("/health")
        ready = await client.get("/health/ready")
    assert live.status_code == 200  # the process itself is fine
    assert ready.status_code == 503
    body = ready.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"].startswith("error: ")


async def test_ready_checks_the_read_pool_too(app: FastAPI, client: httpx.AsyncClient) -> None:
    healthy = app_resources(app)
    broken = create_engine(CLOSED_PORT_DB, read_only=True)
    app.state.resources = dataclasses.replace(healthy, read_engine=broken)
    try:
        ready = await client.get("/health/ready")
    finally:
        await broken.dispose()
        app.state.resources = healthy
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"].startswith("error: ")


async def test_ready_reports_redis_degraded_but_stays_ready(settings: Settings) -> None:
    async with serve(settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})) as client:
        ready = await client.get("/health/ready")
    assert ready.status_code == 200
    checks = ready.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["redis"].startswith("degraded: ")


async def test_ready_is_503_until_the_migrations_reach_head(settings: Settings, tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'behind.db'}"
    await asyncio.to_thread(upgrade, url, "0001")  # an older release's schema
    async with serve(settings.model_copy(update={"database_url": url})) as client:
        ready = await client.get("/health/ready")
    assert ready.status_code == 503
    checks = ready.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["migrations"].startswith("behind: database at 0001")
    assert "tessera db upgrade" in checks["migrations"]

    await asyncio.to_thread(upgrade, url)
    async with serve(settings.model_copy(update={"database_url": url})) as client:
        ready = await client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"]["migrations"] == "ok"


async def test_ready_stays_ready_on_a_schema_a_later_release_migrated(
    settings: Settings, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'newer.db'}"
    await asyncio.to_thread(upgrade, url)
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    finally:
        await engine.dispose()
    async with serve(settings.model_copy(update={"database_url": url})) as client:
        ready = await client.get("/health/ready")
    assert ready.status_code == 200  # rolling upgrade: the previous replicas keep serving
    assert ready.json()["checks"]["migrations"] == "newer: database at 9999"


async def test_docs_and_openapi_are_served(client: httpx.AsyncClient) -> None:
    docs = await client.get("/docs")
    assert docs.status_code == 200
    assert "Tessera" in docs.text
    spec = (await client.get("/openapi.json")).json()
    assert spec["info"]["title"] == "Tessera"
    api_paths = [p for p in spec["paths"] if not p.startswith("/health")]
    assert api_paths and all(p.startswith("/api/v1/") for p in api_paths)
