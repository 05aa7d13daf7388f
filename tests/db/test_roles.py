"""The least-privilege application role (PostgreSQL): rows yes, the audit trail's triggers no."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from tessera.db.engine import create_engine
from tessera.db.roles import app_role_grants
from tests.conftest import ON_POSTGRES

REFUSED = [
    ("TRUNCATE audit.events", "permission denied"),
    ("ALTER TABLE audit.events DISABLE TRIGGER ALL", "must be owner"),
    ("DROP TRIGGER events_append_only ON audit.events", "must be owner"),
    ("DELETE FROM audit.events", "permission denied"),
    ("UPDATE audit.events SET action = 'x'", "permission denied"),
    ("DROP TABLE core.teams", "must be owner"),
]


def test_role_names_are_checked() -> None:
    with pytest.raises(ValueError, match="lower-case SQL identifier"):
        app_role_grants("app; DROP TABLE x")


@pytest.mark.skipif(not ON_POSTGRES, reason="roles and grants exist on PostgreSQL")
async def test_the_app_role_cannot_touch_the_audit_trail(clean_database: str) -> None:
    role = f"tessera_app_{uuid.uuid4().hex[:8]}"
    engine = create_engine(clean_database)
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.text(f"CREATE ROLE {role} NOLOGIN"))
            for grant in app_role_grants(role):
                await conn.execute(sa.text(grant))
        async with engine.connect() as conn:
            await conn.execute(sa.text(f"SET ROLE {role}"))
            # What the server does: read and write rows, read the audit log.
            await conn.execute(sa.text("SELECT count(*) FROM core.teams"))
            await conn.execute(sa.text("SELECT count(*) FROM audit.events"))
            await conn.execute(sa.text("UPDATE core.teams SET description = description"))
            await conn.commit()
            for statement, refusal in REFUSED:
                with pytest.raises(sa.exc.DBAPIError, match=refusal):
                    await conn.execute(sa.text(statement))
                await conn.rollback()
            # SET ROLE is transactional and the connection goes back to the pool: undo it for good.
            await conn.execute(sa.text("RESET ROLE"))
            await conn.commit()
    finally:
        async with engine.begin() as conn:
            await conn.execute(sa.text("RESET ROLE"))
            await conn.execute(sa.text(f"DROP OWNED BY {role}"))
            await conn.execute(sa.text(f"DROP ROLE {role}"))
        await engine.dispose()
