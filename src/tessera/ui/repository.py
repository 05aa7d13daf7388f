"""SQL for web UI sessions."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.models import UiSession


async def live_session(session: AsyncSession, token_hash: str, now: datetime) -> UiSession | None:
    """The unexpired session whose token hashes to ``token_hash``."""
    return (
        await session.execute(
            sa.select(UiSession).where(UiSession.token_hash == token_hash, UiSession.expires_at > now)
        )
    ).scalar_one_or_none()


async def delete(session: AsyncSession, session_id: uuid.UUID) -> None:
    """Forget one session (sign-out, or its key stopped working)."""
    await session.execute(sa.delete(UiSession).where(UiSession.id == session_id))


async def delete_expired(session: AsyncSession, now: datetime) -> None:
    """Drop sessions past their lifetime (done at each sign-in, so the table stays small)."""
    await session.execute(sa.delete(UiSession).where(UiSession.expires_at <= now))


async def touch(session: AsyncSession, session_id: uuid.UUID, now: datetime) -> None:
    """Record that the session was used."""
    await session.execute(sa.update(UiSession).where(UiSession.id == session_id).values(last_seen_at=now))
