"""limit/offset pages with their total, the way every list endpoint answers."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


async def fetch_page(
    session: AsyncSession, stmt: sa.Select[T], *, limit: int, offset: int
) -> tuple[list[T], int]:
    """The entities of ``stmt`` (already filtered and ordered) from ``offset``, and how many match in all."""
    counted: sa.Select[Any] = sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
    total = (await session.execute(counted)).scalar_one()
    rows = (await session.execute(stmt.limit(limit).offset(offset))).scalars().all()
    return list(rows), int(total)
