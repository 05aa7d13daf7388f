"""SQL for audit events."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.models import AuditEvent
from tessera.db.paging import fetch_page


async def list_events(
    session: AsyncSession,
    *,
    action: str | None,
    target_type: str | None,
    target_id: str | None,
    actor_team_id: uuid.UUID | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    offset: int,
    oldest_first: bool = False,
) -> tuple[Sequence[AuditEvent], int]:
    """Events matching the filters, newest first (or oldest first), with the total count."""
    conds: list[sa.ColumnElement[bool]] = []
    if action:
        # A trailing ".*" filters a whole family, e.g. "proposal.*".
        conds.append(
            AuditEvent.action.like(action[:-1] + "%")
            if action.endswith(".*")
            else AuditEvent.action == action
        )
    if target_type:
        conds.append(AuditEvent.target_type == target_type)
    if target_id:
        conds.append(AuditEvent.target_id == target_id)
    if actor_team_id:
        conds.append(AuditEvent.actor_team_id == actor_team_id)
    if since:
        conds.append(AuditEvent.occurred_at >= since)
    if until:
        conds.append(AuditEvent.occurred_at < until)
    occurred = AuditEvent.occurred_at.asc() if oldest_first else AuditEvent.occurred_at.desc()
    stmt = sa.select(AuditEvent).where(*conds).order_by(occurred, AuditEvent.id)
    return await fetch_page(session, stmt, limit=limit, offset=offset)
