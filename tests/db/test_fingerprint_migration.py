"""Migration 0003: fingerprints stored by older encoders are recomputed with the new one."""

from __future__ import annotations

import hashlib
import importlib.util
import uuid
from types import ModuleType

import httpx
import orjson
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy.engine import Connection

from tessera.core import json_fingerprint
from tessera.db.base import SQLITE_SCHEMA_MAP
from tessera.db.engine import create_engine
from tessera.db.migrate import MIGRATIONS_DIR
from tessera.db.models import Contract, Proposal
from tests.helpers import Api, record_schema, shared_asset

SCHEMA = record_schema({"id": "integer", "email": "string"})
GUARANTEES = {"columns": {"id": {"accepted_values": [1.0, 2.5]}}, "volume": {"min_rows": 1}}


def _migration() -> ModuleType:
    path = MIGRATIONS_DIR / "versions" / "20261206_0003_canonical_fingerprints.py"
    spec = importlib.util.spec_from_file_location("canonical_fp_migration", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _upgrade(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection = connection.execution_options(schema_translate_map=SQLITE_SCHEMA_MAP)
    with Operations.context(MigrationContext.configure(connection)):
        _migration().upgrade()


async def test_stale_fingerprints_are_recomputed_and_a_republish_stays_unchanged(
    client: httpx.AsyncClient, clean_database: str
) -> None:
    api = Api(client)
    owner = await api.team()
    asset = await api.asset(owner)
    published = (await api.publish(owner, asset["id"], SCHEMA, guarantees=GUARANTEES))["contract"]
    # What the previous encoders stored: orjson for guarantees ("1.0"), something else for the schema.
    stale_g = hashlib.sha256(orjson.dumps(published["guarantees"], option=orjson.OPT_SORT_KEYS)).hexdigest()
    assert stale_g != json_fingerprint(published["guarantees"])
    engine = create_engine(clean_database)
    try:
        contracts = Contract.__table__
        async with engine.begin() as conn:
            await conn.execute(
                sa.update(contracts).values(schema_fingerprint="0" * 64, guarantees_fingerprint=stale_g)
            )
        async with engine.begin() as conn:
            await conn.run_sync(_upgrade)
        async with engine.connect() as conn:
            row = (
                await conn.execute(
                    sa.select(contracts.c.schema_fingerprint, contracts.c.guarantees_fingerprint)
                )
            ).one()
    finally:
        await engine.dispose()
    assert row.schema_fingerprint == published["schema_fingerprint"]
    assert row.guarantees_fingerprint == json_fingerprint(published["guarantees"])
    # Another spelling of the same schema (required in another order): the fingerprints decide.
    respelled = {**SCHEMA, "required": list(reversed(SCHEMA["required"]))}
    again = await api.publish(owner, asset["id"], respelled, expect=200, guarantees=GUARANTEES)
    assert again["outcome"] == "unchanged"
    listed = await api.call("GET", f"/assets/{asset['id']}/contracts", 200, owner.read)
    assert listed["total"] == 1


async def test_an_open_proposal_is_still_found_after_the_upgrade(
    client: httpx.AsyncClient, clean_database: str
) -> None:
    api = Api(client)
    s = await shared_asset(api, SCHEMA, guarantees=GUARANTEES)
    owner, asset, base = s.owner, s.asset, s.contract
    breaking = record_schema({"id": "integer"})
    proposal = (await api.publish(owner, asset["id"], breaking, expect=202, guarantees=GUARANTEES))[
        "proposal"
    ]
    # Stale fingerprints, and the signature the old code made from them.
    stale_s, stale_g = "1" * 64, "2" * 64
    proposals = Proposal.__table__
    engine = create_engine(clean_database)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                sa.update(proposals).values(
                    schema_fingerprint=stale_s,
                    guarantees_fingerprint=stale_g,
                    change_signature=json_fingerprint([uuid.UUID(base["id"]).hex, stale_s, stale_g]),
                )
            )
            await conn.execute(sa.update(Contract.__table__).values(schema_fingerprint="0" * 64))
        async with engine.begin() as conn:
            await conn.run_sync(_upgrade)
    finally:
        await engine.dispose()
    again = await api.publish(owner, asset["id"], breaking, expect=202, guarantees=GUARANTEES)
    assert again["proposal"]["id"] == proposal["id"]
    listed = await api.call("GET", f"/assets/{asset['id']}/contracts", 200, owner.read)
    assert listed["total"] == 1
