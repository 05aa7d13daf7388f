"""SQL for registrations."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.models import Asset, Registration, Team
from tessera.db.paging import fetch_page


async def get(session: AsyncSession, registration_id: uuid.UUID) -> Registration | None:
    """A live registration on a live asset."""
    return (
        await session.execute(
            sa.select(Registration)
            .join(Asset, Asset.id == Registration.asset_id)
            .where(Registration.id == registration_id)
        )
    ).scalar_one_or_none()


async def find(session: AsyncSession, asset_id: uuid.UUID, team_id: uuid.UUID) -> Registration | None:
    """The live registration of a team on an asset."""
    return (
        await session.execute(
            sa.select(Registration).where(
                Registration.asset_id == asset_id, Registration.consumer_team_id == team_id
            )
        )
    ).scalar_one_or_none()


async def for_asset(session: AsyncSession, asset_id: uuid.UUID) -> list[Registration]:
    """Live registrations on an asset."""
    return list(
        (
            await session.execute(
                sa.select(Registration)
                .where(Registration.asset_id == asset_id)
                .order_by(Registration.created_at)
            )
        ).scalars()
    )


async def for_assets(
    session: AsyncSession, asset_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[Registration]]:
    """Live registrations of many assets, in one query."""
    ids = set(asset_ids)
    out: dict[uuid.UUID, list[Registration]] = {i: [] for i in ids}
    if ids:
        rows = await session.execute(
            sa.select(Registration).where(Registration.asset_id.in_(ids)).order_by(Registration.created_at)
        )
        for reg in rows.scalars():
            out[reg.asset_id].append(reg)
    return out


async def list_registrations(
    session: AsyncSession,
    *,
    asset_id: uuid.UUID | None,
    team_id: uuid.UUID | None,
    limit: int,
    offset: int,
    cursor: str | None = None,
    oldest_first: bool = False,
    asset_q: str | None = None,
    team_q: str | None = None,
) -> tuple[Sequence[Registration], int]:
    """Live registrations on live assets matching the filters (``asset_q``: text the asset's FQN
    contains; ``team_q``: text the consumer team's name contains, ignoring case; ``%`` and ``_``
    literal), newest first (or oldest first)."""
    conds: list[sa.ColumnElement[bool]] = []
    if asset_id:
        conds.append(Registration.asset_id == asset_id)
    if team_id:
        conds.append(Registration.consumer_team_id == team_id)
    # Hidden with its asset: "no deleted asset of that id" reads the few deleted assets (a partial index),
    # where joining every live asset would read the assets table for the total. A Core table, so the
    # soft-delete filter (which would empty this subquery) is not added to it.
    assets = Asset.__table__
    if team_q:
        teams = Team.__table__
        named = sa.func.lower(teams.c.name).contains(team_q.lower(), autoescape=True)
        conds.append(Registration.consumer_team_id.in_(sa.select(teams.c.id).where(named)))
    if asset_q:
        conds.append(
            Registration.asset_id.in_(
                sa.select(assets.c.id).where(assets.c.fqn.contains(asset_q, autoescape=True))
            )
        )
    conds.append(~sa.exists().where(assets.c.id == Registration.asset_id, assets.c.deleted_at.is_not(None)))
    stmt = (
        sa.select(Registration)
        .where(*conds)
        # Both keys in one direction, so the (created_at, id) index serves the order and the cursor.
        .order_by(
            *(
                (Registration.created_at.asc(), Registration.id.asc())
                if oldest_first
                else (Registration.created_at.desc(), Registration.id.desc())
            )
        )
    )
    return await fetch_page(session, stmt, limit=limit, offset=offset, cursor=cursor)
