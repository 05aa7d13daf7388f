"""Append-only rows (audit events, outbox messages) staged per session and inserted in bulk at commit.

These rows are never read back inside the transaction that writes them, so building ORM objects for
them is wasted work: a 5,000-model dbt sync writes tens of thousands. They are kept in the session and
inserted with multi-row INSERTs just before the commit, inside the same transaction, so
they commit with the change or not at all. The insert goes a chunk at a time, each chunk's rows let go
once written: the driver's copy of a row (its JSON serialised) then exists for one chunk only, not for
every row of a big sync at once. A long operation that stages many rows (a dbt sync notifying thousands
of registrations) calls :func:`write_staged` between its steps, so they do not pile up until the commit.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from tessera.db.base import Base
from tessera.db.statistics import note_rows

_KEY = "tessera_bulk_rows"
INSERT_CHUNK = 1000
"""Rows per INSERT statement at commit."""


def stage(session: AsyncSession | Session, model: type[Base], row: dict[str, Any]) -> None:
    """Queue ``row`` for insertion into ``model``'s table when the transaction commits."""
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    sync.info.setdefault(_KEY, {}).setdefault(model, []).append(row)


def staged(session: AsyncSession | Session, model: type[Base]) -> list[dict[str, Any]]:
    """Rows of ``model`` waiting for the commit (for tests and diagnostics)."""
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    return list(sync.info.get(_KEY, {}).get(model, []))


async def write_staged(session: AsyncSession) -> None:
    """Insert the rows staged so far now, inside the transaction (they still commit or roll back with it).

    Bounds a long operation's memory: a staged row keeps its payload until it is written.
    """
    if session.sync_session.info.get(_KEY):
        await session.run_sync(_insert_staged)


@sa.event.listens_for(Session, "before_commit")
def _insert_staged(session: Session) -> None:
    pending: dict[type[Base], list[dict[str, Any]]] | None = session.info.pop(_KEY, None)
    if not pending:
        return
    session.flush()
    for model, rows in pending.items():
        count = len(rows)
        statement = sa.insert(model)
        while rows:
            session.execute(statement, rows[:INSERT_CHUNK])
            del rows[:INSERT_CHUNK]  # written: its payload can go before the next chunk is serialised
        note_rows(session, model.__table__, count)


@sa.event.listens_for(Session, "after_soft_rollback")
def _drop_staged(session: Session, _previous: object) -> None:
    session.info.pop(_KEY, None)
