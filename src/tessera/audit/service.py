"""Recording audit events: every mutation calls :func:`record` inside its own transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.audit import repository
from tessera.auth.principal import Principal
from tessera.db.models import AuditEvent


async def record(
    session: AsyncSession,
    principal: Principal,
    action: str,
    target_type: str,
    target_id: object,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Append an audit event (``action`` is dotted, e.g. ``proposal.acknowledged``)."""
    await repository.add(
        session,
        AuditEvent(
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            actor_team_id=principal.team_id,
            actor_user_id=principal.user_id,
            actor_key_id=principal.key_id,
            request_id=principal.request_id,
            details=dict(details or {}),
        ),
    )
