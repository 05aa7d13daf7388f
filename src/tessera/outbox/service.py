"""Emitting events into the outbox inside the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.base import utcnow
from tessera.db.bulk import stage
from tessera.db.models import OutboxMessage
from tessera.notifications.events import format_timestamp, new_event_id


def _row(event_type: str, data: Mapping[str, Any], occurred: datetime) -> dict[str, Any]:
    event_id = new_event_id(occurred)
    return {
        "id": uuid.uuid4(),
        "event_id": event_id,
        "event_type": event_type,
        "payload": {
            "id": event_id,
            "type": event_type,
            "timestamp": format_timestamp(occurred),
            "data": dict(data),
        },
        "created_at": occurred,
    }


async def emit(session: AsyncSession, event_type: str, data: Mapping[str, Any]) -> str:
    """Stage an event; it is only ever delivered if the surrounding transaction commits."""
    row = _row(event_type, data, utcnow())
    stage(session, OutboxMessage, row)
    return str(row["event_id"])


async def emit_many(session: AsyncSession, events: Sequence[tuple[str, Mapping[str, Any]]]) -> None:
    """Stage many events (same guarantees as :func:`emit`)."""
    occurred = utcnow()
    for event_type, data in events:
        stage(session, OutboxMessage, _row(event_type, data, occurred))
