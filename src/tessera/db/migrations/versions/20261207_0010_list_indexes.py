"""list indexes: every list's order, alone and after each of its filters

Revision ID: 0010
Revises: 0011
Create Date: 2026-12-07 07:00:00

Lists read a page in their order straight from an index (and continue from a keyset cursor), instead of
sorting every matching row: registrations, proposals and assets by their order alone and after each
filter, audit events by actor and by target with the time. Single-column indexes that now lead a wider
one are dropped. A partial index of the deleted assets lets a registrations list hide those of deleted
assets without reading every asset.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (name, table, schema, columns)
_ADDED: tuple[tuple[str, str, str, list[str]], ...] = (
    ("ix_assets_owner_team_id_fqn", "assets", "core", ["owner_team_id", "fqn", "environment"]),
    ("ix_assets_environment_fqn", "assets", "core", ["environment", "fqn"]),
    ("ix_assets_resource_type_fqn", "assets", "core", ["resource_type", "fqn", "environment"]),
    ("ix_assets_created_at_id", "assets", "core", ["created_at", "id"]),
    ("ix_registrations_created_at_id", "registrations", "core", ["created_at", "id"]),
    (
        "ix_registrations_consumer_team_id_created_at",
        "registrations",
        "core",
        ["consumer_team_id", "created_at", "id"],
    ),
    ("ix_registrations_asset_id_created_at", "registrations", "core", ["asset_id", "created_at", "id"]),
    ("ix_proposals_created_at_id", "proposals", "workflow", ["created_at", "id"]),
    ("ix_proposals_status_created_at", "proposals", "workflow", ["status", "created_at", "id"]),
    (
        "ix_proposals_proposed_by_team_id_created_at",
        "proposals",
        "workflow",
        ["proposed_by_team_id", "created_at", "id"],
    ),
    ("ix_proposals_source_ref_created_at", "proposals", "workflow", ["source_ref", "created_at"]),
    (
        "ix_events_target_type_target_id_occurred_at",
        "events",
        "audit",
        ["target_type", "target_id", "occurred_at"],
    ),
    ("ix_events_actor_team_id_occurred_at", "events", "audit", ["actor_team_id", "occurred_at"]),
    (
        "ix_webhook_deliveries_webhook_id_status_created_at",
        "webhook_deliveries",
        "workflow",
        ["webhook_id", "status", "created_at"],
    ),
)

# Indexes a wider one above now leads: (name, table, schema, columns).
_REPLACED: tuple[tuple[str, str, str, list[str]], ...] = (
    ("ix_assets_owner_team_id", "assets", "core", ["owner_team_id"]),
    ("ix_registrations_consumer_team_id", "registrations", "core", ["consumer_team_id"]),
    ("ix_proposals_proposed_by_team_id", "proposals", "workflow", ["proposed_by_team_id"]),
    ("ix_events_target_type_target_id", "events", "audit", ["target_type", "target_id"]),
    ("ix_events_actor_team_id", "events", "audit", ["actor_team_id"]),
)


def _schema(name: str) -> str | None:
    # SQLite has one file and no schemas (env.py maps them away).
    return None if op.get_bind().dialect.name == "sqlite" else name


def upgrade() -> None:
    for name, table, schema, columns in _ADDED:
        op.create_index(name, table, columns, unique=False, schema=_schema(schema))
    deleted = sa.text("deleted_at IS NOT NULL")
    op.create_index(
        "ix_assets_id_deleted",
        "assets",
        ["id"],
        unique=False,
        schema=_schema("core"),
        postgresql_where=deleted,
        sqlite_where=deleted,
    )
    for name, table, schema, _ in _REPLACED:
        op.drop_index(name, table_name=table, schema=_schema(schema))


def downgrade() -> None:
    for name, table, schema, columns in _REPLACED:
        op.create_index(name, table, columns, unique=False, schema=_schema(schema))
    op.drop_index("ix_assets_id_deleted", table_name="assets", schema=_schema("core"))
    for name, table, schema, _ in reversed(_ADDED):
        op.drop_index(name, table_name=table, schema=_schema(schema))
