"""quality results from dbt, source freshness and Great Expectations: run source, guarantee states

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import tessera.db.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _schema(name: str) -> str | None:
    # SQLite has one file and no schemas (env.py maps them away); batch mode copies the table there.
    return None if op.get_bind().dialect.name == "sqlite" else name


def upgrade() -> None:
    with op.batch_alter_table("quality_runs", schema=_schema("core")) as batch:
        batch.add_column(sa.Column("source", sa.String(length=40), nullable=True))
        batch.create_index(
            "ix_quality_runs_asset_id_source_run_id", ["asset_id", "source", "run_id"], unique=True
        )
    op.create_table(
        "guarantee_states",
        sa.Column("asset_id", sa.Uuid(), nullable=False),
        sa.Column("guarantee", sa.String(length=300), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "passed",
                "warned",
                "failed",
                "error",
                "skipped",
                name="guarantee_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("since", tessera.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_run_at", tessera.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_run_id", sa.Uuid(), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("failing_rows", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column(
            "recent",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["core.assets.id"], name=op.f("fk_guarantee_states_asset_id_assets")
        ),
        sa.ForeignKeyConstraint(
            ["last_run_id"],
            ["core.quality_runs.id"],
            name=op.f("fk_guarantee_states_last_run_id_quality_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guarantee_states")),
        sa.UniqueConstraint("asset_id", "guarantee", name=op.f("uq_guarantee_states_asset_id_guarantee")),
        schema="core",
    )
    op.create_index(
        op.f("ix_guarantee_states_last_run_id"),
        "guarantee_states",
        ["last_run_id"],
        unique=False,
        schema="core",
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_guarantee_states_last_run_id"), table_name="guarantee_states", schema="core")
    op.drop_table("guarantee_states", schema="core")
    with op.batch_alter_table("quality_runs", schema=_schema("core")) as batch:
        batch.drop_index("ix_quality_runs_asset_id_source_run_id")
        batch.drop_column("source")
