"""Models of the webhook endpoints: subscriptions and their deliveries."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field, JsonValue

from tessera_sdk.models._base import Model


class Webhook(Model):
    """A team's subscription: events go to ``url``; ``paused_at`` is set after repeated failures."""

    id: uuid.UUID
    team_id: uuid.UUID | None = None
    url: str
    events: list[str] = Field(default_factory=list)
    active: bool
    description: str | None = None
    consecutive_failures: int = 0
    paused_at: datetime | None = None
    paused_reason: str | None = None
    created_at: datetime
    updated_at: datetime


class WebhookCreated(Webhook):
    """A new webhook with its signing secret, returned only once."""

    secret: str


class Delivery(Model):
    """One event sent (or to be sent) to a webhook (``status``: pending, delivered, failed, ...)."""

    id: uuid.UUID
    webhook_id: uuid.UUID | None = None
    channel: str
    event_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime | None = None
    last_status_code: int | None = None
    last_error: str | None = None
    delivered_at: datetime | None = None
    created_at: datetime
    history: list[JsonValue] = Field(default_factory=list)
