"""SQL for assets and lineage edges."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.base import not_deleted
from tessera.db.models import Asset, AssetDependency, Contract, Registration
from tessera.db.paging import fetch_page
from tessera.enums import ContractStatus

# Core rows read on the connection: the session's soft-delete filter does not see those statements.
# Built once: the list is the hottest read path.
_LIVE = not_deleted(Asset)


async def get(session: AsyncSession, asset_id: uuid.UUID) -> Asset | None:
    """A live asset by id."""
    return (await session.execute(sa.select(Asset).where(Asset.id == asset_id))).scalar_one_or_none()


async def get_for_update(session: AsyncSession, asset_id: uuid.UUID) -> Asset | None:
    """A live asset, row-locked until the transaction ends (PostgreSQL; SQLite serialises writers)."""
    return (
        await session.execute(sa.select(Asset).where(Asset.id == asset_id).with_for_update())
    ).scalar_one_or_none()


async def get_by_fqn(session: AsyncSession, fqn: str, environment: str) -> Asset | None:
    """A live asset by its FQN within an environment."""
    return (
        await session.execute(sa.select(Asset).where(Asset.fqn == fqn, Asset.environment == environment))
    ).scalar_one_or_none()


async def get_many(session: AsyncSession, asset_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Asset]:
    """Live assets by id, in one query."""
    ids = set(asset_ids)
    if not ids:
        return {}
    return {a.id: a for a in (await session.execute(sa.select(Asset).where(Asset.id.in_(ids)))).scalars()}


async def current_versions(session: AsyncSession, asset_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The active contract version of each asset, in one query."""
    ids = set(asset_ids)
    if not ids:
        return {}
    rows = await session.execute(
        sa.select(Contract.asset_id, Contract.version).where(
            Contract.asset_id.in_(ids), Contract.status == ContractStatus.ACTIVE
        )
    )
    return dict(rows.all())


# Orders a list of assets can be sorted by (the UI's sortable columns).
ASSET_SORTS: dict[str, sa.ColumnElement[Any]] = {
    "fqn": Asset.__table__.c.fqn,
    "environment": Asset.__table__.c.environment,
    "resource_type": Asset.__table__.c.resource_type,
    "created_at": Asset.__table__.c.created_at,
}


@functools.cache
def _assets_with_version(columns: tuple[str, ...]) -> sa.Select[Any]:
    """Asset ``columns`` (by name; ``current_version`` is the active contract's), in that order, by FQN.

    Built once per column list: building it on every request took ~8% of a list request's instructions
    (callgrind). Filters are added per request.
    """
    assets, contracts = Asset.__table__, Contract.__table__
    available = {column.name: column for column in assets.columns}
    available["current_version"] = contracts.c.version.label("current_version")
    return (
        sa.select(*(available[name] for name in columns))
        .outerjoin(
            contracts,
            sa.and_(contracts.c.asset_id == assets.c.id, contracts.c.status == ContractStatus.ACTIVE),
        )
        .order_by(assets.c.fqn, assets.c.environment)
    )


async def list_assets(
    session: AsyncSession,
    *,
    owner_team_id: uuid.UUID | None,
    environment: str | None,
    q: str | None,
    tag: str | None,
    resource_type: str | None,
    limit: int,
    offset: int,
    cursor: str | None = None,
    columns: tuple[str, ...],
    sort: str = "fqn",
    descending: bool = False,
) -> tuple[list[dict[str, Any]], int]:
    """Live assets matching the filters, by FQN (or by ``sort``, one of :data:`ASSET_SORTS`), as plain
    rows of ``columns``; plus the total.

    Plain rows, not ORM objects: this is the hottest read path and ORM instances cost ~40 µs each.
    ``columns`` are asset column names and ``current_version``, the active contract's version.
    """
    conds: list[sa.ColumnElement[bool]] = [_LIVE]
    if owner_team_id:
        conds.append(Asset.owner_team_id == owner_team_id)
    if environment:
        conds.append(Asset.environment == environment)
    if q:  # ignoring case on both databases (SQLite's LIKE already did, PostgreSQL's does not)
        conds.append(sa.func.lower(Asset.fqn).contains(q.lower(), autoescape=True))
    if resource_type:
        conds.append(Asset.resource_type == resource_type)
    if tag:
        conds.append(has_tag(session, tag))
    stmt = _assets_with_version(columns).where(*conds)
    if sort != "fqn" or descending:
        # The id breaks ties, so a page boundary never splits rows of equal value unpredictably.
        column = ASSET_SORTS[sort]
        order = (column.desc(), Asset.id.desc()) if descending else (column.asc(), Asset.id.asc())
        stmt = stmt.order_by(None).order_by(*order)
    return await fetch_page(session, stmt, limit=limit, offset=offset, cursor=cursor, as_dicts=True)


