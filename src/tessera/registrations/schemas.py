"""Registration API shapes."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from tessera.schemas import ApiModel


class RegistrationCreate(ApiModel):
    """A consumer team registers on an asset (not on one version)."""

    asset_id: uuid.UUID
    consumer_team_id: uuid.UUID | None = Field(default=None, description="Defaults to the key's team")
    pinned_version: str | None = Field(default=None, max_length=100)
    columns: list[str] = Field(
        default_factory=list, description="Columns the consumer reads (all when empty)"
    )
    purpose: str | None = Field(default=None, max_length=2000)


class RegistrationUpdate(ApiModel):
    """Changeable registration fields."""

    pinned_version: str | None = Field(default=None, max_length=100)
    columns: list[str] | None = None
    purpose: str | None = Field(default=None, max_length=2000)


class RegistrationRead(ApiModel):
    """A registration."""

    id: uuid.UUID
    asset_id: uuid.UUID
    consumer_team_id: uuid.UUID
    registered_by_user_id: uuid.UUID | None
    pinned_version: str | None
    columns: list[str]
    purpose: str | None
    source: str
    created_at: datetime
    updated_at: datetime
