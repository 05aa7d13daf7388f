"""API keys: a readable prefix plus a random secret, of which only a keyed hash is stored."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tessera.db.base import CORE, Base, IdMixin, TimestampMixin


class ApiKey(IdMixin, TimestampMixin, Base):
    """A credential of a team (optionally a user) with scopes."""

    __tablename__ = "api_keys"
    __table_args__ = (sa.Index("ix_api_keys_team_id", "team_id"), {"schema": CORE})

    key_id: Mapped[str] = mapped_column(sa.String(32), unique=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(200))
    team_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(f"{CORE}.teams.id"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey(f"{CORE}.users.id"), index=True)
    scopes: Mapped[list[Any]] = mapped_column()
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
