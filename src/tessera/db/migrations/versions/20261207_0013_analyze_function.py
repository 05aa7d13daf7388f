"""core.analyze_table(): the least-privilege application role may refresh planner statistics

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-07 08:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Before PostgreSQL 17 only a table's owner may ANALYZE it, and the server may run as a role that only
# reads and writes rows (`tessera db grant-app-role`). This function runs ANALYZE as its owner, for
# Tessera's own tables only; the role is granted EXECUTE on it and nothing else.
FUNCTION = """
CREATE OR REPLACE FUNCTION core.analyze_table(target regclass) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    schema_name name;
BEGIN
    SELECT n.nspname INTO schema_name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.oid = target AND c.relkind = 'r';
    IF schema_name IS NULL OR schema_name NOT IN ('core', 'workflow', 'audit') THEN
        RAISE EXCEPTION 'core.analyze_table refreshes Tessera''s own tables only, not %', target;
    END IF;
    EXECUTE format('ANALYZE %s', target);
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION)
        op.execute("REVOKE ALL ON FUNCTION core.analyze_table(regclass) FROM PUBLIC")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS core.analyze_table(regclass)")
