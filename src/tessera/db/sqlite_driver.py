"""SQLite for the async engine with one trip to the connection's thread per statement.

aiosqlite runs each sqlite3 connection on a thread of its own, and every call on it (making a cursor,
executing, fetching, closing the cursor) is a hand-off to that thread and back: SQLAlchemy's adapter makes
four of them per statement, which cost more than the statement itself on a small read. The cursor here
executes, fetches every row and closes in one hand-off, then answers ``fetch*`` from memory. It plugs into
SQLAlchemy's own aiosqlite dialect through ``create_async_engine(async_creator=...)``.

An *inline* connection (the read engine's) skips the thread for statements altogether and runs them on the
calling thread; only connecting and closing still go through aiosqlite's thread.

What it relies on from aiosqlite beyond its documented surface: ``Connection._execute`` (queue a call on
the connection's thread) and ``Connection._conn`` (the sqlite3 connection), which SQLAlchemy's adapter
uses as well, and ``Connection._thread`` (made a daemon, as SQLAlchemy does). aiosqlite is pinned below
its next minor release and ``tests/db/test_sqlite_driver.py`` checks these three.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import aiosqlite

_Description = tuple[tuple[Any, ...], ...] | None


def _execute(
    connection: sqlite3.Connection, sql: str, parameters: Any, many: bool
) -> tuple[_Description, list[Any], int, int | None]:
    """Runs on the connection's thread: execute, fetch everything, close the cursor."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripCursor:
    """The part of aiosqlite's cursor that SQLAlchemy uses, answered from one execution's results."""

    arraysize = 1

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self._rows: list[Any] = []
        self._position = 0
        self.description: _Description = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Any = ()) -> OneTripCursor:
        """Execute ``sql`` and keep all of its rows."""
        await self._run(sql, parameters, many=False)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> OneTripCursor:
        """Execute ``sql`` once per parameter set."""
        await self._run(sql, parameters, many=True)
        return self

    async def _run(self, sql: str, parameters: Any, *, many: bool) -> None:
        result = await self._connection.call(_execute, self._connection.sqlite, sql, parameters, many)
        self.description, self._rows, self.rowcount, self.lastrowid = result
        self._position = 0

    async def fetchone(self) -> Any:
        """The next row, or None."""
        if self._position >= len(self._rows):
            return None
        self._position += 1
        return self._rows[self._position - 1]

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        """Up to ``size`` further rows."""
        start = self._position
        self._position = min(len(self._rows), start + (size or self.arraysize))
        return self._rows[start : self._position]

    async def fetchall(self) -> Sequence[Any]:
        """Every remaining row."""
        rows = self._rows[self._position :] if self._position else self._rows
        self._rows, self._position = [], 0
        return rows

    async def close(self) -> None:
        """Drop the rows (the sqlite3 cursor is already closed)."""
        self._rows = []
        self._position = 0


class OneTripConnection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors make one trip to the thread per statement (or none)."""

    inline = False
    """Run statements on the calling thread (only for connections that never wait for a lock)."""

    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        """A cursor; making it costs no trip to the thread."""
        return OneTripCursor(self)

    async def commit(self) -> None:
        """Commit, skipping the trip when no transaction is open (as sqlite3 itself would)."""
        if self._conn.in_transaction:
            await super().commit()

    async def rollback(self) -> None:
        """Roll back, skipping the trip when no transaction is open (as sqlite3 itself would)."""
        if self._conn.in_transaction:
            await super().rollback()

    @property
    def sqlite(self) -> sqlite3.Connection:
        """The underlying sqlite3 connection (use it only on the connection's thread)."""
        return self._conn

    async def call(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run ``function(*args)`` on the connection's thread, or right here when ``inline``."""
        if self.inline:
            return function(*args)
        return await self._execute(function, *args)  # type: ignore[no-untyped-call]


async def connect(database: str, *, inline: bool = False, **kwargs: Any) -> OneTripConnection:
    """An open :class:`OneTripConnection` to ``database`` (``kwargs`` go to ``sqlite3.connect``)."""

    def connector() -> sqlite3.Connection:
        opened: sqlite3.Connection = sqlite3.connect(database, **kwargs)
        return opened

    connection = OneTripConnection(connector, iter_chunk_size=64)
    connection.inline = inline
    # As SQLAlchemy does for aiosqlite: a forgotten connection must not keep the process alive.
    connection._thread.daemon = True
    await connection  # starts the thread and connects on it
    return connection
