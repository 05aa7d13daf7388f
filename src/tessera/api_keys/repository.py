"""SQL for API keys."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.models import ApiKey
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
