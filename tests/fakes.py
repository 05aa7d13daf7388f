"""Fakes for our own ports, used by service-level tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.auth.principal import Principal
from tessera.db.commit_hooks import after_commit
from tessera.enums import Scope

Forgotten = tuple[str | None, uuid.UUID | None, uuid.UUID | None]


@dataclass
class FakeKeyCache:
    """A :class:`tessera.auth.key_cache.KeyCache` that records what it forgets, when the session commits."""

    forgotten: list[Forgotten] = field(default_factory=list)

    def forget_after_commit(
        self,
        session: AsyncSession,
        *,
        key_id: str | None = None,
        team_id: uuid.UUID | None = None,
        user_id: uuid.UUID | None = None,
    ) -> None:
        after_commit(session, lambda: self.forgotten.append((key_id, team_id, user_id)))


ADMIN = Principal(None, None, "admin-key", frozenset({Scope.ADMIN}))


def team_key(team_id: uuid.UUID, scope: Scope = Scope.WRITE) -> Principal:
    """A principal holding a ``scope`` key of ``team_id``."""
    return Principal(team_id, None, f"key-{team_id.hex[:6]}", frozenset({scope}))
