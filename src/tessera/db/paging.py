"""The one paginator: a page of any list statement, how to continue, and how many rows match in all.

Every list endpoint fetches its page here, so how a page and its total are read is decided in one place.

- **Keyset continuation.** Each page names its successor with a cursor: the last row's values of the
  statement's ``ORDER BY`` keys. The next page is "rows after these values", which the index serving the
  order reads directly, so page 10,000 costs what page 1 costs. ``offset`` still works (and still costs
  what it skips).
- **Going back.** A page reached by a cursor also names its predecessor: a cursor marked "before", whose
  page is read in the reverse order (the same index, scanned backwards) and turned round. The web UI's
  "Previous" links use it; a page that reaches the start again is the first page.
- **Bounded totals.** The total is counted exactly up to :data:`EXACT_TOTAL_LIMIT` rows (the count
  stops there, so it never costs more than reading that many index entries). Beyond it the total is the
  planner's estimate on PostgreSQL (flagged ``estimated``); SQLite, used for small installations, counts
  on in a second statement.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal, TypeVar, overload

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from tessera.errors import ValidationFailed

T = TypeVar("T")

EXACT_TOTAL_LIMIT = 1_000
"""Totals up to this many rows are exact; larger ones are estimates (see the module docstring).

Counting reads one index entry and, until VACUUM marks the pages all-visible, one table row per counted
row: at 10,000 that count dominated a filtered page of audit events (bench/bench_large_lists.py)."""


class PageTotal(int):
    """The total of a page (an ``int``, so callers that only count keep working), plus what the
    response says about it: whether it is an estimate, the cursor of the next page (``None`` on the
    last page) and that of the previous page (``None`` on the first page and on one read by offset 0)."""

    estimated: bool
    next_cursor: str | None
    previous_cursor: str | None

    def __new__(
        cls,
        value: int,
        *,
        estimated: bool = False,
        next_cursor: str | None = None,
        previous_cursor: str | None = None,
    ) -> PageTotal:
        """A total of ``value`` rows."""
        obj = super().__new__(cls, value)
        obj.estimated = estimated
        obj.next_cursor = next_cursor
        obj.previous_cursor = previous_cursor
        return obj


def _order_keys(stmt: sa.Select[Any]) -> list[tuple[sa.ColumnElement[Any], bool]]:
    """The statement's ORDER BY keys as (expression, descending)."""
    keys: list[tuple[sa.ColumnElement[Any], bool]] = []
    for clause in stmt._order_by_clauses:
        if isinstance(clause, UnaryExpression) and clause.modifier in (operators.desc_op, operators.asc_op):
            keys.append((clause.element, clause.modifier is operators.desc_op))
        else:
            keys.append((clause, False))
    return keys


def _signature(keys: Sequence[tuple[sa.ColumnElement[Any], bool]]) -> str:
    """A short fingerprint of an ordering, so a cursor of another list or sort is refused."""
    text = ";".join(f"{expr}{' desc' if desc else ''}" for expr, desc in keys)
    return hashlib.blake2s(text.encode(), digest_size=6).hexdigest()


def _encode_value(value: object) -> object:
    if isinstance(value, datetime):
        return {"d": value.isoformat()}
    if isinstance(value, uuid.UUID):
        return {"u": str(value)}
    return value


def _decode_value(value: object) -> object:
    if isinstance(value, dict):
        if "d" in value:
            return datetime.fromisoformat(str(value["d"]))
        if "u" in value:
            return uuid.UUID(str(value["u"]))
        raise ValueError("unknown cursor value")
    return value


def encode_cursor(signature: str, values: Sequence[object], *, before: bool = False) -> str:
    """The opaque cursor text of a position in an ordering: the rows after it, or with ``before`` the
    rows before it."""
    data: dict[str, object] = {"s": signature, "v": [_encode_value(v) for v in values]}
    if before:
        data["b"] = 1
    raw = orjson.dumps(data)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _bad_cursor(message: str) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_cursor")


def decode_cursor(cursor: str, signature: str, width: int) -> list[object]:
    """The order-key values of ``cursor``; 422 ``invalid_cursor`` if it is not one of this ordering's."""
    return _decode(cursor, signature, width)[0]


