"""A sync that writes many rows leaves the planner statistics of the tables it touched fresh."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tessera.db import statistics
from tessera.db.engine import create_engine
from tests.conftest import ON_POSTGRES
from tests.sync.test_dbt_sync import Shop, shop  # noqa: F401 - the fixture


async def test_a_dbt_sync_analyses_what_it_wrote(
    shop: Shop,  # noqa: F811 - the imported fixture
    clean_database: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(statistics, "ANALYZE_AFTER_ROWS", 3)
    await shop.sync("base")
    await statistics.settled()
    engine = create_engine(clean_database)
    async with engine.connect() as conn:
        live = await conn.scalar(
            sa.text("SELECT count(*) FROM core.assets" if ON_POSTGRES else "SELECT count(*) FROM assets")
        )
        if ON_POSTGRES:
            known = await conn.scalar(
                sa.text("SELECT reltuples FROM pg_class WHERE oid = 'core.assets'::regclass")
            )
        else:
            stat = await conn.scalar(sa.text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'assets' LIMIT 1"))
            known = float(str(stat).split()[0])
    await engine.dispose()
    assert live and known == live
