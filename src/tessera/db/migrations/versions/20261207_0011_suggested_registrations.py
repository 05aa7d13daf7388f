"""registrations: suggested until their team confirms; declared columns a contract dropped are flagged

A dbt exposure (or any reader in a synced project) owned by another team used to register that team as
a consumer without its consent, which the API refuses. Registrations now have a status: ``confirmed``,
or ``suggested`` when a sync whose key does not act for the consumer team created it. Existing rows are
confirmed, which keeps today's gating.

``missing_columns`` lists the declared columns the active contract no longer has (recomputed at every
publish), so a registration never silently names columns that are gone. Existing rows start empty.

Revision ID: 0011
Revises: 0012
Create Date: 2026-12-07 07:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _schema(name: str) -> str | None:
    # SQLite has one file and no schemas (env.py maps them away); batch mode copies the table there.
    return None if op.get_bind().dialect.name == "sqlite" else name


def upgrade() -> None:
    with op.batch_alter_table("registrations", schema=_schema("core")) as batch:
        batch.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="confirmed")
        )
        batch.add_column(sa.Column("missing_columns", _JSON, nullable=False, server_default=sa.text("'[]'")))
    # The defaults only fill existing rows; new rows get theirs from the model.
    with op.batch_alter_table("registrations", schema=_schema("core")) as batch:
        batch.alter_column("status", server_default=None)
        batch.alter_column("missing_columns", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("registrations", schema=_schema("core")) as batch:
        batch.drop_column("missing_columns")
        batch.drop_column("status")
