"""Published contract versions of an asset."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tessera.db.base import CORE, Base, IdMixin, str_enum, utcnow
from tessera.enums import ContractStatus


class Contract(IdMixin, Base):
    """One version of an asset's contract: schema, guarantees and what changed at publish time."""

    __tablename__ = "contracts"
    __table_args__ = (
        sa.UniqueConstraint("asset_id", "version"),
        # At most one active contract per asset, enforced by the database.
        sa.Index(
            "uq_contracts_asset_id_active",
            "asset_id",
            unique=True,
            postgresql_where=sa.text("status = 'active'"),
            sqlite_where=sa.text("status = 'active'"),
        ),
        sa.Index("ix_contracts_asset_id_status", "asset_id", "status"),
        {"schema": CORE},
    )

    asset_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(f"{CORE}.assets.id"))
    version: Mapped[str] = mapped_column(sa.String(100))
    status: Mapped[ContractStatus] = mapped_column(str_enum(ContractStatus, "contract_status"))
    # Plain JSON (not JSONB) so the producer's property order is kept as published.
    schema_def: Mapped[dict[str, Any]] = mapped_column("schema", sa.JSON())
    schema_fingerprint: Mapped[str] = mapped_column(sa.String(64))
    guarantees: Mapped[dict[str, Any]] = mapped_column(default=dict)
    guarantees_fingerprint: Mapped[str] = mapped_column(sa.String(64))
    # Hash of the schema and guarantees exactly as submitted: an identical re-submission (a dbt re-sync)
    # is recognised without validating or normalising anything.
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    changes: Mapped[list[Any]] = mapped_column(default=list)
    bump: Mapped[str] = mapped_column(sa.String(16))
    forced: Mapped[bool] = mapped_column(default=False)
    force_reason: Mapped[str | None] = mapped_column(sa.Text)
    proposal_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid())
    published_by_team_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(f"{CORE}.teams.id"), index=True)
    published_by_user_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey(f"{CORE}.users.id"), index=True
    )
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    deprecated_at: Mapped[datetime | None] = mapped_column(default=None)
