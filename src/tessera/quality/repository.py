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
    cursor: str | None = None,
    oldest_first: bool = False,
) -> tuple[Sequence[QualityRun], int]:
    """Runs of an asset, newest first (or oldest first)."""
    conds: list[sa.ColumnElement[bool]] = [QualityRun.asset_id == asset_id]
    if status:
        conds.append(QualityRun.status == status)
    at, tie = QualityRun.run_at, QualityRun.id
    order = (at.asc(), tie.asc()) if oldest_first else (at.desc(), tie.desc())
    stmt = sa.select(QualityRun).where(*conds).order_by(*order)
    return await fetch_page(session, stmt, limit=limit, offset=offset, cursor=cursor)


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


async def state_docs(
    session: AsyncSession, asset_ids: Sequence[uuid.UUID], *, lock: bool = False
) -> dict[uuid.UUID, Any]:
    """The guarantee-state document (``id``, ``states``) of many assets, as plain rows.

    ``lock`` holds the rows (PostgreSQL) until the transaction ends, so two uploads for one asset
    move its states one after the other instead of overwriting each other.
    """
    gs = GuaranteeState
    out: dict[uuid.UUID, Any] = {}
    for start in range(0, len(asset_ids), CHUNK):
        stmt = sa.select(gs.asset_id, gs.id, gs.states).where(
            gs.asset_id.in_(asset_ids[start : start + CHUNK])
        )
        if lock:
            stmt = stmt.with_for_update()
        out.update({r.asset_id: r for r in await session.execute(stmt)})
    return out


async def states_of(session: AsyncSession, asset_id: uuid.UUID) -> dict[str, Any]:
    """One asset's guarantee states by key (empty when none was checked)."""
    states = (
        await session.execute(sa.select(GuaranteeState.states).where(GuaranteeState.asset_id == asset_id))
    ).scalar_one_or_none()
    return dict(states or {})


async def insert_runs(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many runs at once (ids are set by the caller)."""
    if rows:
        await session.execute(sa.insert(QualityRun), list(rows))


async def save_state_docs(
    session: AsyncSession, new: Sequence[dict[str, Any]], changed: Sequence[dict[str, Any]]
) -> None:
    """Insert new state documents and update changed ones (``b_id``, ``states``, ``updated_at``)."""
    if new:
        await session.execute(sa.insert(GuaranteeState), list(new))
    if changed:
        table = cast(sa.Table, GuaranteeState.__table__)
        stmt = (
            sa.update(table)
            .where(table.c.id == sa.bindparam("b_id"))
            .values(states=sa.bindparam("states"), updated_at=sa.bindparam("updated_at"))
        )
        await session.execute(stmt, list(changed))
