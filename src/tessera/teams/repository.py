"""SQL for teams and memberships."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.models import Asset, Team, TeamMember, User
from tessera.db.paging import fetch_page


async def get(session: AsyncSession, team_id: uuid.UUID) -> Team | None:
    """An active team by id."""
    return (await session.execute(sa.select(Team).where(Team.id == team_id))).scalar_one_or_none()


async def get_by_name(session: AsyncSession, name: str) -> Team | None:
    """An active team by name (case-insensitive)."""
    return (
        await session.execute(sa.select(Team).where(sa.func.lower(Team.name) == name.lower()))
    ).scalar_one_or_none()


async def get_many(session: AsyncSession, team_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Team]:
    """Active teams by id, in one query."""
    ids = set(team_ids)
    if not ids:
        return {}
    rows = (await session.execute(sa.select(Team).where(Team.id.in_(ids)))).scalars()
    return {t.id: t for t in rows}


# Orders a list of teams can be sorted by (the UI's sortable columns).
TEAM_SORTS: dict[str, sa.ColumnElement[Any]] = {
    "name": sa.func.lower(Team.name),
    "created_at": Team.__table__.c.created_at,
}


async def list_teams(
    session: AsyncSession,
    *,
    name: str | None,
    limit: int,
    offset: int,
    cursor: str | None = None,
    sort: str = "name",
    descending: bool = False,
) -> tuple[Sequence[Team], int]:
    """Active teams ordered by name (or by ``sort``, one of :data:`TEAM_SORTS`), with the total.

    ``name`` matches a substring, case-insensitively; ``%`` and ``_`` in it are literal.
    """
    conds: list[sa.ColumnElement[bool]] = []
    if name:
        conds.append(sa.func.lower(Team.name).contains(name.lower(), autoescape=True))
    column = TEAM_SORTS[sort]
    # The id breaks ties, so a page boundary never splits rows of equal value unpredictably.
    order = (column.desc() if descending else column.asc(), Team.id)
    return await fetch_page(
        session, sa.select(Team).where(*conds).order_by(*order), limit=limit, offset=offset, cursor=cursor
    )


async def owned_counts(session: AsyncSession, team_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, int]:
    """How many live assets each of ``team_ids`` owns, in one query (absent teams own none)."""
    ids = set(team_ids)
    if not ids:
        return {}
    rows = await session.execute(
        sa.select(Asset.owner_team_id, sa.func.count())
        .where(Asset.owner_team_id.in_(ids))
        .group_by(Asset.owner_team_id)
    )
    return dict(rows.all())


async def list_members(
    session: AsyncSession,
    team_id: uuid.UUID,
    *,
    limit: int,
    offset: int,
    cursor: str | None = None,
    q: str | None = None,
    descending: bool = False,
) -> tuple[Sequence[User], int]:
    """Active users of a team, by name (``descending``: Z to A), whose name or email contains ``q``
    (ignoring case; ``%`` and ``_`` literal), with the total."""
    conds = [TeamMember.team_id == team_id, User.deactivated_at.is_(None)]
    if q:
        needle = q.lower()
        conds.append(
            sa.or_(
                sa.func.lower(User.name).contains(needle, autoescape=True),
                sa.func.lower(User.email).contains(needle, autoescape=True),
            )
        )
    name = sa.func.lower(User.name)
    order = (name.desc(), User.id.desc()) if descending else (name.asc(), User.id.asc())
    stmt = sa.select(User).join(TeamMember, TeamMember.user_id == User.id).where(*conds).order_by(*order)
    return await fetch_page(session, stmt, limit=limit, offset=offset, cursor=cursor)


async def count_owned_assets(session: AsyncSession, team_id: uuid.UUID) -> int:
    """How many live assets the team owns."""
    return (
        await session.execute(
            sa.select(sa.func.count()).select_from(Asset).where(Asset.owner_team_id == team_id)
        )
    ).scalar_one()


async def member_ids(session: AsyncSession, team_id: uuid.UUID) -> list[uuid.UUID]:
    """Users in a team."""
    return list(
        (await session.execute(sa.select(TeamMember.user_id).where(TeamMember.team_id == team_id))).scalars()
    )


async def is_member(session: AsyncSession, team_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    """Whether the user belongs to the team."""
    return await session.get(TeamMember, (team_id, user_id)) is not None


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


@dataclass(frozen=True, slots=True)
class TeamContacts:
    """How to reach a live team: its Slack channel and its active members' addresses."""

    id: uuid.UUID
    name: str
    slack_webhook_url: str | None
    emails: list[str] = field(default_factory=list)
    slack_member_ids: list[str] = field(default_factory=list)


async def contacts(session: AsyncSession, team_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, TeamContacts]:
    """Contacts of the live teams among ``team_ids``, in two queries whatever their number.

    The only way teams are reached: deleted teams are left out (no key), deactivated users are not
    listed; emails and Slack member ids are sorted.
    """
    ids = set(team_ids)
    if not ids:
        return {}
    teams = await session.execute(
        sa.select(Team.id, Team.name, Team.slack_webhook_url).where(Team.id.in_(ids))
    )
    out = {t: TeamContacts(t, name, url) for t, name, url in teams}
    if not out:
        return out
    members = await session.execute(
        sa.select(TeamMember.team_id, User.email, User.slack_member_id)
        .join(User, User.id == TeamMember.user_id)
        .where(TeamMember.team_id.in_(out), User.deactivated_at.is_(None))
    )
    for team_id, email, slack_member_id in members:
        contact = out[team_id]
        contact.emails.append(email)
        if slack_member_id:
            contact.slack_member_ids.append(slack_member_id)
    for contact in out.values():
        contact.emails.sort()
        contact.slack_member_ids.sort()
    return out
