"""web UI sessions

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-07 00:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tessera.db.base

revision: str = "0005"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ui_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", tessera.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", tessera.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", tessera.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ui_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_ui_sessions_token_hash")),
        schema="core",
    )
    op.create_index("ix_ui_sessions_expires_at", "ui_sessions", ["expires_at"], unique=False, schema="core")
    op.create_index(op.f("ix_ui_sessions_key_id"), "ui_sessions", ["key_id"], unique=False, schema="core")


def downgrade() -> None:
    op.drop_index(op.f("ix_ui_sessions_key_id"), table_name="ui_sessions", schema="core")
    op.drop_index("ix_ui_sessions_expires_at", table_name="ui_sessions", schema="core")
    op.drop_table("ui_sessions", schema="core")
