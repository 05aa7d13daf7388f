"""delivery status and channel: CHECK constraints like every other enum column

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06 22:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# column -> (constraint name, allowed values); the names follow the model base's naming convention.
CHECKS = {
    "status": (
        "ck_webhook_deliveries_delivery_status",
        ("pending", "retrying", "delivered", "failed", "paused", "cancelled"),
    ),
    "channel": ("ck_webhook_deliveries_delivery_channel", ("webhook", "slack", "email")),
}


def _schema() -> str | None:
    # SQLite has one file and no schemas (env.py maps them away); batch mode copies the table there.
    return None if op.get_bind().dialect.name == "sqlite" else "workflow"


def upgrade() -> None:
    with op.batch_alter_table("webhook_deliveries", schema=_schema()) as batch:
        for column, (name, values) in CHECKS.items():
            batch.alter_column(
                column,
                existing_type=sa.String(length=16),
                type_=sa.String(length=32),
                existing_nullable=False,
            )
            allowed = ", ".join(f"'{v}'" for v in values)
            batch.create_check_constraint(op.f(name), sa.text(f"{column} IN ({allowed})"))


def downgrade() -> None:
    with op.batch_alter_table("webhook_deliveries", schema=_schema()) as batch:
        for column, (name, _) in CHECKS.items():
            batch.drop_constraint(op.f(name), type_="check")
            batch.alter_column(
                column,
                existing_type=sa.String(length=32),
                type_=sa.String(length=16),
                existing_nullable=False,
            )
