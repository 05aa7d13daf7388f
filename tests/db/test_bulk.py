"""Rows staged for the commit (audit events, outbox messages) are all written with it, or none are."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.audit.service import record_many
from tessera.db import bulk
from tessera.db.models import AuditEvent
from tests.fakes import ADMIN


async def audit_count(session: AsyncSession) -> int:
    return int(await session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) or 0)


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "INSERT_CHUNK", 7)


async def test_every_staged_row_is_written_across_chunks(session: AsyncSession) -> None:
    before = await audit_count(session)
    await record_many(session, ADMIN, [("team.created", "team", i, {"n": i}) for i in range(23)])
    await session.commit()
    assert await audit_count(session) == before + 23
    written = await session.scalars(sa.select(AuditEvent.details).where(AuditEvent.action == "team.created"))
    assert sorted(d["n"] for d in written) == list(range(23))
    assert bulk.staged(session, AuditEvent) == []


async def test_a_rollback_writes_none_of_them(session: AsyncSession) -> None:
    before = await audit_count(session)
    await record_many(session, ADMIN, [("team.created", "team", i, {}) for i in range(10)])
    await session.rollback()
    await session.commit()
    assert await audit_count(session) == before


async def test_rows_written_before_the_commit_still_roll_back_with_it(session: AsyncSession) -> None:
    before = await audit_count(session)
    await record_many(session, ADMIN, [("team.created", "team", i, {"n": i}) for i in range(9)])
    await bulk.write_staged(session)  # a long operation writes what it staged so far
    assert bulk.staged(session, AuditEvent) == []
    assert await audit_count(session) == before + 9  # visible inside the transaction
    await record_many(session, ADMIN, [("team.created", "team", i, {"n": i}) for i in range(9, 12)])
    await session.rollback()
    await session.commit()
    assert await audit_count(session) == before


async def test_rows_written_early_and_at_the_commit_are_all_kept(session: AsyncSession) -> None:
    before = await audit_count(session)
    await bulk.write_staged(session)  # nothing staged: nothing to do
    await record_many(session, ADMIN, [("team.created", "team", i, {"n": i}) for i in range(9)])
    await bulk.write_staged(session)
    await record_many(session, ADMIN, [("team.created", "team", i, {"n": i}) for i in range(9, 12)])
    await session.commit()
    assert await audit_count(session) == before + 12
