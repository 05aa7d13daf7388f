"""The least-privilege application role (PostgreSQL): rows yes, the audit trail's triggers no."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from tessera.db.engine import create_engine
from tessera.db.roles import app_role_grants
from tests.conftest import AS_APP_ROLE, DATABASE_URL, ON_POSTGRES, OWNER_URL

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
    engine = create_engine(OWNER_URL)  # creating roles and granting take the owner
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


@pytest.mark.skipif(not AS_APP_ROLE, reason="run.py test-postgres runs the suite as the application role")
async def test_the_suite_itself_runs_as_a_role_that_cannot_touch_the_audit_trigger(
    clean_database: str,
) -> None:
    # The connection every other test (and the app under test) uses: not the owner, not a superuser.
    engine = create_engine(DATABASE_URL)
    try:
        async with engine.connect() as conn:
            super_user = await conn.scalar(
                sa.text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            )
            owner = await conn.scalar(sa.text("SELECT tableowner FROM pg_tables WHERE tablename = 'events'"))
            assert super_user is False and owner != await conn.scalar(sa.text("SELECT current_user"))
            for statement, refusal in REFUSED:
                with pytest.raises(sa.exc.DBAPIError, match=refusal):
                    await conn.execute(sa.text(statement))
                await conn.rollback()
            with pytest.raises(sa.exc.DBAPIError, match="must be owner"):
                await conn.execute(
                    sa.text("ALTER TABLE audit.events ENABLE REPLICA TRIGGER events_append_only")
                )
            await conn.rollback()
            with pytest.raises(sa.exc.DBAPIError, match="permission denied"):
                await conn.execute(sa.text("SET session_replication_role = replica"))
    finally:
        await engine.dispose()