def _decode(cursor: str, signature: str, width: int) -> tuple[list[object], bool]:
    """The order-key values of ``cursor`` and whether it points backwards."""
    try:
        data = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(data, dict) or not isinstance(data.get("v"), list):
            raise ValueError("not a cursor")
        values = [_decode_value(v) for v in data["v"]]
    except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError) as exc:
        raise _bad_cursor(
            "cursor is not valid: pass the `next_cursor` of a previous page unchanged."
        ) from exc
    if data.get("s") != signature or len(values) != width:
        raise _bad_cursor(
            "cursor belongs to another list or sort order: start again without it (or with offset)."
        )
    return values, data.get("b") == 1


def _after(
    keys: Sequence[tuple[sa.ColumnElement[Any], bool]], values: Sequence[object]
) -> sa.ColumnElement[bool]:
    """Rows strictly after ``values`` in the ordering ``keys`` (each key ascending or descending).

    (k1 after v1) OR (k1 = v1 AND k2 after v2) OR ..., plus the first key's non-strict bound on its own,
    which is what lets the database start reading the index at the cursor instead of filtering from the
    top. A NULL value matches only NULL (ordering by a nullable column puts ``column IS NULL`` first, so
    its NULLs are grouped, and none sorts after another).
    """

    def bound(expr: sa.ColumnElement[Any], value: object) -> sa.ColumnElement[Any]:
        # Typed like the key (aware datetimes, UUIDs, booleans compare as the column's values).
        return sa.literal(value, expr.type)

    def equal(expr: sa.ColumnElement[Any], value: object) -> sa.ColumnElement[bool]:
        return expr.is_(None) if value is None else expr == bound(expr, value)

    def beyond(expr: sa.ColumnElement[Any], desc: bool, value: object) -> sa.ColumnElement[bool]:
        if value is None:
            return sa.false()
        return expr < bound(expr, value) if desc else expr > bound(expr, value)

    branches: list[sa.ColumnElement[bool]] = []
    for i, (expr, desc) in enumerate(keys):
        prefix = [equal(e, v) for (e, _), v in zip(keys[:i], values[:i], strict=True)]
        branches.append(sa.and_(*prefix, beyond(expr, desc, values[i])))
    condition = sa.or_(*branches)
    first, first_desc = keys[0]
    if values[0] is not None and not isinstance(values[0], bool):
        start = bound(first, values[0])
        condition = sa.and_(first <= start if first_desc else first >= start, condition)
    return condition


@overload
async def fetch_page(
    session: AsyncSession, stmt: sa.Select[T], *, limit: int, offset: int, cursor: str | None = None
) -> tuple[list[T], int]: ...


@overload
async def fetch_page(
    session: AsyncSession,
    stmt: sa.Select[Any],
    *,
    limit: int,
    offset: int,
    cursor: str | None = None,
    as_dicts: Literal[True],
) -> tuple[list[dict[str, Any]], int]: ...


