"""webhook deliveries: the claim that holds a lease; webhooks: when a paused endpoint is probed next

Revision ID: 0012
Revises: 0008
Create Date: 2026-12-07 07:00:00

A worker renews the leases of the attempts it holds (a heartbeat), so the lease can be short and a
killed worker's attempts are taken over within seconds; ``locked_by`` names the claim, so a worker
that lost its lease neither renews nor records an attempt another worker took over. A paused endpoint
is probed with its oldest parked delivery at ``next_probe_at`` and resumes on success.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tessera.db.base

revision: str = "0012"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _schema(name: str) -> str | None:
    # SQLite has one file and no schemas (env.py maps them away); batch mode copies the table there.
    return None if op.get_bind().dialect.name == "sqlite" else name


def upgrade() -> None:
    with op.batch_alter_table("webhook_deliveries", schema=_schema("workflow")) as batch:
        batch.add_column(sa.Column("locked_by", sa.String(length=64), nullable=True))
    with op.batch_alter_table("webhooks", schema=_schema("workflow")) as batch:
        batch.add_column(
            sa.Column("next_probe_at", tessera.db.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("webhooks", schema=_schema("workflow")) as batch:
        batch.drop_column("next_probe_at")
    with op.batch_alter_table("webhook_deliveries", schema=_schema("workflow")) as batch:
        batch.drop_column("locked_by")
