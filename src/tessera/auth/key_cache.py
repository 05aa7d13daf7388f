"""The port a service uses to stop a revoked key working at once: forget it from the key cache."""

from __future__ import annotations

import uuid
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession


class KeyCache(Protocol):
    """Forgets cached API keys once a session's change commits (the server's :class:`KeyAuthenticator`)."""

    def forget_after_commit(
        self,
        session: AsyncSession,
        *,
        key_id: str | None = None,
        team_id: uuid.UUID | None = None,
        user_id: uuid.UUID | None = None,
    ) -> None:
        """Forget a key, or every key of a team or user, when ``session`` commits; never if it rolls back."""
        ...