def has_tag(session: AsyncSession, tag: str) -> sa.ColumnElement[bool]:
    """The asset's JSON ``tags`` list holds ``tag``, tested by the database (both dialects).

    PostgreSQL: JSONB containment, ``tags @> '["tag"]'`` (a GIN index can serve it). SQLite: a lookup in
    the list's ``json_each`` rows.
    """
    if session.get_bind().dialect.name == "postgresql":
        return sa.type_coerce(Asset.tags, JSONB).contains([tag])
    elements = sa.func.json_each(Asset.tags).table_valued("value")
    return sa.exists(sa.select(1).select_from(elements).where(elements.c.value == tag))


async def count_registrations(session: AsyncSession, asset_id: uuid.UUID) -> int:
    """How many live registrations point at the asset."""
    return (
        await session.execute(
            sa.select(sa.func.count()).select_from(Registration).where(Registration.asset_id == asset_id)
        )
    ).scalar_one()


async def get_dependency(
    session: AsyncSession, downstream: uuid.UUID, upstream: uuid.UUID
) -> AssetDependency | None:
    """One lineage edge."""
    return (
        await session.execute(
            sa.select(AssetDependency).where(
                AssetDependency.downstream_asset_id == downstream,
                AssetDependency.upstream_asset_id == upstream,
            )
        )
    ).scalar_one_or_none()


async def delete_dependency(session: AsyncSession, edge: AssetDependency) -> None:
    """Remove a lineage edge."""
    await session.delete(edge)
    await session.flush()


async def list_dependencies(
    session: AsyncSession, asset_id: uuid.UUID
) -> tuple[list[AssetDependency], list[AssetDependency]]:
    """(upstream edges, downstream edges) of an asset, leaving out edges to deleted assets."""
    other_end = sa.case(
        (AssetDependency.downstream_asset_id == asset_id, AssetDependency.upstream_asset_id),
        else_=AssetDependency.downstream_asset_id,
    )
    rows = (
        await session.execute(
            sa.select(AssetDependency)
            .join(Asset, Asset.id == other_end)
            .where(
                sa.or_(
                    AssetDependency.downstream_asset_id == asset_id,
                    AssetDependency.upstream_asset_id == asset_id,
                ),
            )
        )
    ).scalars()
    ups: list[AssetDependency] = []
    downs: list[AssetDependency] = []
    for edge in rows:
        (ups if edge.downstream_asset_id == asset_id else downs).append(edge)
    return ups, downs


async def downstream_of(
    session: AsyncSession, asset_ids: Iterable[uuid.UUID]
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(upstream, downstream) edges leaving the given assets, towards live assets, in one query."""
    ids = set(asset_ids)
    if not ids:
        return []
    rows = await session.execute(
        sa.select(AssetDependency.upstream_asset_id, AssetDependency.downstream_asset_id)
        .join(Asset, Asset.id == AssetDependency.downstream_asset_id)
        .where(AssetDependency.upstream_asset_id.in_(ids))
    )
    return [(u, d) for u, d in rows]


async def lineage_graph(session: AsyncSession) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Every lineage edge between live assets as ``upstream -> [downstream, ...]``, in one query."""
    rows = await session.execute(
        sa.select(AssetDependency.upstream_asset_id, AssetDependency.downstream_asset_id).join(
            Asset, Asset.id == AssetDependency.downstream_asset_id
        )
    )
    graph: dict[uuid.UUID, list[uuid.UUID]] = {}
    for up, down in rows:
        graph.setdefault(up, []).append(down)
    return graph


async def edges_touching(
    session: AsyncSession, asset_ids: Iterable[uuid.UUID], *, limit: int = 5000
) -> list[tuple[uuid.UUID, str, uuid.UUID, str]]:
    """(upstream id, upstream FQN, downstream id, downstream FQN) of the edges with an end among
    ``asset_ids`` and both ends live, by FQN, at most ``limit`` of them, in one query (a lineage
    neighbourhood is read level by level).

    A Core statement on the connection, with the soft-delete conditions written out: the same query
    through the ORM (two aliased assets under the soft-delete criteria) made the lineage page ~4x slower
    on SQLite (158 ms -> 38 ms p50 on a loaded machine).
    """
    ids = set(asset_ids)
    if not ids:
        return []
    deps = AssetDependency.__table__
    up, down = Asset.__table__.alias("up"), Asset.__table__.alias("down")
    stmt = (
        sa.select(up.c.id, up.c.fqn, down.c.id, down.c.fqn)
        .select_from(
            deps.join(up, up.c.id == deps.c.upstream_asset_id).join(
                down, down.c.id == deps.c.downstream_asset_id
            )
        )
        .where(
            sa.or_(deps.c.upstream_asset_id.in_(ids), deps.c.downstream_asset_id.in_(ids)),
            up.c.deleted_at.is_(None),
            down.c.deleted_at.is_(None),
        )
        .order_by(up.c.fqn, down.c.fqn, up.c.id, down.c.id)
        .limit(limit)
    )
    rows = await (await session.connection()).execute(stmt)
    return [(u, uf, d, df) for u, uf, d, df in rows]
