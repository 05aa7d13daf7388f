"""audit events name the asset they concern

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-07 04:45:00

A team's activity (its assets' events) was found by matching every event's target against the ids of
the team's assets, contracts, registrations and proposals; the asset is now stored on the event and
indexed with the time, and existing events get it from their targets.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Where each kind of target keeps its asset.
_OWNERS = (
    ("contract", "core.contracts"),
    ("proposal", "workflow.proposals"),
    ("registration", "core.registrations"),
)


def _schema(name: str) -> str | None:
    # SQLite has one file and no schemas (env.py maps them away).
    return None if op.get_bind().dialect.name == "sqlite" else name


def upgrade() -> None:
    with op.batch_alter_table("events", schema=_schema("audit")) as batch:
        batch.add_column(sa.Column("asset_id", sa.Uuid(), nullable=True))
    op.create_index(
        "ix_events_asset_id_occurred_at",
        "events",
        ["asset_id", "occurred_at"],
        unique=False,
        schema=_schema("audit"),
    )
    if op.get_bind().dialect.name == "postgresql":
        _backfill_postgresql()
    else:
        _backfill_sqlite()


def _backfill_postgresql() -> None:
    # The append-only trigger refuses updates; this one-time backfill runs with it off, in the migration's
    # transaction, so no other writer sees the table without it.
    op.execute("ALTER TABLE audit.events DISABLE TRIGGER events_append_only")
    op.execute("UPDATE audit.events SET asset_id = target_id::uuid WHERE target_type = 'asset'")
    for target_type, table in _OWNERS:
        op.execute(
            f"UPDATE audit.events AS e SET asset_id = t.asset_id FROM {table} AS t "  # noqa: S608 - constants
            f"WHERE e.target_type = '{target_type}' AND t.id::text = e.target_id"
        )
    op.execute("ALTER TABLE audit.events ENABLE TRIGGER events_append_only")


def _backfill_sqlite() -> None:
    # SQLite keeps a UUID as 32 hex digits and a target id as dashed text; schemas map away.
    op.execute(
        "UPDATE events SET asset_id = replace(target_id, '-', '') "
        "WHERE target_type = 'asset' AND length(target_id) = 36"
    )
    for target_type, table in _OWNERS:
        name = table.split(".")[1]
        op.execute(
            f"UPDATE events SET asset_id = (SELECT t.asset_id FROM {name} AS t "  # noqa: S608 - constants
            f"WHERE t.id = replace(events.target_id, '-', '')) WHERE target_type = '{target_type}'"
        )


def downgrade() -> None:
    op.drop_index("ix_events_asset_id_occurred_at", table_name="events", schema=_schema("audit"))
    with op.batch_alter_table("events", schema=_schema("audit")) as batch:
        batch.drop_column("asset_id")
