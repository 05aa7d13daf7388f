"""Recording audit events: every mutation calls :func:`record` inside its own transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.auth.principal import Principal
from tessera.db.base import utcnow
from tessera.db.bulk import stage
from tessera.db.models import AuditEvent


async def record(
    session: AsyncSession,
    principal: Principal,
    action: str,
    target_type: str,
    target_id: object,
    details: Mapping[str, Any] | None = None,
    *,
    asset_id: uuid.UUID | None = None,
) -> None:
    """Append an audit event (``action`` is dotted, e.g. ``proposal.acknowledged``) to this transaction.

    ``asset_id`` is the asset the event concerns; without it, an asset target or an ``asset_id`` in
    ``details`` gives it. Events on contracts, proposals and registrations must name it one way or the
    other: a team's activity list finds them through it.
    """
    row = _row(principal, action, target_type, target_id, dict(details or {}), utcnow())
    if asset_id is not None:
        row["asset_id"] = asset_id
    stage(session, AuditEvent, row)


def _row(
    principal: Principal,
    action: str,
    target_type: str,
    target_id: object,
    details: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "occurred_at": now,
        "action": action,
        "target_type": target_type,
        "target_id": str(target_id),
        "actor_team_id": principal.team_id,
        "actor_user_id": principal.user_id,
        "actor_key_id": principal.key_id,
        "request_id": principal.request_id,
        "details": details,
        "asset_id": _concerned_asset(target_type, target_id, details),
    }


def _concerned_asset(target_type: str, target_id: object, details: Mapping[str, Any]) -> uuid.UUID | None:
    named = target_id if target_type == "asset" else details.get("asset_id")
    if named is None:
        return None
    return named if isinstance(named, uuid.UUID) else uuid.UUID(str(named))


async def record_many(
    session: AsyncSession, principal: Principal, items: list[tuple[str, str, object, dict[str, Any]]]
) -> None:
    """Append many events: ``(action, target_type, target_id, details)`` each."""
    now = utcnow()
    for action, target_type, target_id, details in items:
        stage(session, AuditEvent, _row(principal, action, target_type, target_id, details, now))
