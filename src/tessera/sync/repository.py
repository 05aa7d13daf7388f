"""Batched SQL for the dbt sync: a fixed number of queries per sync, whatever the manifest's size."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer
from sqlalchemy.orm.attributes import set_committed_value

from tessera.db.base import Base
from tessera.db.models import Asset, AssetDependency, Contract, Proposal, Registration, Team, TeamMember, User
from tessera.enums import ContractStatus, ProposalSource, ProposalStatus

T = TypeVar("T")
CHUNK = 5000  # keeps IN lists under every driver's parameter limit


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """Slices of ``items`` of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def take_sync_turn(session: AsyncSession, environment: str) -> None:
    """Wait for any other sync of ``environment`` to commit (PostgreSQL; SQLite serialises writers).

    Row locks cannot cover what a sync is about to create (teams named by owners, new assets): two
    replicas syncing the same project at once both inserted them, and one failed with a 409. This
    transaction-scoped advisory lock makes the second wait, then sync against the first one's result.
    """
    if session.get_bind().dialect.name == "postgresql":
        key = sa.func.hashtextextended(sa.literal("tessera.sync:") + environment, 0)
        await session.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))


async def live_assets(session: AsyncSession, environment: str, *, lock: bool) -> list[Asset]:
    """Every live asset of an environment (row-locked on PostgreSQL when ``lock``)."""
    stmt = sa.select(Asset).where(Asset.environment == environment)
    if lock:
        stmt = stmt.with_for_update()
    return list((await session.execute(stmt)).scalars())


async def active_contracts(
    session: AsyncSession, asset_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Contract]:
    """Active contract per asset, *without* its schema (see :func:`load_schemas`): most are unchanged."""
    out: dict[uuid.UUID, Contract] = {}
    for part in chunks(list(asset_ids)):
        rows = await session.execute(
            sa.select(Contract)
            .options(defer(Contract.schema_def, raiseload=True))
            .where(Contract.asset_id.in_(part), Contract.status == ContractStatus.ACTIVE)
        )
        out.update({c.asset_id: c for c in rows.scalars()})
    return out


async def load_schemas(session: AsyncSession, contracts: Sequence[Contract]) -> None:
    """Load the deferred schema of the given contracts (the ones whose node changed), in bulk."""
    by_id = {c.id: c for c in contracts}
    for part in chunks(list(by_id)):
        rows = await session.execute(sa.select(Contract.id, Contract.schema_def).where(Contract.id.in_(part)))
        for contract_id, schema in rows:
            set_committed_value(by_id[contract_id], "schema_def", schema)


async def histories(
    session: AsyncSession, asset_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[dict[str, object]]]:
    """Every published schema per asset, oldest first (only asked for assets in transitive modes)."""
    out: dict[uuid.UUID, list[dict[str, object]]] = {}
    for part in chunks(list(asset_ids)):
        rows = await session.execute(
            sa.select(Contract.asset_id, Contract.schema_def)
            .where(Contract.asset_id.in_(part))
            .order_by(Contract.published_at, Contract.id)
        )
        for asset_id, schema in rows:
            out.setdefault(asset_id, []).append(schema)
    return out


async def registrations(
    session: AsyncSession, asset_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Registration]]:
    """Live registrations per asset."""
    out: dict[uuid.UUID, list[Registration]] = {}
    for part in chunks(list(asset_ids)):
        rows = await session.execute(sa.select(Registration).where(Registration.asset_id.in_(part)))
        for reg in rows.scalars():
            out.setdefault(reg.asset_id, []).append(reg)
    return out


async def edges_into(
    session: AsyncSession, downstream_ids: Sequence[uuid.UUID]
) -> dict[tuple[uuid.UUID, uuid.UUID], tuple[uuid.UUID, str]]:
    """``(downstream, upstream) -> (edge id, kind)`` of edges into the assets (plain rows: no ORM cost)."""
    out: dict[tuple[uuid.UUID, uuid.UUID], tuple[uuid.UUID, str]] = {}
    for part in chunks(list(downstream_ids)):
        rows = await session.execute(
            sa.select(
                AssetDependency.downstream_asset_id,
                AssetDependency.upstream_asset_id,
                AssetDependency.id,
                AssetDependency.kind,
            ).where(AssetDependency.downstream_asset_id.in_(part))
        )
        for down, up, edge_id, kind in rows:
            out[(down, up)] = (edge_id, kind)
    return out


