"""Engine and session factory; SQLite and PostgreSQL configured on purpose."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from tessera.db.base import SQLITE_SCHEMA_MAP

READ_ONLY = "tessera_read_only"
"""Execution option marking a session that only reads (see :func:`mark_read_only`)."""


async def mark_read_only(session: AsyncSession) -> None:
    """Declare that ``session`` will only read: no BEGIN/COMMIT round trips, and on SQLite no write lock.

    Each statement then sees a consistent snapshot of its own; list endpoints fetch their page and its
    total in one statement. (SQLite connections already run without driver-managed transactions, so
    only the marker is needed there; PostgreSQL switches the connection to autocommit.)
    """
    options: dict[str, Any] = {READ_ONLY: True}
    if session.get_bind().dialect.name != "sqlite":
        options["isolation_level"] = "AUTOCOMMIT"
    await session.connection(execution_options=options)


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def create_engine(database_url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine for ``database_url``; SQLite gets WAL, foreign keys and the schema map."""
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            database_url,
            echo=echo,
            json_serializer=_json_dumps,
            json_deserializer=orjson.loads,
            connect_args={"timeout": 30},
        )
        engine = engine.execution_options(schema_translate_map=SQLITE_SCHEMA_MAP)

        @sa.event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy's "begin" hook below issue BEGIN itself (pysqlite would defer it).
            dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @sa.event.listens_for(engine.sync_engine, "begin")
        def _sqlite_begin(conn: sa.Connection) -> None:
            # Writers take the write lock up front (BEGIN IMMEDIATE): they then queue on busy_timeout
            # instead of failing with "database is locked" when a read lock cannot be upgraded. Readers
            # (sessions marked read-only) run in autocommit and never wait for writers (WAL).
            if not conn.get_execution_options().get(READ_ONLY):
                conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_async_engine(
        database_url,
        echo=echo,
        json_serializer=_json_dumps,
        json_deserializer=orjson.loads,
        pool_size=10,
        max_overflow=10,
        pool_pre_ping=True,
    )


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit (responses are built after the commit)."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
