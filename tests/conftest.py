"""Test fixtures: the real app over ASGI, on SQLite (default) or PostgreSQL (``DATABASE_URL``).

The schema is always built by the Alembic migrations, never by ``create_all``. SQLite tests copy a migrated
template file per test; PostgreSQL tests migrate once and truncate every table between tests.
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.app import create_app
from tessera.config import Environment, Settings
from tessera.db.base import Base
from tessera.db.engine import create_engine, create_session_factory
from tessera.db.migrate import upgrade
from tests.helpers import BOOTSTRAP_KEY, Api, Proposed, Shared, open_proposal, shared_asset
from tests.notifications.receivers import HttpReceiver
from tests.server import serve_in_thread

DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith("postgresql")
# `run.py test-postgres` connects the suite as a least-privilege application role (DATABASE_URL) and
# migrates and cleans up as the schemas' owner (this URL); elsewhere both are the same.
OWNER_URL = os.environ.get("TESSERA_TEST_OWNER_URL", DATABASE_URL)
AS_APP_ROLE = ON_POSTGRES and OWNER_URL != DATABASE_URL


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database: a SQLite template file, or the PostgreSQL test database itself."""
    if ON_POSTGRES:
        upgrade(OWNER_URL)
        return DATABASE_URL
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return str(path)


async def _truncate_all(url: str) -> None:
    # As the owner: the application role may not truncate (nor skip the audit log's triggers).
    engine = create_engine(OWNER_URL if ON_POSTGRES else url)
    tables = ", ".join(f'"{t.schema}"."{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as conn:
        # The audit log refuses TRUNCATE (a trigger); the test owner (a superuser) skips triggers here.
        await conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        await conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> Iterator[str]:
    """A clean, migrated database for one test."""
    if ON_POSTGRES:
        yield migrated_template
        return
    path = tmp_path / "tessera.db"
    shutil.copy(migrated_template, path)
    yield f"sqlite+aiosqlite:///{path}"


@pytest.fixture
async def clean_database(database_url: str) -> str:
    """Truncate on PostgreSQL before the test (SQLite files are fresh copies)."""
    if ON_POSTGRES:
        await _truncate_all(database_url)
    return database_url


@pytest.fixture
async def session(clean_database: str) -> AsyncIterator[AsyncSession]:
    """A session on the write engine of a clean database, for tests below the HTTP layer."""
    engine = create_engine(clean_database)
    async with create_session_factory(engine)() as s:
        yield s
    await engine.dispose()


@pytest.fixture
def settings(clean_database: str, tmp_path: Path) -> Settings:
    """Test settings: auth on, bootstrap admin key, no background worker."""
    return Settings(
        environment=Environment.TEST,
        database_url=clean_database,
        data_dir=tmp_path / "data",
        secret_key="test-secret-key",
        bootstrap_api_key=BOOTSTRAP_KEY,
        worker_enabled=False,
        rate_limit_per_minute=100_000,
        base_url="http://tessera.test",
        webhook_allowlist="127.0.0.1/32",
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    """The application with its lifespan running."""
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in-process (no key set)."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tessera.test") as c:
        yield c


@pytest.fixture
def live_url(settings: Settings) -> Iterator[str]:
    """Base URL of a real server on 127.0.0.1 (uvicorn in a thread) over a fresh database."""
    with serve_in_thread(settings) as url:
        yield url


# Factories: the setups most API tests share, built through the real API (see tests/helpers.py).
MakeShared = Callable[..., Awaitable[Shared]]
MakeProposal = Callable[..., Awaitable[Proposed]]


@pytest.fixture
def api(client: httpx.AsyncClient) -> Api:
    """Builders over the in-process client."""
    return Api(client)


@pytest.fixture
def make_shared_asset(api: Api) -> MakeShared:
    """``await make_shared_asset(schema=V1, consumers=1, **publish)``: owner, consumers, asset, contract.

    See :func:`tests.helpers.shared_asset` for ``register``, ``register_with`` and ``asset_fields``.
    """
    return functools.partial(shared_asset, api)


@pytest.fixture
def make_proposal(api: Api) -> MakeProposal:
    """``await make_proposal(schema=V1, breaking=ID_ONLY, consumers=1, **publish)``: an open proposal."""
    return functools.partial(open_proposal, api)


@pytest.fixture
def receiver() -> Iterator[HttpReceiver]:
    """A real HTTP receiver on 127.0.0.1 (webhook and Slack endpoints), stopped after the test."""
    server = HttpReceiver().start()
    try:
        yield server
    finally:
        server.stop()
