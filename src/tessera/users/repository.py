"""SQL for users."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.models import TeamMember, User
from tessera.db.paging import fetch_page


async def get(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    """A user by id (active or not)."""
    return await session.get(User, user_id)


async def get_by_email(session: AsyncSession, email: str) -> User | None:
    """An active user by email (case-insensitive)."""
    return (
        await session.execute(
            sa.select(User).where(sa.func.lower(User.email) == email.lower(), User.deactivated_at.is_(None))
        )
    ).scalar_one_or_none()


async def team_ids_of(
    session: AsyncSession, user_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Team ids per user, in one query."""
    ids = set(user_ids)
    out: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    if ids:
        rows = await session.execute(
            sa.select(TeamMember.user_id, TeamMember.team_id).where(TeamMember.user_id.in_(ids))
        )
        for user_id, team_id in rows:
            out[user_id].append(team_id)
    return out


async def list_users(
    session: AsyncSession,
    *,
    team_id: uuid.UUID | None,
    email: str | None,
    include_inactive: bool,
    limit: int,
    offset: int,
    cursor: str | None = None,
) -> tuple[Sequence[User], int]:
    """Users matching the filters, by name, with the total."""
    conds: list[sa.ColumnElement[bool]] = []
    if not include_inactive:
        conds.append(User.deactivated_at.is_(None))
    if email:
        conds.append(sa.func.lower(User.email) == email.lower())
    if team_id:
        conds.append(User.id.in_(sa.select(TeamMember.user_id).where(TeamMember.team_id == team_id)))
    return await fetch_page(
        session,
        sa.select(User).where(*conds).order_by(User.name, User.id),
        limit=limit,
        offset=offset,
        cursor=cursor,
    )


async def find_for_owner(session: AsyncSession, *, emails: set[str], names: set[str]) -> list[User]:
    """Active users whose email or name is in the given sets (lower-cased), in one query."""
    if not emails and not names:
        return []
    cond = sa.or_(sa.func.lower(User.email).in_(emails), sa.func.lower(User.name).in_(names))
    return list((await session.execute(sa.select(User).where(cond, User.deactivated_at.is_(None)))).scalars())
