"""SQL for data-quality runs."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.models import QualityRun
from tessera.db.paging import fetch_page


async def latest_run(session: AsyncSession, asset_id: uuid.UUID) -> QualityRun | None:
    """The most recent run of an asset."""
    return (
        await session.execute(
            sa.select(QualityRun)
            .where(QualityRun.asset_id == asset_id)
            .order_by(QualityRun.run_at.desc(), QualityRun.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()


async def list_runs(
    session: AsyncSession,
    asset_id: uuid.UUID,
    *,
    status: str | None,
    limit: int,
    offset: int,
    oldest_first: bool = False,
) -> tuple[Sequence[QualityRun], int]:
    """Runs of an asset, newest first (or oldest first)."""
    conds: list[sa.ColumnElement[bool]] = [QualityRun.asset_id == asset_id]
    if status:
        conds.append(QualityRun.status == status)
    run_at = QualityRun.run_at.asc() if oldest_first else QualityRun.run_at.desc()
    stmt = sa.select(QualityRun).where(*conds).order_by(run_at, QualityRun.id)
    return await fetch_page(session, stmt, limit=limit, offset=offset)


async def runs_since(
    session: AsyncSession, asset_id: uuid.UUID, since: datetime
) -> list[tuple[datetime, str]]:
    """(run_at, status) of an asset's runs since a time, oldest first."""
    rows = await session.execute(
        sa.select(QualityRun.run_at, QualityRun.status)
        .where(QualityRun.asset_id == asset_id, QualityRun.run_at >= since)
        .order_by(QualityRun.run_at)
    )
    return [(r, s.value if hasattr(s, "value") else str(s)) for r, s in rows]
