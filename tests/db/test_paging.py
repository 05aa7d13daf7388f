"""The one paginator: a page and its total, from one statement while the page has rows."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.models import Team
from tessera.db.paging import fetch_page

NAMES = [f"team-{i:02d}" for i in range(7)]


@pytest.fixture
async def teams(session: AsyncSession) -> AsyncSession:
    """Seven teams and one deleted team."""
    session.add_all(Team(id=uuid.uuid4(), name=name) for name in NAMES)
    session.add(Team(id=uuid.uuid4(), name="gone", deleted_at=sa.func.now()))
    await session.flush()
    return session


@pytest.fixture
def statements(session: AsyncSession) -> Iterator[list[str]]:
    """The SQL statements the session sends while the test runs."""
    sent: list[str] = []
    engine = session.bind.sync_engine  # type: ignore[union-attr]

    def record(*args: Any) -> None:
        sent.append(args[2])

    sa.event.listen(engine, "before_cursor_execute", record)
    yield sent
    sa.event.remove(engine, "before_cursor_execute", record)


LIVE = sa.select(Team).where(Team.deleted_at.is_(None)).order_by(Team.name)


@pytest.mark.parametrize(
    ("limit", "offset", "names", "queries"),
    [
        (3, 0, NAMES[:3], 1),
        (3, 6, NAMES[6:], 1),
        (3, 7, [], 2),  # past the end: no row carries the total, so it is counted apart
        (50, 100, [], 2),
    ],
)
async def test_entities_and_their_total(
    teams: AsyncSession, statements: list[str], limit: int, offset: int, names: list[str], queries: int
) -> None:
    items, total = await fetch_page(teams, LIVE, limit=limit, offset=offset)
    assert ([t.name for t in items], total) == (names, 7)
    assert len(statements) == queries


async def test_plain_rows_and_their_total(teams: AsyncSession, statements: list[str]) -> None:
    stmt = sa.select(Team.name, Team.description).where(Team.deleted_at.is_(None)).order_by(Team.name)
    items, total = await fetch_page(teams, stmt, limit=2, offset=1, as_dicts=True)
    assert (items, total) == ([{"name": n, "description": None} for n in NAMES[1:3]], 7)
    assert len(statements) == 1


async def test_an_empty_list_is_one_statement(teams: AsyncSession, statements: list[str]) -> None:
    nothing = LIVE.where(Team.name == "nobody")
    assert await fetch_page(teams, nothing, limit=10, offset=0) == ([], 0)
    assert len(statements) == 1