async def fetch_page(
    session: AsyncSession,
    stmt: sa.Select[Any],
    *,
    limit: int,
    offset: int,
    cursor: str | None = None,
    as_dicts: bool = False,
) -> tuple[list[Any], int]:
    """The page of ``stmt`` (filtered and ordered, the id last) from ``offset`` or after ``cursor`` (before
    it, for a cursor of a ``previous_cursor``), and the total as a :class:`PageTotal` (an ``int`` carrying
    ``estimated``, ``next_cursor`` and ``previous_cursor``).

    ``stmt`` selects one thing (an ORM entity or a column): the items are those values. With
    ``as_dicts`` it selects columns: the items are plain dicts by column label, read through Core (no
    ORM compile state or row loading) for the hottest lists.

    One statement carries the page, one row beyond it (is there a next page?), the order-key values of
    each row (the next cursor) and the total as an uncorrelated scalar subquery: a count of the matching
    rows that stops after :data:`EXACT_TOTAL_LIMIT` + 1, so it is computed once and cheaply. A page past
    the end has no row to carry the total: then a second statement counts.
    """
    keys = _order_keys(stmt)
    signature = _signature(keys)
    counted = _bounded_count(stmt)
    paged = stmt.add_columns(counted.scalar_subquery(), *(expr for expr, _ in keys))
    backward = False
    if cursor:
        if offset:
            raise _bad_cursor("Pass either cursor or offset, not both.")
        values, backward = _decode(cursor, signature, len(keys))
        if backward:
            # The rows before the cursor are the rows after it in the reverse order, read from the same
            # index backwards; the page is turned round below.
            keys_back = [(expr, not desc) for expr, desc in keys]
            paged = paged.order_by(None).order_by(
                *(expr.desc() if desc else expr.asc() for expr, desc in keys_back)
            )
            paged = paged.where(_after(keys_back, values))
        else:
            paged = paged.where(_after(keys, values))
    paged = paged.limit(limit + 1).offset(offset)
    width = len(keys) + 1
    if as_dicts:
        connection = await session.connection()
        result = await connection.execute(paged)
        names = list(result.keys())[:-width]
        rows: Sequence[sa.Row[Any]] = result.all()
    else:
        rows = (await session.execute(paged)).all()
    more = len(rows) > limit
    shown = list(rows[:limit])
    if backward:
        if not more and len(shown) < limit:
            # Back at the start with a short page (rows came or went meanwhile): the first page.
            return await fetch_page(session, stmt, limit=limit, offset=0, as_dicts=as_dicts)  # type: ignore[call-overload, no-any-return]
        shown.reverse()
    if as_dicts:
        items: list[Any] = [dict(zip(names, row[:-width], strict=True)) for row in shown]
    else:
        items = [row[0] for row in shown]
    next_cursor = previous_cursor = None
    if shown and (more or backward):
        next_cursor = encode_cursor(signature, list(shown[-1][-len(keys) :]))
    if shown and ((more and backward) or (not backward and (cursor or offset))):
        previous_cursor = encode_cursor(signature, list(shown[0][-len(keys) :]), before=True)
    if rows:
        total = int(rows[0][-width])
    elif offset == 0 and not cursor:
        total = 0
    else:
        total = int((await session.execute(counted)).scalar_one())
    return items, await _total(session, stmt, total, next_cursor, previous_cursor)


def _bounded_count(stmt: sa.Select[Any]) -> sa.Select[int]:
    """How many rows ``stmt`` matches, counting no further than one past :data:`EXACT_TOTAL_LIMIT`."""
    # Only a constant per row, so the database may count from an index alone (an index-only scan).
    rows = stmt.order_by(None).with_only_columns(sa.literal(1), maintain_column_froms=True)
    inner = rows.limit(EXACT_TOTAL_LIMIT + 1).subquery()
    return sa.select(sa.func.count()).select_from(inner)


async def _total(
    session: AsyncSession,
    stmt: sa.Select[Any],
    counted: int,
    next_cursor: str | None,
    previous_cursor: str | None,
) -> PageTotal:
    if counted <= EXACT_TOTAL_LIMIT:
        return PageTotal(counted, next_cursor=next_cursor, previous_cursor=previous_cursor)
    full = sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
    dialect = session.get_bind().dialect
    if dialect.name != "postgresql":
        # SQLite serves small installations: counting on is cheap enough there, and exact.
        exact = int((await session.execute(full)).scalar_one())
        return PageTotal(exact, next_cursor=next_cursor, previous_cursor=previous_cursor)
    estimate = await _planner_rows(session, stmt.order_by(None))
    return PageTotal(
        max(estimate, EXACT_TOTAL_LIMIT + 1),
        estimated=True,
        next_cursor=next_cursor,
        previous_cursor=previous_cursor,
    )


async def _planner_rows(session: AsyncSession, stmt: sa.Select[Any]) -> int:
    """PostgreSQL's estimate of how many rows ``stmt`` returns (planning only; nothing is read); 0 when
    the statement cannot be written out with its values inline (a JSON value), leaving the lower bound."""
    try:
        sql = stmt.compile(dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True})
    except sa.exc.CompileError:
        return 0
    connection = await session.connection()
    result = await connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}")
    plan = result.scalar_one()
    if isinstance(plan, str | bytes):
        plan = orjson.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])
