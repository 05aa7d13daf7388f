"""limit/offset pages with their total, the way every list endpoint answers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


def _count(stmt: sa.Select[Any]) -> sa.Select[Any]:
    """How many rows ``stmt`` matches."""
    return sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())


def _as_dicts(names: list[str], rows: Sequence[sa.Row[Any]]) -> list[dict[str, Any]]:
    """Rows as dicts by ``names``; columns past the last name (a page's total) are left out."""
    return [dict(zip(names, row, strict=False)) for row in rows]


async def fetch_page(
    session: AsyncSession, stmt: sa.Select[T], *, limit: int, offset: int
) -> tuple[list[T], int]:
    """The entities of ``stmt`` (already filtered and ordered) from ``offset``, and how many match in all."""
    total = (await session.execute(_count(stmt))).scalar_one()
    rows = (await session.execute(stmt.limit(limit).offset(offset))).scalars().all()
    return list(rows), int(total)


async def fetch_row_page(
    session: AsyncSession, stmt: sa.Select[Any], *, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """Plain rows (dicts by column label) of a Core ``stmt`` from ``offset``, and how many match in all.

    For the hottest list endpoints: one statement carries the page and its total, so they agree, and Core
    execution skips the ORM's compile state and row loading. The total is an uncorrelated scalar subquery
    (computed once, from indexes where it can be), not a window count, which would make the database
    materialise and sort every matching row to return one page.
    """
    connection = await session.connection()
    counted = _count(stmt)
    result = await connection.execute(stmt.add_columns(counted.scalar_subquery()).limit(limit).offset(offset))
    rows = result.all()
    if rows:
        return _as_dicts(list(result.keys())[:-1], rows), int(rows[0][-1])
    # An offset past the end returns no row to carry the total: count separately.
    return [], (await connection.execute(counted)).scalar_one()


async def fetch_rows(session: AsyncSession, stmt: sa.Select[Any]) -> list[dict[str, Any]]:
    """Every row of a Core ``stmt`` as a dict by column label."""
    result = await (await session.connection()).execute(stmt)
    return _as_dicts(list(result.keys()), result.all())
