"""Audit event API shapes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from tessera.schemas import ApiModel


class AuditEventRead(ApiModel):
    """One audit event."""

    id: uuid.UUID
    occurred_at: datetime
    action: str
    target_type: str
    target_id: str
    asset_id: uuid.UUID | None = None
    """The asset the event concerns (the target, or the asset of a target contract, proposal or
    registration); none for events on teams, users, keys and webhooks."""
    actor_team_id: uuid.UUID | None
    actor_user_id: uuid.UUID | None
    actor_key_id: str | None
    request_id: str | None
    details: dict[str, Any]
