"""The append-only audit log and data-quality (write-audit-publish) runs."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tessera.db.base import AUDIT, CORE, Base, IdMixin, str_enum, utcnow
from tessera.enums import QualityStatus


class AuditEvent(IdMixin, Base):
    """One mutation: who (key, user, team) did what (dotted action) to which target, and why."""

    __tablename__ = "events"
    __table_args__ = (
        sa.Index("ix_events_target_type_target_id_occurred_at", "target_type", "target_id", "occurred_at"),
        sa.Index("ix_events_actor_team_id_occurred_at", "actor_team_id", "occurred_at"),
        sa.Index("ix_events_action_occurred_at", "action", "occurred_at"),
        sa.Index("ix_events_occurred_at", "occurred_at"),
        sa.Index("ix_events_asset_id_occurred_at", "asset_id", "occurred_at"),
        {"schema": AUDIT},
    )

    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(sa.String(100))
    target_type: Mapped[str] = mapped_column(sa.String(50))
    target_id: Mapped[str] = mapped_column(sa.String(100))
    actor_team_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid())
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid())
    actor_key_id: Mapped[str | None] = mapped_column(sa.String(32))
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    asset_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid())
    """The asset the event concerns (the target, or the asset of a target contract, proposal or
    registration): a team's activity is the events on its assets, read through one index. No foreign
    key: the audit trail outlives what it describes."""


class QualityRun(IdMixin, Base):
    """A data-quality run on an asset (dbt test, Great Expectations, ...) with per-guarantee results."""

    __tablename__ = "quality_runs"
    __table_args__ = (
        sa.Index("ix_quality_runs_asset_id_run_at", "asset_id", "run_at"),
        # One run per asset and tool invocation (hand-made runs have no source: NULLs never collide).
        sa.Index("ix_quality_runs_asset_id_source_run_id", "asset_id", "source", "run_id", unique=True),
        {"schema": CORE},
    )

    asset_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(f"{CORE}.assets.id"))
    status: Mapped[QualityStatus] = mapped_column(str_enum(QualityStatus, "quality_status"))
    run_id: Mapped[str | None] = mapped_column(sa.String(200))
    triggered_by: Mapped[str | None] = mapped_column(sa.String(100))
    source: Mapped[str | None] = mapped_column(sa.String(40))
    results: Mapped[list[Any]] = mapped_column(default=list)
    guarantees_checked: Mapped[int] = mapped_column(default=0)
    guarantees_passed: Mapped[int] = mapped_column(default=0)
    guarantees_failed: Mapped[int] = mapped_column(default=0)
    run_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_team_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey(f"{CORE}.teams.id"), index=True
    )


class GuaranteeState(IdMixin, Base):
    """Where the checked guarantees of one asset stand: one row per asset, one entry per guarantee.

    ``states`` maps a guarantee key (``not_null:customer_id``, ``freshness``, ``custom:<name>``) to
    ``{status, since, last_run_at, last_run_id, source, failing_rows, message, recent}``; ``recent`` holds
    the last ``[status, run_at]`` pairs, newest last. One document per asset (not a row per guarantee)
    keeps an upload of 20,000 dbt results to about a thousand row writes.
    """

    __tablename__ = "guarantee_states"
    __table_args__ = {"schema": CORE}

    asset_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(f"{CORE}.assets.id"), unique=True)
    states: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
