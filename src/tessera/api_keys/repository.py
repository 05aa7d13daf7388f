"""SQL for API keys."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.models import ApiKey, AuditEvent, Team, UiSession, User
from tessera.db.paging import fetch_page


async def get(session: AsyncSession, key_pk: uuid.UUID) -> ApiKey | None:
    """A key by its primary key."""
    return await session.get(ApiKey, key_pk)


# Orders a list of keys can be sorted by (the UI's sortable columns); newest first by default.
KEY_SORTS: dict[str, sa.ColumnElement[Any]] = {
    "created_at": ApiKey.__table__.c.created_at,
    "name": sa.func.lower(ApiKey.name),
    "expires_at": ApiKey.__table__.c.expires_at,
}


async def list_keys(
    session: AsyncSession,
    *,
    team_id: uuid.UUID | None,
    include_revoked: bool,
    limit: int,
    offset: int,
    cursor: str | None = None,
    name: str | None = None,
    sort: str = "created_at",
    descending: bool = True,
) -> tuple[Sequence[ApiKey], int]:
    """Keys, newest first (or by ``sort``, one of :data:`KEY_SORTS`); ``name`` matches a substring
    case-insensitively, with ``%`` and ``_`` literal."""
    conds: list[sa.ColumnElement[bool]] = []
    if team_id:
        conds.append(ApiKey.team_id == team_id)
    if not include_revoked:
        conds.append(ApiKey.revoked_at.is_(None))
    if name:
        conds.append(sa.func.lower(ApiKey.name).contains(name.lower(), autoescape=True))
    column = KEY_SORTS[sort]
    order: list[sa.ColumnElement[Any]] = (
        [column.desc(), ApiKey.id.desc()] if descending else [column.asc(), ApiKey.id.asc()]
    )
    if sort == "expires_at":
        # Keys that never expire come last whatever the direction, on both databases (which place NULLs
        # differently), and grouped, as the paginator's cursor expects.
        order.insert(0, column.is_(None))
    stmt = sa.select(ApiKey).where(*conds).order_by(*order)
    return await fetch_page(session, stmt, limit=limit, offset=offset, cursor=cursor)


async def last_activity(session: AsyncSession, key_ids: Iterable[str]) -> dict[str, datetime]:
    """When each key was last seen acting: its latest audited change or web UI session activity.

    One query for any number of keys. Read-only API calls are not recorded anywhere, so a key used only
    for reads through the API has no entry.
    """
    ids = set(key_ids)
    if not ids:
        return {}
    audited = sa.select(AuditEvent.actor_key_id.label("key_id"), AuditEvent.occurred_at.label("at")).where(
        AuditEvent.actor_key_id.in_(ids)
    )
    browsed = sa.select(UiSession.key_id.label("key_id"), UiSession.last_seen_at.label("at")).where(
        UiSession.key_id.in_(ids)
    )
    both = sa.union_all(audited, browsed).subquery()
    rows = await session.execute(sa.select(both.c.key_id, sa.func.max(both.c.at)).group_by(both.c.key_id))
    return {key_id: at for key_id, at in rows.all() if at is not None}


async def usable_key(
    session: AsyncSession, key_id: str
) -> tuple[str, uuid.UUID, uuid.UUID | None, list[Any], datetime | None] | None:
    """``(secret_hash, team_id, user_id, scopes, expires_at)`` of an unrevoked key of a live team.

    A user's key stops with the user; a team key (no user) is unaffected. The team's soft deletion is
    applied by the session (an inner join to a deleted team finds nothing).
    """
    row = (
        await session.execute(
            sa.select(ApiKey.secret_hash, ApiKey.team_id, ApiKey.user_id, ApiKey.scopes, ApiKey.expires_at)
            .join(Team, Team.id == ApiKey.team_id)
            .outerjoin(User, User.id == ApiKey.user_id)
            .where(ApiKey.key_id == key_id, ApiKey.revoked_at.is_(None), User.deactivated_at.is_(None))
        )
    ).one_or_none()
    return None if row is None else (row[0], row[1], row[2], row[3], row[4])
