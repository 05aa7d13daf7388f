"""SQL for search: one statement per section, substring matches with LIKE wildcards taken literally."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.base import not_deleted
from tessera.db.models import Asset, Contract
from tessera.db.paging import fetch_page
from tessera.enums import ContractStatus


def _contains(column: sa.ColumnElement[Any], text: str, *, sqlite: bool = False) -> sa.ColumnElement[bool]:
    """``column`` holds ``text``, case-insensitively; ``%``, ``_`` and the escape character are literal.

    SQLite's LIKE already ignores ASCII case, and its lower() folds only ASCII, so there the lower() calls
    (a copy of every value) are left out: same matches, less work.
    """
    if sqlite:
        return column.contains(text, autoescape=True)
    return sa.func.lower(column).contains(text.lower(), autoescape=True)


def _ordered(keys: list[sa.ColumnElement[Any]], descending: bool) -> list[sa.ColumnElement[Any]]:
    """``keys`` all ascending, or all descending (one direction, so the keyset cursor still works)."""
    return [k.desc() for k in keys] if descending else keys


async def assets(
    session: AsyncSession,
    text: str,
    *,
    limit: int,
    offset: int,
    cursor: str | None = None,
    descending: bool = False,
) -> tuple[list[dict[str, Any]], int]:
    """Live assets whose FQN or description holds ``text``, by FQN (Z to A when ``descending``), as plain
    rows; plus the total."""
    table = Asset.__table__
    sqlite = session.get_bind().dialect.name == "sqlite"
    matches = sa.or_(
        _contains(table.c.fqn, text, sqlite=sqlite), _contains(table.c.description, text, sqlite=sqlite)
    )
    stmt = (
        sa.select(table.c.id, table.c.fqn, table.c.environment, table.c.description, table.c.owner_team_id)
        .where(not_deleted(Asset), matches)
        .order_by(*_ordered([table.c.fqn, table.c.environment, table.c.id], descending))
    )
    return await fetch_page(session, stmt, limit=limit, offset=offset, cursor=cursor, as_dicts=True)


def _properties(session: AsyncSession) -> sa.TableValuedAlias:
    """The top-level properties (columns) of each contract's schema, as ``key`` rows joined to it.

    PostgreSQL: ``json_each(schema -> 'properties')``; SQLite: ``json_each(schema, '$.properties')``.
    Both are table-valued functions that may refer to the contract row before them in FROM.
    """
    contracts = Contract.__table__
    if session.get_bind().dialect.name == "postgresql":
        source: sa.ColumnElement[Any] = contracts.c.schema.op("->")(sa.literal("properties"))
        return sa.func.json_each(source).table_valued(sa.column("key", sa.String))
    return sa.func.json_each(contracts.c.schema, "$.properties").table_valued(sa.column("key", sa.String))


def _mentions(schema: sa.ColumnElement[Any], text: str, *, sqlite: bool) -> list[sa.ColumnElement[bool]]:
    """A cheap necessary condition: the schema's JSON text holds ``text``, so only those contracts have
    their properties expanded. Skipped when ``text`` has characters JSON escapes (a quote, a backslash,
    control characters), which would not appear literally."""
    if any(c in text for c in '"\\') or any(ord(c) < 0x20 for c in text):
        return []
    return [_contains(sa.cast(schema, sa.Text), text, sqlite=sqlite)]


async def columns(
    session: AsyncSession,
    text: str,
    *,
    limit: int,
    offset: int,
    cursor: str | None = None,
    descending: bool = False,
) -> tuple[list[dict[str, Any]], int]:
    """Columns whose name holds ``text`` in the current (active) contracts of live assets: rows of
    ``column``, ``asset_id``, ``fqn``, ``environment``, ``owner_team_id`` by column name then FQN (Z to A
    when ``descending``); plus the total."""
    assets_t, contracts = Asset.__table__, Contract.__table__
    props = _properties(session)
    sqlite = session.get_bind().dialect.name == "sqlite"
    stmt = (
        sa.select(
            props.c.key.label("column"),
            assets_t.c.id.label("asset_id"),
            assets_t.c.fqn,
            assets_t.c.environment,
            assets_t.c.owner_team_id,
        )
        .select_from(contracts)
        .join(assets_t, assets_t.c.id == contracts.c.asset_id)
        .join(props, sa.true())
        .where(
            contracts.c.status == ContractStatus.ACTIVE,
            not_deleted(Asset),
            *_mentions(contracts.c.schema, text, sqlite=sqlite),
            _contains(props.c.key, text, sqlite=sqlite),
        )
        .order_by(*_ordered([sa.func.lower(props.c.key), assets_t.c.fqn, assets_t.c.id], descending))
    )
    return await fetch_page(session, stmt, limit=limit, offset=offset, cursor=cursor, as_dicts=True)
