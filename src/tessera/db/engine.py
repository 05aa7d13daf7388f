"""Engines and session factories; SQLite and PostgreSQL configured on purpose.

The server keeps two engines on one database:

* the **write engine** serves requests that change something (and the background worker). On SQLite its
  transactions take the write lock up front (``BEGIN IMMEDIATE``) and its statements run on aiosqlite's
  per-connection threads, so a writer waiting for the lock never stalls the event loop.
* the **read engine** serves the read endpoints (every ``GET``, and read-only ``POST``s such as an impact
  analysis; see :mod:`tessera.deps`) and API-key lookups. Its connections refuse writes
  (``PRAGMA query_only`` on SQLite, ``default_transaction_read_only`` on PostgreSQL) and run in
  autocommit, so a read costs no ``BEGIN``/``COMMIT`` round trip and each statement sees a consistent
  snapshot of its own. On SQLite (WAL) a reader never waits for a lock, so its statements run inline on
  the event loop: a page read takes tens of microseconds, less than the hand-off to a thread, and threads
  contending for the GIL under concurrent load cost far more than that.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from tessera.db import sqlite_driver
from tessera.db import statistics as _statistics  # noqa: F401 - its listeners refresh statistics
from tessera.db.base import SQLITE_SCHEMA_MAP
from tessera.db.sqlite_driver import OneTripConnection


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def create_engine(
    database_url: str,
    *,
    echo: bool = False,
    read_only: bool = False,
    transaction_pooler: bool = False,
    pool_size: int = 10,
    max_overflow: int = 10,
) -> AsyncEngine:
    """An async engine for ``database_url``: the write engine, or with ``read_only`` the read engine.

    On PostgreSQL the engine keeps ``pool_size`` connections open and opens up to ``max_overflow`` more
    under load (``DB_POOL_SIZE``, ``DB_MAX_OVERFLOW``); SQLite's pool is sized for its one file.

    ``transaction_pooler``: PostgreSQL is reached through a pooler in transaction mode (PgBouncer,
    Supavisor), which hands each transaction to any server connection. asyncpg's prepared statements
    live on one server connection, so both statement caches are turned off and every prepared statement
    gets a unique name (otherwise "prepared statement ... does not exist" errors follow).
    """
    if database_url.startswith("sqlite"):
        return _sqlite_engine(database_url, echo=echo, read_only=read_only)
    options: dict[str, Any] = {}
    connect_args: dict[str, Any] = {}
    if read_only:
        options["isolation_level"] = "AUTOCOMMIT"
        connect_args["server_settings"] = {"default_transaction_read_only": "on"}
    if transaction_pooler:
        connect_args["statement_cache_size"] = 0
        connect_args["prepared_statement_cache_size"] = 0
        connect_args["prepared_statement_name_func"] = _unique_statement_name
    if connect_args:
        options["connect_args"] = connect_args
    return create_async_engine(
        database_url,
        echo=echo,
        json_serializer=_json_dumps,
        json_deserializer=orjson.loads,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
        **options,
    )


def _unique_statement_name() -> str:
    return f"__tessera_{uuid.uuid4().hex}__"


def _sqlite_engine(database_url: str, *, echo: bool, read_only: bool) -> AsyncEngine:
    path = sa.make_url(database_url).database or ":memory:"
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)

    def connect() -> Awaitable[OneTripConnection]:
        # check_same_thread=False: read connections are used on the event loop's thread.
        return sqlite_driver.connect(path, inline=read_only, timeout=30, check_same_thread=False)

    engine = create_async_engine(
        database_url,
        echo=echo,
        json_serializer=_json_dumps,
        json_deserializer=orjson.loads,
        async_creator=connect,
        # Every request holds a connection; keep enough of them that busy moments do not churn them.
        pool_size=20,
        max_overflow=10,
    ).execution_options(schema_translate_map=SQLITE_SCHEMA_MAP)

    @sa.event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" hook below issue BEGIN itself (pysqlite would defer it).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if read_only:
            # A WAL reader waits for a lock only in rare moments (recovery after a crash); it would wait
            # on the event loop, so not for long.
            cursor.execute("PRAGMA busy_timeout=2000")
            cursor.execute("PRAGMA query_only=ON")
        else:
            cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    if not read_only:

        @sa.event.listens_for(engine.sync_engine, "begin")
        def _sqlite_begin(conn: sa.Connection) -> None:
            # Writers take the write lock up front (BEGIN IMMEDIATE): they then queue on busy_timeout
            # instead of failing with "database is locked" when a read lock cannot be upgraded.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


REQUIRE_ALL_CONSUMERS = "tessera.require_all_consumers"
"""``session.info`` key: the global strict-gating switch (``REQUIRE_ALL_CONSUMERS`` setting)."""


def create_session_factory(
    engine: AsyncEngine, info: dict[str, object] | None = None
) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit (responses are built after the commit).

    ``info`` becomes every session's ``session.info``: app-wide policy the services read (see
    ``REQUIRE_ALL_CONSUMERS``).
    """
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False, info=dict(info or {}))


async def ping(engine: AsyncEngine) -> None:
    """One trivial statement on a pooled connection; raises when the database does not answer."""
    async with engine.connect() as conn:
        await conn.execute(sa.text("SELECT 1"))
