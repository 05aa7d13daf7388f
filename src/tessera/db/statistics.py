"""Fresh planner statistics after a bulk change.

A sync that writes thousands of rows leaves the planner's statistics of those tables stale until
autovacuum's next ANALYZE, and a database without autovacuum (some managed and CI databases) never
refreshes them: the planner then takes a large table for an empty one and picks plans that read all of
it. So every session counts the rows it writes per table; when a transaction that wrote at least
:data:`ANALYZE_AFTER_ROWS` rows to a table commits, those tables are analysed, on a connection of their
own, after the commit: never inside the change's transaction, never failing it, and off the request's
path (the answer does not wait for it).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

ANALYZE_AFTER_ROWS = 1_000
"""A transaction that writes this many rows to a table refreshes that table's statistics after commit."""

_KEY = "tessera_rows_written"
_running: set[asyncio.Task[None]] = set()


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
    if not counter:
        return
    tables = sorted((t for t, n in counter.items() if n >= ANALYZE_AFTER_ROWS), key=lambda t: t.fullname)
    bind = session.get_bind()
    if not tables or not isinstance(bind, sa.Engine) or not bind.dialect.is_async:
        return
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
                await conn.exec_driver_sql(f"ANALYZE {', '.join(names)}")
            else:
                for name in names:
                    await conn.exec_driver_sql(f"ANALYZE {name}")
    except Exception:
        log.warning("ANALYZE of %s after a bulk change failed", ", ".join(names), exc_info=True)


async def settled() -> None:
    """Wait for every ANALYZE scheduled so far (for tests, and for a clean shutdown)."""
    while _running:
        await asyncio.gather(*list(_running), return_exceptions=True)
