"""Emitting events into the outbox inside the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.base import utcnow
from tessera.db.models import OutboxMessage


def new_event_id() -> str:
    """A unique, time-sortable event id receivers can de-duplicate on."""
    now_ms = int(utcnow().timestamp() * 1000)
    return f"evt_{now_ms:013x}{uuid.uuid4().hex[:19]}"


async def emit(session: AsyncSession, event_type: str, data: Mapping[str, Any]) -> str:
    """Stage an event; it is only ever delivered if the surrounding transaction commits."""
    event_id = new_event_id()
    occurred = utcnow()
    session.add(
        OutboxMessage(
            event_id=event_id,
            event_type=event_type,
            payload={"id": event_id, "type": event_type, "timestamp": occurred.isoformat(), "data": dict(data)},
            created_at=occurred,
        )
    )
    return event_id
