"""SQL for data-quality runs."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.models import Asset, GuaranteeState, QualityRun
from tessera.db.paging import fetch_page

CHUNK = 1000


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


async def assets_by_fqn(session: AsyncSession, fqns: Sequence[str], environment: str) -> dict[str, Asset]:
    """Live assets of an environment by FQN, in one query per thousand names."""
    out: dict[str, Asset] = {}
    for start in range(0, len(fqns), CHUNK):
        part = fqns[start : start + CHUNK]
        rows = await session.execute(
            sa.select(Asset).where(Asset.environment == environment, Asset.fqn.in_(part))
        )
        out.update({a.fqn: a for a in rows.scalars()})
    return out


async def recorded_invocation(
    session: AsyncSession, asset_ids: Sequence[uuid.UUID], source: str, run_id: str
) -> set[uuid.UUID]:
    """Assets that already hold a run of this tool invocation (an upload repeated)."""
    out: set[uuid.UUID] = set()
    for start in range(0, len(asset_ids), CHUNK):
        rows = await session.execute(
            sa.select(QualityRun.asset_id).where(
                QualityRun.asset_id.in_(asset_ids[start : start + CHUNK]),
                QualityRun.source == source,
                QualityRun.run_id == run_id,
            )
        )
        out.update(rows.scalars())
    return out


async def states_for(
    session: AsyncSession, asset_ids: Sequence[uuid.UUID]
) -> dict[tuple[uuid.UUID, str], GuaranteeState]:
    """Guarantee states of many assets, by (asset id, guarantee key)."""
    out: dict[tuple[uuid.UUID, str], GuaranteeState] = {}
    for start in range(0, len(asset_ids), CHUNK):
        rows = await session.execute(
            sa.select(GuaranteeState).where(GuaranteeState.asset_id.in_(asset_ids[start : start + CHUNK]))
        )
        out.update({(s.asset_id, s.guarantee): s for s in rows.scalars()})
    return out


async def state_rows(
    session: AsyncSession, asset_ids: Sequence[uuid.UUID]
) -> dict[tuple[uuid.UUID, str], Any]:
    """What moving the states needs (id, status, since, last_run_at, recent) as plain rows, by key.

    Rows, not ORM objects: an upload of 20,000 results moves 20,000 states, and tracking that many
    objects in the session costs seconds.
    """
    gs = GuaranteeState
    out: dict[tuple[uuid.UUID, str], Any] = {}
    for start in range(0, len(asset_ids), CHUNK):
        rows = await session.execute(
            sa.select(gs.asset_id, gs.guarantee, gs.id, gs.status, gs.since, gs.last_run_at, gs.recent).where(
                gs.asset_id.in_(asset_ids[start : start + CHUNK])
            )
        )
        out.update({(r.asset_id, r.guarantee): r for r in rows})
    return out


async def update_states(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Update many guarantee states in one executemany statement (``b_id`` names the row)."""
    if not rows:
        return
    table = cast(sa.Table, GuaranteeState.__table__)
    columns = ("status", "since", "last_run_at", "last_run_id", "source", "failing_rows", "message", "recent")
    stmt = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("b_id"))
        .values({name: sa.bindparam(name) for name in columns})
    )
    await session.execute(stmt, list(rows))


async def states_of(session: AsyncSession, asset_id: uuid.UUID) -> list[GuaranteeState]:
    """One asset's guarantee states, by key."""
    rows = await session.execute(
        sa.select(GuaranteeState)
        .where(GuaranteeState.asset_id == asset_id)
        .order_by(GuaranteeState.guarantee)
    )
    return list(rows.scalars())


async def insert_runs(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many runs at once (ids are set by the caller)."""
    if rows:
        await session.execute(sa.insert(QualityRun), list(rows))


async def insert_states(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert new guarantee states in one statement (existing ones are updated through the session)."""
    if rows:
        await session.execute(sa.insert(GuaranteeState), list(rows))
