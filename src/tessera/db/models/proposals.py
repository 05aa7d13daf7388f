"""Proposals for breaking changes and the consumer teams' acknowledgments."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tessera.db.base import CORE, WORKFLOW, Base, IdMixin, TimestampMixin, str_enum
from tessera.enums import AckResponse, ProposalKind, ProposalSource, ProposalStatus


class Proposal(IdMixin, TimestampMixin, Base):
    """A breaking change waiting for every affected consumer team to acknowledge it."""

    __tablename__ = "proposals"
    __table_args__ = (
        # At most one open proposal per asset, enforced by the database.
        sa.Index(
            "uq_proposals_asset_id_open",
            "asset_id",
            unique=True,
            postgresql_where=sa.text("status = 'open'"),
            sqlite_where=sa.text("status = 'open'"),
        ),
        sa.Index("ix_proposals_asset_id_status", "asset_id", "status"),
        sa.Index("ix_proposals_status_expires_at", "status", "expires_at"),
        # The inbox's default order over every open proposal (an admin without a team): deadline first,
        # those without one last, newest first among equals (proposals.repository.list_proposals).
        sa.Index(
            "ix_proposals_open_deadline",
            sa.text("(expires_at IS NULL)"),
            "expires_at",
            sa.text("created_at DESC"),
            sa.text("id DESC"),
            postgresql_where=sa.text("status = 'open'"),
            sqlite_where=sa.text("status = 'open'"),
        ),
        # The list's order (newest first), alone and after each filter it offers.
        sa.Index("ix_proposals_created_at_id", "created_at", "id"),
        sa.Index("ix_proposals_status_created_at", "status", "created_at", "id"),
        sa.Index("ix_proposals_proposed_by_team_id_created_at", "proposed_by_team_id", "created_at", "id"),
        sa.Index("ix_proposals_source_ref_created_at", "source_ref", "created_at"),
        {"schema": WORKFLOW},
    )

    asset_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(f"{CORE}.assets.id"))
    kind: Mapped[ProposalKind] = mapped_column(str_enum(ProposalKind, "proposal_kind"))
    status: Mapped[ProposalStatus] = mapped_column(str_enum(ProposalStatus, "proposal_status"))
    source: Mapped[ProposalSource] = mapped_column(str_enum(ProposalSource, "proposal_source"))
    source_ref: Mapped[str | None] = mapped_column(sa.String(300))
    base_contract_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey(f"{CORE}.contracts.id"), index=True
    )
    proposed_version: Mapped[str | None] = mapped_column(sa.String(100))
    schema_def: Mapped[dict[str, Any] | None] = mapped_column("schema", sa.JSON())
    schema_fingerprint: Mapped[str | None] = mapped_column(sa.String(64))
    guarantees: Mapped[dict[str, Any] | None] = mapped_column()
    guarantees_fingerprint: Mapped[str | None] = mapped_column(sa.String(64))
    changes: Mapped[list[Any]] = mapped_column(default=list)
    breaking_changes: Mapped[list[Any]] = mapped_column(default=list)
    change_signature: Mapped[str] = mapped_column(sa.String(64))
    suggested_bump: Mapped[str] = mapped_column(sa.String(16))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    proposed_by_team_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(f"{CORE}.teams.id"))
    proposed_by_user_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey(f"{CORE}.users.id"), index=True
    )
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    resolution_note: Mapped[str | None] = mapped_column(sa.Text)
    published_contract_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid())


class Acknowledgment(IdMixin, TimestampMixin, Base):
    """One consumer team's answer to a proposal (``pending`` until it answers)."""

    __tablename__ = "acknowledgments"
    __table_args__ = (
        sa.UniqueConstraint("proposal_id", "team_id"),
        sa.Index("ix_acknowledgments_team_id_response", "team_id", "response"),
        {"schema": WORKFLOW},
    )

    proposal_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(f"{WORKFLOW}.proposals.id"))
    team_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(f"{CORE}.teams.id"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey(f"{CORE}.users.id"), index=True)
    response: Mapped[AckResponse] = mapped_column(str_enum(AckResponse, "ack_response"))
    migration_deadline: Mapped[datetime | None] = mapped_column(default=None)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    responded_at: Mapped[datetime | None] = mapped_column(default=None)
    # False: the team is informed (it reads none of the affected columns); its answer does not block.
    required: Mapped[bool] = mapped_column(default=True)
    affected_columns: Mapped[list[Any]] = mapped_column(default=list)
    # Why the team is concerned: [{"kind": "direct"|"via"|"all_columns"|"unknown"|..., ...}]
    impact: Mapped[list[Any]] = mapped_column(default=list)
