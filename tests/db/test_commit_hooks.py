"""Callbacks that wait for the commit."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.commit_hooks import after_commit


async def test_callbacks_run_after_the_commit_only(session: AsyncSession) -> None:
    calls: list[str] = []
    await session.execute(sa.text("SELECT 1"))
    after_commit(session, lambda: calls.append("first"))
    after_commit(session, lambda: calls.append("second"))
    assert calls == []
    await session.commit()
    assert calls == ["first", "second"]
    await session.execute(sa.text("SELECT 1"))
    await session.commit()
    assert calls == ["first", "second"]  # not run again by a later transaction


async def test_callbacks_are_dropped_when_the_transaction_rolls_back(session: AsyncSession) -> None:
    calls: list[str] = []
    await session.execute(sa.text("SELECT 1"))
    after_commit(session, lambda: calls.append("rolled back"))
    await session.rollback()
    await session.execute(sa.text("SELECT 1"))
    await session.commit()
    assert calls == []
