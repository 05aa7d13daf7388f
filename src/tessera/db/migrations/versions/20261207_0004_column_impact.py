"""column-level impact: what each registration reads, asset column lineage, required answers

Registrations keep the columns a team declared by hand (``columns``) apart from the ones the dbt sync
derives from the SQL (``derived_columns``, ``derived_scope``, ``scope_reason``, ``derived_by``). Assets
store their column lineage and column definition fingerprints, and a switch that asks every consumer as
before. Acknowledgments say whether the team's answer is required, which columns concern it and why.
Existing rows get the values that keep today's behaviour: registrations without column information
(scope "unknown": their teams are still asked), and every existing acknowledgment required.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 00:50:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _schema(name: str) -> str | None:
    # SQLite has one file and no schemas (env.py maps them away); batch mode copies the table there.
    return None if op.get_bind().dialect.name == "sqlite" else name


def _json_default(value: str) -> Any:
    return sa.text(f"'{value}'")


# table -> (schema, [(column, type, server default used to fill existing rows or None for nullable)])
COLUMNS: dict[str, tuple[str, list[tuple[str, Any, Any]]]] = {
    "registrations": (
        "core",
        [
            ("derived_columns", _JSON, _json_default("[]")),
            ("derived_scope", sa.String(length=16), None),
            ("scope_reason", sa.Text(), None),
            ("derived_by", sa.String(length=300), None),
        ],
    ),
    "assets": (
        "core",
        [
            ("column_lineage", _JSON, _json_default("{}")),
            ("column_definitions", _JSON, _json_default("{}")),
            ("require_all_consumers", sa.Boolean(), sa.false()),
        ],
    ),
    "acknowledgments": (
        "workflow",
        [
            ("required", sa.Boolean(), sa.true()),
            ("affected_columns", _JSON, _json_default("[]")),
            ("impact", _JSON, _json_default("[]")),
        ],
    ),
}


def upgrade() -> None:
    for table, (schema, columns) in COLUMNS.items():
        with op.batch_alter_table(table, schema=_schema(schema)) as batch:
            for name, type_, default in columns:
                batch.add_column(sa.Column(name, type_, nullable=default is None, server_default=default))
        # The defaults only fill existing rows; new rows get theirs from the models.
        with op.batch_alter_table(table, schema=_schema(schema)) as batch:
            for name, type_, default in columns:
                if default is not None:
                    batch.alter_column(
                        name, existing_type=type_, existing_nullable=False, server_default=None
                    )


def downgrade() -> None:
    for table, (schema, columns) in COLUMNS.items():
        with op.batch_alter_table(table, schema=_schema(schema)) as batch:
            for name, _, _ in reversed(columns):
                batch.drop_column(name)
