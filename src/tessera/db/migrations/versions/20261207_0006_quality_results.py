"""quality results from dbt, source freshness and Great Expectations: run source, guarantee states

Revision ID: 0006
Revises: 0009
Create Date: 2026-12-07 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import tessera.db.base

revision: str = "0006"
down_revision: str | None = "0009"
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
        sa.Column(
            "states",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", tessera.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["core.assets.id"], name=op.f("fk_guarantee_states_asset_id_assets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guarantee_states")),
        sa.UniqueConstraint("asset_id", name=op.f("uq_guarantee_states_asset_id")),
        schema="core",
    )


def downgrade() -> None:
    op.drop_table("guarantee_states", schema="core")
    with op.batch_alter_table("quality_runs", schema=_schema("core")) as batch:
        batch.drop_index("ix_quality_runs_asset_id_source_run_id")
        batch.drop_column("source")
