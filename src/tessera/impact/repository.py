"""SQL for column-level impact: column lineage of assets and registrations of many assets."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.models import Asset, Registration

_CHUNK = 5000


async def column_lineage(
    session: AsyncSession, asset_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, tuple[str, dict[str, Any]]]:
    """``asset id -> (fqn, column lineage)`` of live assets (plain rows, no ORM objects)."""
    ids = list(set(asset_ids))
    out: dict[uuid.UUID, tuple[str, dict[str, Any]]] = {}
    for start in range(0, len(ids), _CHUNK):
        rows = await session.execute(
            sa.select(Asset.id, Asset.fqn, Asset.column_lineage).where(
                Asset.id.in_(ids[start : start + _CHUNK])
            )
        )
        out.update({a: (fqn, lineage or {}) for a, fqn, lineage in rows})
    return out


async def registrations(session: AsyncSession, asset_ids: Iterable[uuid.UUID]) -> list[Registration]:
    """Live registrations on the assets, oldest first."""
    ids = list(set(asset_ids))
    out: list[Registration] = []
    for start in range(0, len(ids), _CHUNK):
        rows = await session.execute(
            sa.select(Registration)
            .where(Registration.asset_id.in_(ids[start : start + _CHUNK]))
            .order_by(Registration.created_at, Registration.id)
        )
        out.extend(rows.scalars())
    return out
