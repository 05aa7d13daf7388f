"""Migration 0009: audit events name the asset they concern; existing events get it from their targets."""

from __future__ import annotations

import importlib.util
from types import ModuleType

import httpx
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy.engine import Connection

from tessera.db.base import SQLITE_SCHEMA_MAP
from tessera.db.engine import create_engine
from tessera.db.migrate import MIGRATIONS_DIR
from tessera.db.models import AuditEvent
from tests.conftest import ON_POSTGRES, OWNER_URL
from tests.helpers import Api, record_schema

SCHEMA = record_schema({"id": "integer", "email": "string"})


def _migration() -> ModuleType:
    path = MIGRATIONS_DIR / "versions" / "20261207_0009_audit_event_asset.py"
    spec = importlib.util.spec_from_file_location("audit_asset_migration", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _redo(connection: Connection) -> None:
    """Take the column away and add it again, as on a database migrated before it existed."""
    if connection.dialect.name == "sqlite":
        connection = connection.execution_options(schema_translate_map=SQLITE_SCHEMA_MAP)
    with Operations.context(MigrationContext.configure(connection)):
        migration = _migration()
        migration.downgrade()
        migration.upgrade()


async def _asset_ids(url: str) -> dict[tuple[str, str, str], object]:
    engine = create_engine(url)
    try:
        events = AuditEvent.__table__
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.select(events.c.action, events.c.target_type, events.c.target_id, events.c.asset_id)
                )
            ).all()
    finally:
        await engine.dispose()
    return {(r.action, r.target_type, r.target_id): r.asset_id for r in rows}


async def test_existing_events_get_the_asset_their_target_belongs_to(
    client: httpx.AsyncClient, clean_database: str
) -> None:
    api = Api(client)
    owner, consumer = await api.team(), await api.team()
    asset = await api.asset(owner)
    await api.publish(owner, asset["id"], SCHEMA)
    registration = await api.register(consumer, asset["id"])
    await api.call(
        "PATCH", f"/registrations/{registration['id']}", 200, consumer.write, json={"purpose": "x"}
    )
    written = await _asset_ids(clean_database)
    concerned = {k: v for k, v in written.items() if k[1] in ("asset", "contract", "registration")}
    assert {k[0] for k in concerned} >= {
        "asset.created",
        "contract.published",
        "registration.created",
        "registration.updated",
    }
    assert {str(v) for v in concerned.values()} == {asset["id"]}
    assert all(v is None for k, v in written.items() if k[1] == "team")

    engine = create_engine(OWNER_URL if ON_POSTGRES else clean_database)  # DDL takes the schema's owner
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_redo)
    finally:
        await engine.dispose()
    assert await _asset_ids(clean_database) == written


async def test_the_asset_filter_lists_the_events_of_its_contracts_and_registrations(
    client: httpx.AsyncClient,
) -> None:
    api = Api(client)
    owner, consumer = await api.team(), await api.team()
    asset, other = await api.asset(owner), await api.asset(owner)
    await api.publish(owner, asset["id"], SCHEMA)
    await api.publish(owner, other["id"], SCHEMA)
    await api.register(consumer, asset["id"])
    found = await api.call("GET", f"/audit/events?asset_id={asset['id']}", 200, owner.read)
    assert sorted(e["action"] for e in found["items"]) == [
        "asset.created",
        "contract.published",
        "registration.created",
    ]
    assert {e["asset_id"] for e in found["items"]} == {asset["id"]}
