"""Web UI sessions: an API key exchanged for a browser session at sign-in."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tessera.db.base import CORE, Base, IdMixin, utcnow


class UiSession(IdMixin, Base):
    """A signed-in browser. Only a hash of the cookie's token is stored; the key is re-checked by id on
    every request, so revoking or expiring the key ends the session at once."""

    __tablename__ = "ui_sessions"
    __table_args__ = (sa.Index("ix_ui_sessions_expires_at", "expires_at"), {"schema": CORE})

    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    key_id: Mapped[str] = mapped_column(sa.String(32), index=True)
    csrf_token: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(nullable=False)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)
