"""Planner statistics are refreshed after a transaction that wrote many rows commits, never before."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db import statistics
from tessera.db.models import Team
from tests.conftest import ON_POSTGRES


async def analysed_rows(session: AsyncSession) -> float | None:
    """The teams table's row count as its statistics know it (None: never analysed)."""
    if ON_POSTGRES:
        # ANALYZE writes reltuples at once (a catalog row), unlike the cumulative statistics views.
        value = await session.scalar(
            sa.text("SELECT reltuples FROM pg_class WHERE oid = 'core.teams'::regclass")
        )
        return None if value is None or value < 0 else float(value)
    found = await session.scalar(sa.text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"))
    if not found:
        return None
    stat = await session.scalar(sa.text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'teams' LIMIT 1"))
    return None if stat is None else float(str(stat).split()[0])


@pytest.fixture(autouse=True)
def low_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(statistics, "ANALYZE_AFTER_ROWS", 5)


def teams(count: int) -> list[Team]:
    return [Team(name=f"team-{uuid.uuid4().hex[:8]}") for _ in range(count)]


async def test_a_bulk_commit_analyses_the_tables_it_wrote(session: AsyncSession) -> None:
    session.add_all(teams(6))
    await session.commit()
    await statistics.settled()
    assert await analysed_rows(session) == 6


async def test_a_small_commit_leaves_statistics_alone(session: AsyncSession) -> None:
    before = await analysed_rows(session)
    await session.commit()
    session.add_all(teams(4))
    await session.commit()
    await statistics.settled()
    assert await analysed_rows(session) == before


async def test_small_commits_add_up(session: AsyncSession) -> None:
    for _ in range(2):
        session.add_all(teams(3))
        await session.commit()
    await statistics.settled()
    assert await analysed_rows(session) == 6


@pytest.mark.skipif(not ON_POSTGRES, reason="startup reads PostgreSQL's statistics views")
async def test_startup_analyses_tables_loaded_behind_its_back(session: AsyncSession) -> None:
    await session.execute(
        sa.text(
            "INSERT INTO core.teams (id, name, created_at, updated_at) SELECT gen_random_uuid(), "
            "'bulk-' || g, now(), now() FROM generate_series(1, 8) AS g"
        )
    )
    await session.commit()
    engine = session.bind
    assert isinstance(engine, sa.ext.asyncio.AsyncEngine)
    for _ in range(100):  # the statistics views see the insert once its backend reports it
        async with engine.connect() as conn:
            changed = await conn.scalar(
                sa.text("SELECT n_mod_since_analyze FROM pg_stat_user_tables WHERE relname = 'teams'")
            )
        if changed and changed >= 5:
            break
        await asyncio.sleep(0.1)
    await statistics.refresh_stale(engine)
    assert await analysed_rows(session) == 8


async def test_a_rolled_back_change_schedules_nothing(session: AsyncSession) -> None:
    before = await analysed_rows(session)
    await session.commit()
    session.add_all(teams(6))
    await session.flush()
    await session.rollback()
    await statistics.settled()
    assert await analysed_rows(session) == before


async def test_a_failing_analyze_is_logged_not_raised(
    session: AsyncSession, caplog: pytest.LogCaptureFixture
) -> None:
    missing = sa.Table("no_such_table", sa.MetaData(), schema="core" if ON_POSTGRES else None)
    engine = session.bind
    assert isinstance(engine, sa.ext.asyncio.AsyncEngine)
    await statistics.analyze(engine, [missing])
    assert "ANALYZE" in caplog.text
