"""Consumer registrations: a team declares that it reads an asset."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tessera.db.base import CORE, Base, IdMixin, SoftDeleteMixin, TimestampMixin

CONFIRMED = "confirmed"
SUGGESTED = "suggested"


class Registration(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    """A consumer team's dependency on an asset (not on one version); survives new versions."""

    __tablename__ = "registrations"
    __table_args__ = (
        sa.Index(
            "uq_registrations_asset_id_team_active",
            "asset_id",
            "consumer_team_id",
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        ),
        # The list's order (newest first), alone and after each filter it offers.
        sa.Index("ix_registrations_created_at_id", "created_at", "id"),
        sa.Index("ix_registrations_consumer_team_id_created_at", "consumer_team_id", "created_at", "id"),
        sa.Index("ix_registrations_asset_id_created_at", "asset_id", "created_at", "id"),
        {"schema": CORE},
    )

    asset_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(f"{CORE}.assets.id"))
    consumer_team_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(f"{CORE}.teams.id"))
    registered_by_user_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey(f"{CORE}.users.id"), index=True
    )
    pinned_version: Mapped[str | None] = mapped_column(sa.String(100))
    # Declared by the team by hand (kept across syncs); lower case.
    columns: Mapped[list[Any]] = mapped_column(default=list)
    # Declared columns the active contract no longer has (recomputed at every publish): shown, never stale.
    missing_columns: Mapped[list[Any]] = mapped_column(default=list)
    # Derived from column lineage by a sync (refreshed every sync); see tessera.core.gating.
    derived_columns: Mapped[list[Any]] = mapped_column(default=list)
    derived_scope: Mapped[str | None] = mapped_column(sa.String(16), default=None)
    scope_reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
    derived_by: Mapped[str | None] = mapped_column(sa.String(300), default=None)
    purpose: Mapped[str | None] = mapped_column(sa.Text)
    source: Mapped[str] = mapped_column(sa.String(32), default="api")
    # "confirmed", or "suggested": created for another team by a sync whose key does not act for that team.
    # A suggested registration informs its team but never makes its answer required until it confirms.
    status: Mapped[str] = mapped_column(sa.String(16), default=CONFIRMED)
