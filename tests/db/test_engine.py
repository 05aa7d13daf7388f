"""The write and read engines on the test database (SQLite or PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import QueuePool

from tessera.config import Settings
from tessera.db.engine import create_engine
from tessera.db.models import Team
from tessera.resources import open_resources
from tests.conftest import ON_POSTGRES


@pytest.fixture
async def engines(clean_database: str) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    write, read = create_engine(clean_database), create_engine(clean_database, read_only=True)
    yield write, read
    await read.dispose()
    await write.dispose()


async def test_the_read_engine_sees_committed_writes(engines: tuple[AsyncEngine, AsyncEngine]) -> None:
    write, read = engines
    async with read.connect() as reader:
        before = (await reader.execute(sa.select(sa.func.count()).select_from(Team))).scalar_one()
        async with write.begin() as conn:
            await conn.execute(sa.insert(Team).values(id=uuid.uuid4(), name="readers"))
        # Autocommit: the same open read connection sees the new row on its next statement.
        after = (await reader.execute(sa.select(sa.func.count()).select_from(Team))).scalar_one()
    assert (before, after) == (0, 1)


async def test_the_read_engine_refuses_writes(engines: tuple[AsyncEngine, AsyncEngine]) -> None:
    _, read = engines
    async with read.connect() as conn:
        with pytest.raises(DBAPIError, match="(?i)read.only|readonly"):
            await conn.execute(sa.insert(Team).values(id=uuid.uuid4(), name="nope"))
    async with read.connect() as conn:
        assert (await conn.execute(sa.select(sa.func.count()).select_from(Team))).scalar_one() == 0


async def test_reads_are_not_blocked_by_an_open_write_transaction(
    engines: tuple[AsyncEngine, AsyncEngine],
) -> None:
    write, read = engines
    async with write.begin() as conn:
        await conn.execute(sa.insert(Team).values(id=uuid.uuid4(), name="pending"))
        async with read.connect() as reader:
            # The uncommitted row is invisible, and the reader does not wait for the writer's lock.
            count = (await reader.execute(sa.select(sa.func.count()).select_from(Team))).scalar_one()
    assert count == 0


@pytest.mark.skipif(not ON_POSTGRES, reason="a transaction pooler sits in front of PostgreSQL only")
@pytest.mark.parametrize("read_only", [False, True], ids=["write", "read"])
async def test_behind_a_transaction_pooler_no_prepared_statement_outlives_its_query(
    clean_database: str, read_only: bool
) -> None:
    # PgBouncer in transaction mode hands each transaction to any server connection: a statement
    # prepared and cached on one would be missing on the next ("prepared statement does not exist").
    engine = create_engine(clean_database, read_only=read_only, transaction_pooler=True)
    try:
        async with engine.connect() as conn:
            for _ in range(3):
                await conn.execute(sa.select(sa.func.count()).select_from(Team))
                await conn.execute(sa.select(Team.id).where(Team.name == "x"))
            left = (await conn.execute(sa.text("SELECT statement FROM pg_prepared_statements"))).scalars()
            assert list(left) == ["SELECT statement FROM pg_prepared_statements"]
    finally:
        await engine.dispose()


@pytest.mark.skipif(not ON_POSTGRES, reason="asyncpg's statement cache is PostgreSQL's")
async def test_without_a_pooler_statements_are_cached_on_the_connection(clean_database: str) -> None:
    engine = create_engine(clean_database)
    try:
        async with engine.connect() as conn:
            await conn.execute(sa.select(Team.id).where(Team.name == "x"))
            count = sa.text("SELECT count(*) FROM pg_prepared_statements")
            assert (await conn.execute(count)).scalar_one() >= 2
    finally:
        await engine.dispose()


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite's pool is sized for its one file")
async def test_pool_sizes_come_from_the_settings(settings: Settings) -> None:
    sized = settings.model_copy(update={"db_pool_size": 3, "db_max_overflow": 2})
    async with open_resources(sized) as resources:
        for engine in (resources.engine, resources.read_engine):
            pool = engine.pool
            assert isinstance(pool, QueuePool)
            assert (pool.size(), pool._max_overflow) == (3, 2)
