"""Assets (warehouse tables and friends) and lineage edges between them."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tessera.core import CompatibilityMode, GuaranteeMode
from tessera.db.base import CORE, Base, IdMixin, SoftDeleteMixin, TimestampMixin, str_enum
from tessera.enums import ResourceType


class Asset(IdMixin, TimestampMixin, SoftDeleteMixin, Base):
    """A data asset with an owner team; its compatibility and guarantee modes belong to it."""

    __tablename__ = "assets"
    __table_args__ = (
        sa.Index(
            "uq_assets_fqn_environment_active",
            "fqn",
            "environment",
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        ),
        # Each list filter leads an index that continues in the list's order (FQN), so a page is read
        # in order from the index (docs/api.md, "Lists and pagination").
        sa.Index("ix_assets_owner_team_id_fqn", "owner_team_id", "fqn", "environment"),
        sa.Index("ix_assets_environment_fqn", "environment", "fqn"),
        sa.Index("ix_assets_resource_type_fqn", "resource_type", "fqn", "environment"),
        sa.Index("ix_assets_created_at_id", "created_at", "id"),
        # The few deleted assets, whose registrations lists hide (registrations/repository.py).
        sa.Index(
            "ix_assets_id_deleted",
            "id",
            postgresql_where=sa.text("deleted_at IS NOT NULL"),
            sqlite_where=sa.text("deleted_at IS NOT NULL"),
        ),
        sa.Index("ix_assets_steward_user_id", "steward_user_id"),
        sa.Index("ix_assets_dbt_unique_id", "dbt_unique_id"),
        {"schema": CORE},
    )

    fqn: Mapped[str] = mapped_column(sa.String(500))
    environment: Mapped[str] = mapped_column(sa.String(64), default="production")
    owner_team_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(f"{CORE}.teams.id"))
    steward_user_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey(f"{CORE}.users.id"))
    description: Mapped[str | None] = mapped_column(sa.Text)
    tags: Mapped[list[Any]] = mapped_column(default=list)
    resource_type: Mapped[ResourceType] = mapped_column(
        str_enum(ResourceType, "resource_type"), default=ResourceType.TABLE
    )
    compatibility_mode: Mapped[CompatibilityMode] = mapped_column(
        str_enum(CompatibilityMode, "compatibility_mode"), default=CompatibilityMode.BACKWARD
    )
    guarantee_mode: Mapped[GuaranteeMode] = mapped_column(
        str_enum(GuaranteeMode, "guarantee_mode"), default=GuaranteeMode.STRICT
    )
    require_passing_audit: Mapped[bool] = mapped_column(default=False)
    contact: Mapped[str | None] = mapped_column(sa.String(300))
    dbt_unique_id: Mapped[str | None] = mapped_column(sa.String(500))
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # output column -> [[upstream asset id, upstream column], ...], written by the sync.
    column_lineage: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # output column -> fingerprint of its normalised SQL expression ("definition changed" notices).
    column_definitions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Strict behaviour: every consumer team must answer a breaking change, whatever columns it reads.
    require_all_consumers: Mapped[bool] = mapped_column(default=False)


class AssetDependency(IdMixin, TimestampMixin, Base):
    """Lineage: ``downstream`` reads from ``upstream``."""

    __tablename__ = "asset_dependencies"
    __table_args__ = (
        sa.UniqueConstraint("downstream_asset_id", "upstream_asset_id"),
        sa.Index("ix_asset_dependencies_upstream_asset_id", "upstream_asset_id"),
        sa.CheckConstraint("downstream_asset_id <> upstream_asset_id", name="not_self"),
        {"schema": CORE},
    )

    downstream_asset_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(f"{CORE}.assets.id"))
    upstream_asset_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(f"{CORE}.assets.id"))
    kind: Mapped[str] = mapped_column(sa.String(32), default="reads")