async def insert_rows(session: AsyncSession, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """Insert new rows of ``model`` (lineage edges, registrations) in bulk (multi-row INSERTs)."""
    if rows:
        await session.execute(sa.insert(model), list(rows))


async def delete_edges(session: AsyncSession, edge_ids: Sequence[uuid.UUID]) -> None:
    """Remove lineage edges by id."""
    for part in chunks(list(edge_ids)):
        await session.execute(sa.delete(AssetDependency).where(AssetDependency.id.in_(part)))


async def registration_pairs(
    session: AsyncSession, asset_ids: Sequence[uuid.UUID]
) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """``(asset, consumer team)`` of live registrations on the assets."""
    out: set[tuple[uuid.UUID, uuid.UUID]] = set()
    for part in chunks(list(asset_ids)):
        rows = await session.execute(
            sa.select(Registration.asset_id, Registration.consumer_team_id).where(
                Registration.asset_id.in_(part)
            )
        )
        out.update((a, t) for a, t in rows)
    return out


_REGISTRATION_ROW = (
    Registration.id,
    Registration.asset_id,
    Registration.consumer_team_id,
    Registration.source,
    Registration.pinned_version,
    Registration.columns,
    Registration.derived_columns,
    Registration.derived_scope,
    Registration.scope_reason,
    Registration.derived_by,
)


async def registration_rows(session: AsyncSession, asset_ids: Sequence[uuid.UUID]) -> list[dict[str, Any]]:
    """Live registrations on the assets as plain rows (no ORM objects: a big project has thousands)."""
    out: list[dict[str, Any]] = []
    for part in chunks(list(asset_ids)):
        rows = await session.execute(sa.select(*_REGISTRATION_ROW).where(Registration.asset_id.in_(part)))
        out.extend(dict(r._mapping) for r in rows)
    return out


async def update_registrations(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Update registrations by primary key in bulk (each row: ``id`` plus the changed columns)."""
    if rows:
        await session.execute(sa.update(Registration), list(rows))


async def retire_registrations(session: AsyncSession, ids: Sequence[uuid.UUID], now: datetime) -> None:
    """Soft-delete registrations by id."""
    for part in chunks(list(ids)):
        await session.execute(
            sa.update(Registration)
            .where(Registration.id.in_(part))
            .values(deleted_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )


async def proposals(
    session: AsyncSession, asset_ids: Sequence[uuid.UUID], statuses: Iterable[ProposalStatus]
) -> dict[uuid.UUID, list[Proposal]]:
    """Proposals in the given states per asset, newest first."""
    out: dict[uuid.UUID, list[Proposal]] = {}
    wanted = list(statuses)
    for part in chunks(list(asset_ids)):
        rows = await session.execute(
            sa.select(Proposal)
            .where(Proposal.asset_id.in_(part), Proposal.status.in_(wanted))
            .order_by(Proposal.created_at.desc())
            .execution_options(populate_existing=True)
        )
        for p in rows.scalars():
            out.setdefault(p.asset_id, []).append(p)
    return out


def covering_proposal(candidates: list[Proposal], schema_fp: str, guarantees_fp: str) -> Proposal | None:
    """An approved pull-request proposal for exactly this schema and guarantees, if any."""
    for p in candidates:
        if (
            p.source is ProposalSource.PULL_REQUEST
            and p.status in (ProposalStatus.APPROVED, ProposalStatus.FORCE_APPROVED)
            and p.schema_fingerprint == schema_fp
            and p.guarantees_fingerprint == guarantees_fp
        ):
            return p
    return None


async def owner_candidates(
    session: AsyncSession, emails: set[str], names: set[str]
) -> tuple[list[User], list[Team], dict[uuid.UUID, list[uuid.UUID]]]:
    """Users by email or name, teams by name (all lower-cased), and the users' team ids."""
    users: list[User] = []
    if emails or names:
        users = list(
            (
                await session.execute(
                    sa.select(User).where(
                        sa.or_(
                            sa.func.lower(User.email).in_(emails or {""}),
                            sa.func.lower(User.name).in_(names or {""}),
                        ),
                        User.deactivated_at.is_(None),
                    )
                )
            ).scalars()
        )
    teams: list[Team] = []
    if names:
        teams = list(
            (await session.execute(sa.select(Team).where(sa.func.lower(Team.name).in_(names)))).scalars()
        )
    memberships: dict[uuid.UUID, list[uuid.UUID]] = {}
    if users:
        rows = await session.execute(
            sa.select(TeamMember.user_id, TeamMember.team_id)
            .join(Team, Team.id == TeamMember.team_id)
            .where(TeamMember.user_id.in_([u.id for u in users]))
            .order_by(Team.name)
        )
        for user_id, team_id in rows:
            memberships.setdefault(user_id, []).append(team_id)
    return users, teams, memberships


async def team_names(session: AsyncSession, team_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Names of teams by id (deleted included: a report names every team it mentions)."""
    ids = list(set(team_ids))
    out: dict[uuid.UUID, str] = {}
    for part in chunks(ids):
        stmt = sa.select(Team.id, Team.name).where(Team.id.in_(part)).execution_options(include_deleted=True)
        out.update(dict((await session.execute(stmt)).all()))
    return out
