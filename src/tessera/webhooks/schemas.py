"""Webhook API shapes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field

from tessera.enums import DeliveryChannel, DeliveryStatus
from tessera.notifications.events import EventType
from tessera.schemas import ApiModel


class WebhookCreate(ApiModel):
    """A subscription: events (all when empty) of the team's assets are POSTed to ``url``."""

    url: str = Field(min_length=1, max_length=2000, description="http(s) URL; private addresses are refused")
    team_id: uuid.UUID | None = Field(default=None, description="Defaults to the key's team")
    events: list[EventType] = Field(default_factory=list, description="Event filter; empty = every event")
    secret: str | None = Field(
        default=None, description="Signing secret (whsec_...); generated when omitted, shown once"
    )
    active: bool = True
    description: str | None = Field(default=None, max_length=2000)


class WebhookUpdate(ApiModel):
    """Changeable fields; re-activating a paused endpoint resets its failure count."""

    url: str | None = Field(default=None, min_length=1, max_length=2000)
    events: list[EventType] | None = None
    secret: str | None = None
    active: bool | None = None
    description: str | None = Field(default=None, max_length=2000)


class WebhookRead(ApiModel):
    """A subscription (its secret is never shown again)."""

    id: uuid.UUID
    team_id: uuid.UUID | None
    url: str
    events: list[str]
    active: bool
    description: str | None
    consecutive_failures: int
    paused_at: datetime | None
    paused_reason: str | None
    created_at: datetime
    updated_at: datetime


class WebhookCreated(WebhookRead):
    """A new subscription with its signing secret, shown this once."""

    secret: str


class DeliveryRead(ApiModel):
    """Delivery of one event to one endpoint."""

    id: uuid.UUID
    webhook_id: uuid.UUID | None
    channel: DeliveryChannel
    event_id: str
    event_type: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
    history: list[Any]
