"""Alembic environment: async engines, PostgreSQL schemas, SQLite in one file."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from alembic import context
from sqlalchemy.engine import Connection

from tessera.config import get_settings
from tessera.db import models  # noqa: F401 - registers every table on Base.metadata
from tessera.db.base import SCHEMAS, SQLITE_SCHEMA_MAP, Base
from tessera.db.engine import create_engine

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return config.attributes.get("database_url") or get_settings().database_url


def _run(connection: Connection) -> None:
    is_sqlite = connection.dialect.name == "sqlite"
    if is_sqlite:
        connection = connection.execution_options(schema_translate_map=SQLITE_SCHEMA_MAP)
    else:
        for schema in SCHEMAS:
            connection.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_schemas=not is_sqlite,
        version_table_schema=None,
        render_as_batch=is_sqlite,
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = create_engine(_url())
    async with engine.connect() as conn:
        await conn.run_sync(_run)
        await conn.commit()
    await engine.dispose()


def run_migrations_online() -> None:
    """Run migrations against the configured database."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        asyncio.run(_run_async())


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run them against a database.")
run_migrations_online()
