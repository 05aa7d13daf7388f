"""Data the teams/keys/audit page tests share: webhook deliveries written as the worker would."""

from __future__ import annotations

import uuid
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.base import utcnow
from tessera.db.models import WebhookDelivery
from tessera.enums import DeliveryChannel, DeliveryStatus


async def add_deliveries(
    session: AsyncSession,
    webhook_id: str | None,
    target: str,
    statuses: list[DeliveryStatus],
    *,
    channel: DeliveryChannel = DeliveryChannel.WEBHOOK,
    event_types: list[str] | None = None,
) -> list[uuid.UUID]:
    """Delivery rows in ``statuses`` (oldest first), failed ones with the receiver's error; their ids.
    ``event_types`` names each row's event (``proposal.created`` for all by default)."""
    now = utcnow()
    rows = []
    for i, status in enumerate(statuses):
        failed = status == DeliveryStatus.FAILED
        rows.append(
            {
                "id": uuid.uuid4(),
                "webhook_id": uuid.UUID(webhook_id) if webhook_id else None,
                "channel": channel,
                "target": target,
                "event_id": f"evt_{uuid.uuid4().hex}",
                "event_type": event_types[i] if event_types else "proposal.created",
                "payload": {},
                "status": status,
                "attempts": 1,
                "next_attempt_at": None
                if status in (DeliveryStatus.FAILED, DeliveryStatus.DELIVERED)
                else now,
                "last_status_code": 410 if failed else 200,
                "last_error": "HTTP 410 Gone: the receiver refused the event" if failed else None,
                "delivered_at": now if status == DeliveryStatus.DELIVERED else None,
                "created_at": now - timedelta(minutes=len(statuses) - i),
                "updated_at": now,
                "history": [],
            }
        )
    await session.execute(sa.insert(WebhookDelivery), rows)
    await session.commit()
    return [r["id"] for r in rows]  # type: ignore[misc]
