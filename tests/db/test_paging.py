"""The one paginator: a page and its total, from one statement while the page has rows."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db import paging
from tessera.db.models import Team
from tessera.db.paging import PageTotal, encode_cursor, fetch_page
from tessera.errors import ValidationFailed
from tests.conftest import ON_POSTGRES

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


# Keyset continuation and bounded totals.


async def _walk(session: AsyncSession, stmt: sa.Select[Any], limit: int) -> list[Any]:
    """Every item of ``stmt``, page after page through ``next_cursor``."""
    seen: list[Any] = []
    cursor: str | None = None
    while True:
        items, total = await fetch_page(session, stmt, limit=limit, offset=0, cursor=cursor)
        seen.extend(items)
        assert isinstance(total, PageTotal)
        cursor = total.next_cursor
        if cursor is None:
            return seen


@pytest.fixture
async def tied(session: AsyncSession) -> AsyncSession:
    """Nine teams sharing three creation times, some without a description."""
    stamp = [datetime(2026, 1, d, tzinfo=UTC) for d in (1, 2, 3)]
    session.add_all(
        Team(name=f"t{i}", created_at=stamp[i % 3], description=None if i % 4 == 0 else f"d{i % 2}")
        for i in range(9)
    )
    await session.flush()
    return session


@pytest.mark.parametrize("limit", [1, 2, 4, 50])
@pytest.mark.parametrize(
    "order",
    [
        (Team.created_at.desc(), Team.id.desc()),
        (Team.created_at.asc(), Team.id.asc()),
        (Team.created_at.desc(), Team.id.asc()),  # mixed directions
        (Team.description.is_(None), Team.description.desc(), Team.id),  # a nullable key, NULLs grouped
    ],
    ids=["newest", "oldest", "mixed", "nullable"],
)
async def test_cursor_pages_visit_every_row_once_in_order(
    tied: AsyncSession, limit: int, order: tuple[Any, ...]
) -> None:
    stmt = sa.select(Team).order_by(*order)
    everything = list((await tied.execute(stmt)).scalars())
    assert [t.id for t in await _walk(tied, stmt, limit)] == [t.id for t in everything]


@pytest.mark.parametrize("limit", [1, 2, 4])
@pytest.mark.parametrize(
    "order",
    [
        (Team.created_at.desc(), Team.id.desc()),
        (Team.created_at.desc(), Team.id.asc()),
        (Team.description.is_(None), Team.description.desc(), Team.id),
    ],
    ids=["newest", "mixed", "nullable"],
)
async def test_previous_cursors_walk_back_through_the_same_pages(
    tied: AsyncSession, limit: int, order: tuple[Any, ...]
) -> None:
    stmt = sa.select(Team).order_by(*order)
    forward: list[list[uuid.UUID]] = []
    cursor: str | None = None
    while True:
        items, total = await fetch_page(tied, stmt, limit=limit, offset=0, cursor=cursor)
        assert isinstance(total, PageTotal)
        assert (total.previous_cursor is None) == (cursor is None)
        forward.append([t.id for t in items])
        last_total, cursor = total, total.next_cursor
        if cursor is None:
            break
    backward: list[list[uuid.UUID]] = [forward[-1]]
    cursor = last_total.previous_cursor
    while cursor is not None:
        items, total = await fetch_page(tied, stmt, limit=limit, offset=0, cursor=cursor)
        assert isinstance(total, PageTotal) and total.next_cursor is not None and total == 9
        backward.append([t.id for t in items])
        cursor = total.previous_cursor
    assert backward[::-1] == forward


async def test_going_back_to_a_short_start_shows_the_first_page(teams: AsyncSession) -> None:
    _, first = await fetch_page(teams, LIVE, limit=3, offset=0)
    assert isinstance(first, PageTotal) and first.next_cursor
    second, total = await fetch_page(teams, LIVE, limit=3, offset=0, cursor=first.next_cursor)
    assert isinstance(total, PageTotal) and total.previous_cursor
    await teams.delete(next(t for t in (await teams.execute(LIVE)).scalars() if t.name == NAMES[0]))
    await teams.flush()
    items, back = await fetch_page(teams, LIVE, limit=3, offset=0, cursor=total.previous_cursor)
    assert [t.name for t in items] == NAMES[1:4]
    assert isinstance(back, PageTotal) and back.previous_cursor is None


async def test_the_last_page_has_no_cursor_and_a_full_one_has(teams: AsyncSession) -> None:
    _, total = await fetch_page(teams, LIVE, limit=7, offset=0)
    assert isinstance(total, PageTotal) and total.next_cursor is None
    _, total = await fetch_page(teams, LIVE, limit=6, offset=0)
    assert isinstance(total, PageTotal) and total.next_cursor is not None


async def test_a_cursor_page_keeps_the_whole_total(teams: AsyncSession) -> None:
    _, first = await fetch_page(teams, LIVE, limit=3, offset=0)
    assert isinstance(first, PageTotal)
    items, total = await fetch_page(teams, LIVE, limit=3, offset=0, cursor=first.next_cursor)
    assert ([t.name for t in items], int(total)) == (NAMES[3:6], 7)


@pytest.mark.parametrize(
    "cursor",
    ["not base64 !", "bm90IGpzb24", encode_cursor("0000", ["x"])],
    ids=["garbage", "not-json", "other-ordering"],
)
async def test_a_foreign_cursor_is_a_422(teams: AsyncSession, cursor: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await fetch_page(teams, LIVE, limit=3, offset=0, cursor=cursor)
    assert caught.value.code == "invalid_cursor"


async def test_cursor_and_offset_together_are_refused(teams: AsyncSession) -> None:
    _, first = await fetch_page(teams, LIVE, limit=3, offset=0)
    assert isinstance(first, PageTotal)
    with pytest.raises(ValidationFailed):
        await fetch_page(teams, LIVE, limit=3, offset=3, cursor=first.next_cursor)


async def test_a_total_past_the_exact_limit_is_bounded(
    teams: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the limit PostgreSQL answers the planner's estimate, flagged; SQLite counts on, exactly."""
    monkeypatch.setattr(paging, "EXACT_TOTAL_LIMIT", 3)
    items, total = await fetch_page(teams, LIVE, limit=2, offset=0)
    assert isinstance(total, PageTotal) and len(items) == 2
    if ON_POSTGRES:
        assert total.estimated and total >= 4
    else:
        assert not total.estimated and total == 7
    _, small = await fetch_page(teams, LIVE.where(Team.name.in_(NAMES[:3])), limit=2, offset=0)
    assert isinstance(small, PageTotal) and (small, small.estimated) == (3, False)


@pytest.mark.skipif(not ON_POSTGRES, reason="only PostgreSQL estimates")
async def test_an_estimate_of_a_json_filter_falls_back_to_the_lower_bound(
    teams: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.dialects.postgresql import JSONB

    from tessera.db.models import Asset

    monkeypatch.setattr(paging, "EXACT_TOTAL_LIMIT", 0)
    stmt = sa.select(Asset.id).where(sa.type_coerce(Asset.tags, JSONB).contains(["pii"])).order_by(Asset.id)
    assert await paging._planner_rows(teams, stmt) == 0
