"""An index in the inbox's order over every open proposal: deadline first, none last, newest first

Revision ID: 0018
Revises: 0013
Create Date: 2026-12-07 10:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Without it the web UI's inbox for an admin key sorted every open proposal (wide rows) for each page:
# 38 ms for 4,000 open proposals, 0.9 ms with it (bench/bench_large_lists.py, docs/benchmarks.md).


def upgrade() -> None:
    op.create_index(
        "ix_proposals_open_deadline",
        "proposals",
        [
            sa.literal_column("(expires_at IS NULL)"),
            "expires_at",
            sa.literal_column("created_at DESC"),
            sa.literal_column("id DESC"),
        ],
        schema="workflow",
        postgresql_where=sa.text("status = 'open'"),
        sqlite_where=sa.text("status = 'open'"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_proposals_open_deadline",
        table_name="proposals",
        schema="workflow",
        postgresql_where=sa.text("status = 'open'"),
        sqlite_where=sa.text("status = 'open'"),
    )
