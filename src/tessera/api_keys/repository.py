"""SQL for API keys."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.models import ApiKey, Team, User
from tessera.db.paging import fetch_page


async def get(session: AsyncSession, key_pk: uuid.UUID) -> ApiKey | None:
    """A key by its primary key."""
    return await session.get(ApiKey, key_pk)


async def list_keys(
    session: AsyncSession, *, team_id: uuid.UUID | None, include_revoked: bool, limit: int, offset: int
) -> tuple[Sequence[ApiKey], int]:
    """Keys, newest first."""
    conds: list[sa.ColumnElement[bool]] = []
    if team_id:
        conds.append(ApiKey.team_id == team_id)
    if not include_revoked:
        conds.append(ApiKey.revoked_at.is_(None))
    stmt = sa.select(ApiKey).where(*conds).order_by(ApiKey.created_at.desc(), ApiKey.id)
    return await fetch_page(session, stmt, limit=limit, offset=offset)


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
