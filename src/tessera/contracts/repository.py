"""SQL for contracts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.models import Contract
from tessera.db.paging import fetch_page
from tessera.enums import ContractStatus


async def get(session: AsyncSession, contract_id: uuid.UUID) -> Contract | None:
    """A contract by id."""
    return await session.get(Contract, contract_id)


async def insert_rows(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert new contracts given as plain rows (attribute names), in one multi-row INSERT."""
    if rows:
        await session.execute(sa.insert(Contract), list(rows))


async def active_for(session: AsyncSession, asset_id: uuid.UUID) -> Contract | None:
    """The asset's active contract."""
    return (
        await session.execute(
            sa.select(Contract).where(Contract.asset_id == asset_id, Contract.status == ContractStatus.ACTIVE)
        )
    ).scalar_one_or_none()


async def active_for_many(session: AsyncSession, asset_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Contract]:
    """Active contracts of many assets, in one query."""
    if not asset_ids:
        return {}
    rows = await session.execute(
        sa.select(Contract).where(
            Contract.asset_id.in_(set(asset_ids)), Contract.status == ContractStatus.ACTIVE
        )
    )
    return {c.asset_id: c for c in rows.scalars()}


async def by_version(session: AsyncSession, asset_id: uuid.UUID, version: str) -> Contract | None:
    """One version of an asset's contract."""
    return (
        await session.execute(
            sa.select(Contract).where(Contract.asset_id == asset_id, Contract.version == version)
        )
    ).scalar_one_or_none()


async def history_schemas(session: AsyncSession, asset_id: uuid.UUID) -> list[dict[str, object]]:
    """Every published schema of the asset, oldest first (for transitive modes)."""
    rows = await session.execute(
        sa.select(Contract.schema_def)
        .where(Contract.asset_id == asset_id)
        .order_by(Contract.published_at, Contract.id)
    )
    return [r for (r,) in rows]


async def list_for_asset(
    session: AsyncSession,
    asset_id: uuid.UUID,
    *,
    limit: int,
    offset: int,
    cursor: str | None = None,
    oldest_first: bool = False,
    status: ContractStatus | None = None,
) -> tuple[Sequence[Contract], int]:
    """Versions of an asset, newest first (or oldest first), optionally only those in ``status``."""
    conds = [Contract.asset_id == asset_id]
    if status is not None:
        conds.append(Contract.status == status)
    at, tie = Contract.published_at, Contract.id
    order = (at.asc(), tie.asc()) if oldest_first else (at.desc(), tie.desc())
    stmt = sa.select(Contract).where(*conds).order_by(*order)
    return await fetch_page(session, stmt, limit=limit, offset=offset, cursor=cursor)


async def version_before(session: AsyncSession, contract: Contract) -> str | None:
    """The version of the asset published just before ``contract`` (``None`` for its first version)."""
    at, tie = Contract.published_at, Contract.id
    stmt = (
        sa.select(Contract.version)
        .where(
            Contract.asset_id == contract.asset_id,
            sa.or_(at < contract.published_at, sa.and_(at == contract.published_at, tie < contract.id)),
        )
        .order_by(at.desc(), tie.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def version_choices(
    session: AsyncSession, asset_id: uuid.UUID, *, limit: int
) -> list[tuple[str, datetime, ContractStatus]]:
    """(version, published at, status) of an asset's newest ``limit`` versions, newest first: the
    version pickers need no schemas."""
    rows = await session.execute(
        sa.select(Contract.version, Contract.published_at, Contract.status)
        .where(Contract.asset_id == asset_id)
        .order_by(Contract.published_at.desc(), Contract.id)
        .limit(limit)
    )
    return [(v, at, st) for v, at, st in rows]


async def versions_of(session: AsyncSession, contract_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Version strings of contracts by id, in one query."""
    if not contract_ids:
        return {}
    rows = await session.execute(
        sa.select(Contract.id, Contract.version).where(Contract.id.in_(contract_ids))
    )
    return dict(rows.all())
