"""audit log: refuse TRUNCATE as well as UPDATE and DELETE; webhooks.failing_since

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-07 04:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tessera.db.base

revision: str = "0008"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _schema(name: str) -> str | None:
    # SQLite has one file and no schemas (env.py maps them away); batch mode copies the table there.
    return None if op.get_bind().dialect.name == "sqlite" else name


def upgrade() -> None:
    # An endpoint is paused after failing for hours, not after a count of attempts: the start of the run.
    with op.batch_alter_table("webhooks", schema=_schema("workflow")) as batch:
        batch.add_column(
            sa.Column("failing_since", tessera.db.base.UTCDateTime(timezone=True), nullable=True)
        )
    if op.get_bind().dialect.name == "postgresql":
        # Row triggers do not fire for TRUNCATE: a statement trigger refuses it (also when another table's
        # TRUNCATE ... CASCADE reaches audit.events), with the same function and message.
        op.execute(
            "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON audit.events "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS events_no_truncate ON audit.events")
    with op.batch_alter_table("webhooks", schema=_schema("workflow")) as batch:
        batch.drop_column("failing_since")
