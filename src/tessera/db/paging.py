"""The one paginator: a limit/offset page of any list statement and how many rows match in all.

Every list endpoint fetches its page here, so how a page and its total are read is decided in one place
(keyset pages and cheaper totals would replace the body of ``fetch_page``, not its callers).
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar, overload

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


def _count(stmt: sa.Select[Any]) -> sa.Select[int]:
    """How many rows ``stmt`` matches."""
    return sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())


@overload
async def fetch_page(
    session: AsyncSession, stmt: sa.Select[T], *, limit: int, offset: int
) -> tuple[list[T], int]: ...


@overload
async def fetch_page(
    session: AsyncSession, stmt: sa.Select[Any], *, limit: int, offset: int, as_dicts: Literal[True]
) -> tuple[list[dict[str, Any]], int]: ...


async def fetch_page(
    session: AsyncSession, stmt: sa.Select[Any], *, limit: int, offset: int, as_dicts: bool = False
) -> tuple[list[Any], int]:
    """The page of ``stmt`` (filtered and ordered) from ``offset``, and how many rows match in all.

    ``stmt`` selects one thing (an ORM entity or a column): the items are those values. With
    ``as_dicts`` it selects columns: the items are plain dicts by column label, read through Core (no
    ORM compile state or row loading) for the hottest lists.

    One statement carries the page and its total, so they agree even while rows are written. The total is
    an uncorrelated scalar subquery (computed once, from indexes where it can be), not a window count,
    which would make the database materialise and sort every matching row to return one page. A page past
    the end has no row to carry the total: then a second statement counts.
    """
    counted = _count(stmt)
    paged = stmt.add_columns(counted.scalar_subquery()).limit(limit).offset(offset)
    if as_dicts:
        connection = await session.connection()
        result = await connection.execute(paged)
        names = list(result.keys())[:-1]
        rows = result.all()
        items: list[Any] = [dict(zip(names, row, strict=False)) for row in rows]
    else:
        rows = (await session.execute(paged)).all()
        items = [row[0] for row in rows]
    if rows:
        return items, int(rows[0][-1])
    if offset == 0:
        return [], 0
    return [], int((await session.execute(counted)).scalar_one())
