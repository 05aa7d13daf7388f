"""Fresh planner statistics after a bulk change.

A sync that writes thousands of rows leaves the planner's statistics of those tables stale until
autovacuum's next ANALYZE, and a database without autovacuum (some managed and CI databases) never
refreshes them: the planner then takes a large table for an empty one and picks plans that read all of
it. So every session counts the rows it writes per table; when a commit brings the rows written to a
table since the last refresh to :data:`ANALYZE_AFTER_ROWS` (one bulk sync, or many small writes), those
tables are analysed, on a connection of their own, after the commit: never inside the change's
transaction, never failing it, and off the request's path (the answer does not wait for it). At startup
the server also analyses tables whose statistics lag that many changed rows (:func:`refresh_stale`).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import Counter

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

ANALYZE_AFTER_ROWS = 1_000
"""A transaction that writes this many rows to a table refreshes that table's statistics after commit."""

_KEY = "tessera_rows_written"
_running: set[asyncio.Task[None]] = set()
# Rows written per engine and table since this process last analysed it.
_written: weakref.WeakKeyDictionary[sa.Engine, Counter[sa.Table]] = weakref.WeakKeyDictionary()


def note_rows(session: Session, table: sa.FromClause, count: int) -> None:
    """Record that the session's transaction wrote ``count`` rows to ``table`` (bulk Core inserts)."""
    if isinstance(table, sa.Table):
        counter: Counter[sa.Table] = session.info.setdefault(_KEY, Counter())
        counter[table] += count


@sa.event.listens_for(Session, "after_flush")
def _count_flushed(session: Session, _context: object) -> None:
    for instance in (*session.new, *session.dirty, *session.deleted):
        table = getattr(type(instance), "__table__", None)
        if table is not None:
            note_rows(session, table, 1)


@sa.event.listens_for(Session, "after_commit")
def _analyze_after_commit(session: Session) -> None:
    counter: Counter[sa.Table] | None = session.info.pop(_KEY, None)
    bind = session.get_bind()
    if not counter or not isinstance(bind, sa.Engine) or not bind.dialect.is_async:
        return
    # Rows add up across transactions too: a thousand single-row writes change a table as much as one
    # bulk write, and without autovacuum nothing else would notice.
    written = _written.setdefault(bind, Counter())
    written.update(counter)
    tables = sorted((t for t, n in written.items() if n >= ANALYZE_AFTER_ROWS), key=lambda t: t.fullname)
    if not tables:
        return
    for table in tables:
        del written[table]
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # a synchronous session (migrations, scripts): nothing to schedule on
        return
    task = loop.create_task(analyze(AsyncEngine(bind), tables))
    _running.add(task)
    task.add_done_callback(_running.discard)


@sa.event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _previous: object) -> None:
    session.info.pop(_KEY, None)


async def analyze(engine: AsyncEngine, tables: list[sa.Table]) -> None:
    """Refresh the planner statistics of ``tables``; a failure is logged, never raised."""
    postgres = engine.dialect.name == "postgresql"
    names = [f'"{t.schema}"."{t.name}"' if postgres and t.schema else f'"{t.name}"' for t in tables]
    try:
        async with engine.begin() as conn:  # a short transaction of its own (SQLite stores sqlite_stat1)
            if postgres:
                # Through core.analyze_table (migration 0013): the application may run as a role that
                # does not own the tables, and only an owner may ANALYZE before PostgreSQL 17.
                analyze_one = sa.text("SELECT core.analyze_table(CAST(:t AS regclass))")
                for name in names:
                    await conn.execute(analyze_one, {"t": name})
            else:
                for name in names:
                    await conn.exec_driver_sql(f"ANALYZE {name}")
    except Exception:
        log.warning("ANALYZE of %s after a bulk change failed", ", ".join(names), exc_info=True)


async def refresh_stale(engine: AsyncEngine) -> None:
    """Analyse the tables whose statistics lag ``ANALYZE_AFTER_ROWS`` changed rows or more (PostgreSQL).

    Run once when the server starts: rows loaded or restored behind its back (a dump restored on a
    database without autovacuum) get statistics before the first lists are planned.
    """
    if engine.dialect.name != "postgresql":
        return
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                sa.text(
                    "SELECT schemaname, relname FROM pg_stat_user_tables "
                    "WHERE schemaname IN ('core', 'workflow', 'audit') AND n_mod_since_analyze >= :rows"
                ),
                {"rows": ANALYZE_AFTER_ROWS},
            )
            stale = [sa.Table(name, sa.MetaData(), schema=schema) for schema, name in rows.all()]
    except Exception:  # an optimisation: the server starts regardless
        log.warning("could not read which tables need statistics", exc_info=True)
        return
    if stale:
        await analyze(engine, stale)


def refresh_stale_in_background(engine: AsyncEngine) -> None:
    """:func:`refresh_stale` as a task: the server answers meanwhile."""
    task = asyncio.get_running_loop().create_task(refresh_stale(engine))
    _running.add(task)
    task.add_done_callback(_running.discard)


async def settled() -> None:
    """Wait for every ANALYZE scheduled so far (for tests, and for a clean shutdown)."""
    while _running:
        await asyncio.gather(*list(_running), return_exceptions=True)
