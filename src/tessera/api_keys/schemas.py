"""API key shapes."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import AwareDatetime, Field

from tessera.enums import Scope
from tessera.schemas import ApiModel


class ApiKeyCreate(ApiModel):
    """A new key for a team (optionally a user of it)."""

    name: str = Field(min_length=1, max_length=200)
    team_id: uuid.UUID
    user_id: uuid.UUID | None = None
    scopes: list[Scope] = Field(default_factory=lambda: [Scope.READ], min_length=1)
    expires_at: AwareDatetime | None = None


class ApiKeyRead(ApiModel):
    """A key without its secret."""

    id: uuid.UUID
    key_id: str
    name: str
    team_id: uuid.UUID
    user_id: uuid.UUID | None
    scopes: list[Scope]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyRead):
    """A new key with its secret, shown this once."""

    key: str = Field(description="The full key; it is not stored and cannot be shown again.")
