"""The transactional outbox, webhook subscriptions and their delivery attempts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tessera.db.base import CORE, WORKFLOW, Base, IdMixin, SoftDeleteMixin, TimestampMixin, str_enum, utcnow
from tessera.enums import DeliveryChannel, DeliveryStatus


class OutboxMessage(IdMixin, Base):
    """An event written in the same transaction as the change; delivered by the worker after commit."""

    __tablename__ = "outbox"
    __table_args__ = (
        sa.Index("ix_outbox_dispatched_at_created_at", "dispatched_at", "created_at"),
        {"schema": WORKFLOW},
    )

    event_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    event_type: Mapped[str] = mapped_column(sa.String(64))
    payload: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(default=None)


class Webhook(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    """A team's webhook subscription."""

    __tablename__ = "webhooks"
    __table_args__ = (sa.Index("ix_webhooks_team_id", "team_id"), {"schema": WORKFLOW})

    team_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey(f"{CORE}.teams.id"))
    url: Mapped[str] = mapped_column(sa.String(2000))
    secret: Mapped[str] = mapped_column(sa.String(200))
    events: Mapped[list[Any]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str | None] = mapped_column(sa.Text)
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    # When the current run of failures began (None while the endpoint succeeds): pausing is on time.
    failing_since: Mapped[datetime | None] = mapped_column(default=None)
    paused_at: Mapped[datetime | None] = mapped_column(default=None)
    paused_reason: Mapped[str | None] = mapped_column(sa.Text)
    # While paused: when the worker next tries the oldest parked delivery (a success resumes the endpoint).
    next_probe_at: Mapped[datetime | None] = mapped_column(default=None)


class WebhookDelivery(IdMixin, TimestampMixin, Base):
    """Delivery of one event to one endpoint, with its attempt history."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        sa.UniqueConstraint("webhook_id", "event_id"),
        sa.Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        sa.Index("ix_webhook_deliveries_webhook_id_created_at", "webhook_id", "created_at"),
        sa.Index("ix_webhook_deliveries_webhook_id_status_created_at", "webhook_id", "status", "created_at"),
        {"schema": WORKFLOW},
    )

    webhook_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey(f"{WORKFLOW}.webhooks.id"))
    channel: Mapped[DeliveryChannel] = mapped_column(
        str_enum(DeliveryChannel, "delivery_channel"), default=DeliveryChannel.WEBHOOK
    )
    target: Mapped[str] = mapped_column(sa.String(2000))
    event_id: Mapped[str] = mapped_column(sa.String(64))
    event_type: Mapped[str] = mapped_column(sa.String(64))
    payload: Mapped[dict[str, Any]] = mapped_column()
    status: Mapped[DeliveryStatus] = mapped_column(
        str_enum(DeliveryStatus, "delivery_status"), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    # The claim holding the lease: only it renews the lease or records the attempt's result.
    locked_by: Mapped[str | None] = mapped_column(sa.String(64), default=None)
    last_status_code: Mapped[int | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)
    history: Mapped[list[Any]] = mapped_column(default=list)
