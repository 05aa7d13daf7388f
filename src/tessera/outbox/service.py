"""Emitting events into the outbox inside the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.base import utcnow
from tessera.db.bulk import stage
from tessera.db.models import OutboxMessage
from tessera.notifications.events import format_timestamp, new_event_id
from tessera.notifications.payloads import EventData


def _row(data: EventData, occurred: datetime) -> dict[str, Any]:
    event_id = new_event_id(occurred)
    event_type = data.event_type.value
    return {
        "id": uuid.uuid4(),
        "event_id": event_id,
        "event_type": event_type,
        "payload": {
            "id": event_id,
            "type": event_type,
            "timestamp": format_timestamp(occurred),
            "data": data.model_dump(mode="json"),
        },
        "created_at": occurred,
    }


async def emit(session: AsyncSession, data: EventData) -> str:
    """Stage the event ``data`` describes; it is delivered only if the surrounding transaction commits."""
    row = _row(data, utcnow())
    stage(session, OutboxMessage, row)
    return str(row["event_id"])


async def emit_many(session: AsyncSession, events: Sequence[EventData]) -> None:
    """Stage many events (same guarantees as :func:`emit`)."""
    occurred = utcnow()
    for data in events:
        stage(session, OutboxMessage, _row(data, occurred))
