"""SQL for teams and memberships."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.models import Asset, Team, TeamMember
from tessera.db.paging import fetch_page


async def get(session: AsyncSession, team_id: uuid.UUID) -> Team | None:
    """An active team by id."""
    return (
        await session.execute(sa.select(Team).where(Team.id == team_id, Team.deleted_at.is_(None)))
    ).scalar_one_or_none()


async def get_by_name(session: AsyncSession, name: str) -> Team | None:
    """An active team by name (case-insensitive)."""
    return (
        await session.execute(
            sa.select(Team).where(sa.func.lower(Team.name) == name.lower(), Team.deleted_at.is_(None))
        )
    ).scalar_one_or_none()


async def get_many(session: AsyncSession, team_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Team]:
    """Active teams by id, in one query."""
    ids = set(team_ids)
    if not ids:
        return {}
    rows = (
        await session.execute(sa.select(Team).where(Team.id.in_(ids), Team.deleted_at.is_(None)))
    ).scalars()
    return {t.id: t for t in rows}


async def list_teams(
    session: AsyncSession, *, name: str | None, limit: int, offset: int
) -> tuple[Sequence[Team], int]:
    """Active teams ordered by name, with the total."""
    conds: list[sa.ColumnElement[bool]] = [Team.deleted_at.is_(None)]
    if name:
        conds.append(sa.func.lower(Team.name).contains(name.lower(), autoescape=True))
    return await fetch_page(
        session, sa.select(Team).where(*conds).order_by(sa.func.lower(Team.name)), limit=limit, offset=offset
    )


async def count_owned_assets(session: AsyncSession, team_id: uuid.UUID) -> int:
    """How many live assets the team owns."""
    return (
        await session.execute(
            sa.select(sa.func.count())
            .select_from(Asset)
            .where(Asset.owner_team_id == team_id, Asset.deleted_at.is_(None))
        )
    ).scalar_one()


async def member_ids(session: AsyncSession, team_id: uuid.UUID) -> list[uuid.UUID]:
    """Users in a team."""
    return list(
        (await session.execute(sa.select(TeamMember.user_id).where(TeamMember.team_id == team_id))).scalars()
    )


async def add_member(session: AsyncSession, team_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    """Add a membership; False when it already existed."""
    exists = (
        await session.execute(
            sa.select(TeamMember).where(TeamMember.team_id == team_id, TeamMember.user_id == user_id)
        )
    ).scalar_one_or_none()
    if exists is not None:
        return False
    session.add(TeamMember(team_id=team_id, user_id=user_id))
    await session.flush()
    return True


async def remove_member(session: AsyncSession, team_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    """Remove a membership; False when there was none."""
    result = await session.execute(
        sa.delete(TeamMember).where(TeamMember.team_id == team_id, TeamMember.user_id == user_id)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
