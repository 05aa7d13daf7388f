"""Team API shapes."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field, HttpUrl

from tessera.schemas import ApiModel


class TeamCreate(ApiModel):
    """A new team."""

    name: str = Field(min_length=1, max_length=200, pattern=r"\S")
    description: str | None = None
    contact: str | None = Field(default=None, max_length=300, description="e.g. a Slack channel or email")
    slack_webhook_url: HttpUrl | None = Field(default=None, description="Slack incoming-webhook URL")


class TeamUpdate(ApiModel):
    """Fields of a team that may change (omitted fields stay)."""

    name: str | None = Field(default=None, min_length=1, max_length=200, pattern=r"\S")
    description: str | None = None
    contact: str | None = Field(default=None, max_length=300)
    slack_webhook_url: HttpUrl | None = None


class TeamRead(ApiModel):
    """A team."""

    id: uuid.UUID
    name: str
    description: str | None
    contact: str | None
    slack_webhook_url: str | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class MemberAdd(ApiModel):
    """Add a user to a team."""

    user_id: uuid.UUID
