"""SQL for audit events."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.models import Acknowledgment, Asset, AuditEvent
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
    cursor: str | None = None,
    oldest_first: bool = False,
    asset_id: uuid.UUID | None = None,
) -> tuple[Sequence[AuditEvent], int]:
    """Events matching the filters, newest first (or oldest first), with the total count.

    ``action`` is exact, or a family with a trailing ``.*``; other LIKE wildcards in it are literal.
    """
    conds: list[sa.ColumnElement[bool]] = []
    if action:
        # A trailing ".*" filters a whole family, e.g. "proposal.*".
        conds.append(
            AuditEvent.action.startswith(action[:-1], autoescape=True)
            if action.endswith(".*")
            else AuditEvent.action == action
        )
    if target_type:
        conds.append(AuditEvent.target_type == target_type)
    if target_id:
        conds.append(AuditEvent.target_id == target_id)
    if asset_id:
        conds.append(AuditEvent.asset_id == asset_id)
    if actor_team_id:
        conds.append(AuditEvent.actor_team_id == actor_team_id)
    if since:
        conds.append(AuditEvent.occurred_at >= since)
    if until:
        conds.append(AuditEvent.occurred_at < until)
    # Both keys in one direction, so an index ending in (occurred_at, id) serves order and cursor.
    when, tie = AuditEvent.occurred_at, AuditEvent.id
    order = (when.asc(), tie.asc()) if oldest_first else (when.desc(), tie.desc())
    stmt = sa.select(AuditEvent).where(*conds).order_by(*order)
    return await fetch_page(session, stmt, limit=limit, offset=offset, cursor=cursor)


def _target_id_matches(session: AsyncSession, ids: sa.Select[Any]) -> sa.ColumnElement[bool]:
    """``target_id`` is one of the UUIDs ``ids`` selects (targets are stored as dashed text).

    PostgreSQL casts the UUID to text; SQLite stores a UUID as 32 hex digits, so the dashes are put in.
    Either way the subquery side is converted, never ``target_id``, so the (target_type, target_id)
    index still serves the match.
    """
    column = next(iter(ids.subquery().c))
    if session.get_bind().dialect.name == "postgresql":
        return AuditEvent.target_id.in_(sa.select(sa.cast(column, sa.String)))
    parts = [sa.func.substr(column, start, length) for start, length in _UUID_GROUPS]
    dashed: sa.ColumnElement[Any] = parts[0]
    for part in parts[1:]:
        dashed = dashed.concat("-").concat(part)
    return AuditEvent.target_id.in_(sa.select(dashed))


_UUID_GROUPS = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))


async def touching_team(
    session: AsyncSession,
    team_id: uuid.UUID,
    *,
    action: str | None,
    descending: bool,
    limit: int,
    offset: int,
    cursor: str | None = None,
) -> tuple[Sequence[AuditEvent], int]:
    """Events a team should know about: what it did, what happened to its assets (and their contracts,
    registrations and proposals: each event names its asset), and to proposals that ask it for an
    answer. Newest first by default.

    Each branch is an index lookup (the actor team; the asset with the time; the proposal target), so
    the cost follows the team's own events, not the size of the audit log.
    """
    owned = sa.select(Asset.id).where(Asset.owner_team_id == team_id)
    asked = sa.select(Acknowledgment.proposal_id).where(Acknowledgment.team_id == team_id)
    touched = sa.or_(
        AuditEvent.actor_team_id == team_id,
        AuditEvent.asset_id.in_(owned),
        sa.and_(AuditEvent.target_type == "proposal", _target_id_matches(session, asked)),
    )
    conds: list[sa.ColumnElement[bool]] = [touched]
    if action:
        conds.append(
            AuditEvent.action.startswith(action[:-1], autoescape=True)
            if action.endswith(".*")
            else AuditEvent.action == action
        )
    order = AuditEvent.occurred_at.desc() if descending else AuditEvent.occurred_at.asc()
    stmt = sa.select(AuditEvent).where(*conds).order_by(order, AuditEvent.id)
    return await fetch_page(session, stmt, limit=limit, offset=offset, cursor=cursor)
