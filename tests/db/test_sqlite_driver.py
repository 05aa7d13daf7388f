"""The one-trip SQLite connection: aiosqlite's cursor surface, answered from one execution."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import pytest

from tessera.db.sqlite_driver import OneTripConnection, connect


@pytest.fixture(params=[False, True], ids=["thread", "inline"])
async def connection(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[OneTripConnection]:
    conn = await connect(str(tmp_path / "d.db"), inline=request.param, check_same_thread=False)
    conn.sqlite.isolation_level = None
    cursor = conn.cursor()
    await cursor.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)")
    yield conn
    await conn.close()


async def test_rows_are_fetched_in_order_by_every_fetch_method(connection: OneTripConnection) -> None:
    cursor = connection.cursor()
    await cursor.executemany("INSERT INTO t (name) VALUES (?)", [(f"n{i}",) for i in range(5)])
    assert cursor.rowcount == 5
    await cursor.execute("SELECT id, name FROM t ORDER BY id")
    assert cursor.description is not None and [d[0] for d in cursor.description] == ["id", "name"]
    assert await cursor.fetchone() == (1, "n0")
    assert await cursor.fetchmany(2) == [(2, "n1"), (3, "n2")]
    assert await cursor.fetchall() == [(4, "n3"), (5, "n4")]
    assert await cursor.fetchone() is None
    assert await cursor.fetchmany(3) == []


async def test_a_write_reports_rowcount_and_lastrowid_and_no_rows(connection: OneTripConnection) -> None:
    async with connection.cursor() as cursor:
        await cursor.execute("INSERT INTO t (name) VALUES (?)", ("a",))
        assert (cursor.description, cursor.rowcount, cursor.lastrowid) == (None, 1, 1)
        assert await cursor.fetchall() == []
        await cursor.execute("UPDATE t SET name = name || '!'")
        assert cursor.rowcount == 1


async def test_database_errors_reach_the_caller(connection: OneTripConnection) -> None:
    cursor = connection.cursor()
    await cursor.execute("INSERT INTO t (name) VALUES ('x')")
    with pytest.raises(sqlite3.IntegrityError):
        await cursor.execute("INSERT INTO t (name) VALUES ('x')")
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        await cursor.execute("SELECT * FROM missing")


async def test_commit_and_rollback_apply_to_an_open_transaction(connection: OneTripConnection) -> None:
    cursor = connection.cursor()
    await cursor.execute("BEGIN")
    await cursor.execute("INSERT INTO t (name) VALUES ('gone')")
    await connection.rollback()
    await cursor.execute("BEGIN")
    await cursor.execute("INSERT INTO t (name) VALUES ('kept')")
    await connection.commit()
    assert not connection.in_transaction
    await connection.commit()  # nothing open: a no-op, as in sqlite3
    await cursor.execute("SELECT name FROM t")
    assert await cursor.fetchall() == [("kept",)]


async def test_statements_run_on_the_connection_thread_unless_inline(tmp_path: Path) -> None:
    def thread_name(_: sqlite3.Connection) -> str:
        return threading.current_thread().name

    threaded = await connect(str(tmp_path / "a.db"))
    inline = await connect(str(tmp_path / "b.db"), inline=True, check_same_thread=False)
    try:
        assert await threaded.call(thread_name, threaded.sqlite) != threading.current_thread().name
        assert await inline.call(thread_name, inline.sqlite) == threading.current_thread().name
    finally:
        await threaded.close()
        await inline.close()


async def test_the_private_aiosqlite_surface_the_driver_relies_on_is_there(tmp_path: Path) -> None:
    # Contract with aiosqlite (pinned to >=0.22.1,<0.23 in pyproject.toml, the range the lock file tests):
    # `_conn`, `_execute` and `_thread` are not documented. If an upgrade changes them, this test names
    # what broke and which version broke it.
    broke = f"aiosqlite {aiosqlite.__version__} changed the private surface db/sqlite_driver.py uses"
    conn = await connect(str(tmp_path / "c.db"), check_same_thread=False)
    try:
        assert isinstance(conn._thread, threading.Thread) and conn._thread.daemon, f"{broke}: _thread"
        assert isinstance(conn._conn, sqlite3.Connection) and conn.sqlite is conn._conn, f"{broke}: _conn"
        on_thread = await conn._execute(threading.get_ident)
        assert on_thread == conn._thread.ident != threading.get_ident(), f"{broke}: _execute's thread"
        assert await conn._execute(lambda a, b: a + b, 2, 3) == 5, f"{broke}: _execute(fn, *args)"
    finally:
        await conn.close()


def test_the_installed_aiosqlite_is_inside_the_range_the_driver_test_covers() -> None:
    # The pin and the lock must agree with what the test above ran against: a wider pin would let an
    # untested aiosqlite in.
    major, minor, patch = (int(part) for part in aiosqlite.__version__.split(".")[:3])
    assert (0, 22, 1) <= (major, minor, patch) < (0, 23, 0), aiosqlite.__version__
