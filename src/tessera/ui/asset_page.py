"""The data of the asset page and its tabs, read through the same services and repositories as the API.

Each function costs a fixed number of queries whatever the amount of data: lists are one page (the one
paginator), lineage is read level by level with a cap per level, the quality trend is one query.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.assets import repository as assets_repo
from tessera.assets import service as assets_service
from tessera.assets.schemas import AssetRead
from tessera.audit import repository as audit_repo
from tessera.contracts import repository as contracts_repo
from tessera.db.models import Asset, Proposal, Team, User
from tessera.enums import AckResponse, ContractStatus, QualityStatus
from tessera.errors import ValidationFailed
from tessera.proposals import repository as proposals_repo
from tessera.quality import repository as quality_repo
from tessera.quality import service as quality_service
from tessera.quality.schemas import GuaranteeHealthRead, QualityRunRead, QualityTrends
from tessera.registrations import repository as registrations_repo
from tessera.registrations.schemas import RegistrationRead
from tessera.teams import repository as teams_repo
from tessera.ui.charts import LineageGraph, Sparkline, layout, sparkline
from tessera.ui.contract_view import ColumnRow, contract_columns, table_guarantees
from tessera.ui.listing import ListParams, ListView
from tessera.users import repository as users_repo

LINEAGE_DEPTH = 2
"""Levels drawn each way; the graph says how many assets lie beyond."""
LINEAGE_PER_LEVEL = 8
"""Assets drawn per level (the rest are counted in an "N more" box); also bounds each level's query."""
LINEAGE_EDGES = 5000
"""Edges read per level at most: a hub read by more assets than this shows a lower bound of "N more"."""
TREND_DAYS = 30


@dataclass(frozen=True, slots=True)
class OpenProposal:
    """The asset's open proposal, for the banner."""

    id: uuid.UUID
    created_at: datetime
    expires_at: datetime | None
    asked: int
    answered: int


@dataclass(frozen=True, slots=True)
class Header:
    """What every tab of the asset page shows at the top."""

    asset: AssetRead
    owner: Team | None
    steward: User | None
    proposal: OpenProposal | None


async def header(session: AsyncSession, asset_id: uuid.UUID) -> tuple[Asset, Header]:
    """The asset (``asset_not_found`` if it is gone), its owner team, steward and open proposal."""
    asset = await assets_service.require_asset(session, asset_id)
    read = (await assets_service.to_read(session, [asset]))[0]
    owner = await teams_repo.get(session, asset.owner_team_id)
    steward = await users_repo.get(session, asset.steward_user_id) if asset.steward_user_id else None
    open_proposal = await proposals_repo.open_for_asset(session, asset.id)
    banner = None
    if open_proposal is not None:
        banner = await _banner(session, open_proposal)
    return asset, Header(read, owner, steward, banner)


async def _banner(session: AsyncSession, proposal: Proposal) -> OpenProposal:
    answers = (await proposals_repo.acknowledgments(session, [proposal.id]))[proposal.id]
    answered = sum(1 for a in answers if a.response is not AckResponse.PENDING)
    return OpenProposal(proposal.id, proposal.created_at, proposal.expires_at, len(answers), answered)


@dataclass(frozen=True, slots=True)
class Overview:
    """The current contract: its version, columns and table-level guarantees."""

    version: str | None
    published_at: datetime | None
    columns: list[ColumnRow]
    table_guarantees: list[tuple[str, str]]


async def overview(session: AsyncSession, asset: Asset) -> Overview:
    """The active contract as a table of columns (an asset without a contract has none)."""
    active = await contracts_repo.active_for(session, asset.id)
    if active is None:
        return Overview(None, None, [], [])
    return Overview(
        active.version,
        active.published_at,
        contract_columns(active.schema_def, active.guarantees),
        table_guarantees(active.guarantees),
    )


def _status_filter(value: str | None, allowed: Sequence[str], name: str) -> str | None:
    if value is not None and value not in allowed:
        raise ValidationFailed(
            f"Unknown {name} {value!r}; pick one of: {', '.join(allowed)}.", code="invalid_filter"
        )
    return value


VERSION_STATUSES = tuple(s.value for s in ContractStatus)


async def versions(session: AsyncSession, asset: Asset, params: ListParams, path: str) -> ListView:
    """One page of versions, each with its predecessor (the version published just before it)."""
    status = _status_filter(params.filters.get("status"), VERSION_STATUSES, "status")
    oldest_first = not params.descending
    rows, total = await contracts_repo.list_for_asset(
        session,
        asset.id,
        limit=params.per_page,
        offset=params.offset,
        cursor=params.cursor,
        oldest_first=oldest_first,
        status=ContractStatus(status) if status else None,
    )
    window = list(rows)
    # Filtered by status, the neighbour in the list need not be the version published before: the
    # comparison page finds that one itself (``to`` alone). Unfiltered, the rows are each other's
    # neighbours, and the oldest row of the page asks for the one before it (one indexed read).
    edge = None
    if window and not status:
        oldest = window[0] if oldest_first else window[-1]
        edge = await contracts_repo.version_before(session, oldest)
    items = []
    for index, contract in enumerate(window):
        older_index = index - 1 if oldest_first else index + 1
        older = window[older_index].version if 0 <= older_index < len(window) else edge
        predecessor = None if status else older
        items.append({"contract": contract, "predecessor": predecessor, "filtered": bool(status)})
    return ListView(path, params, items, total)


async def consumers(session: AsyncSession, asset: Asset, params: ListParams, path: str) -> ListView:
    """One page of consumer teams with the columns they read, as the registrations API shows them."""
    rows, total = await registrations_repo.list_registrations(
        session,
        asset_id=asset.id,
        team_id=None,
        limit=params.per_page,
        offset=params.offset,
        cursor=params.cursor,
        oldest_first=not params.descending,
        team_q=params.filters.get("q"),
    )
    teams = await teams_repo.get_many(session, {r.consumer_team_id for r in rows})
    items = [consumer_row(RegistrationRead.model_validate(r), teams.get(r.consumer_team_id)) for r in rows]
    return ListView(path, params, items, total)


def consumer_row(reg: RegistrationRead, team: Team | None) -> dict[str, Any]:
    """A registration as the consumers table shows it: the columns read and where they came from.

    Registrations that keep hand-declared and lineage-derived columns apart (``declared_columns``,
    ``derived_columns``, ``column_scope``) show both; others show their ``columns`` as declared.
    """
    data = reg.model_dump()
    declared = list(data.get("declared_columns", data["columns"]))
    derived = list(data.get("derived_columns", []))
    scope = data.get("column_scope") or ("columns" if declared or derived else "all")
    return {
        "team_id": reg.consumer_team_id,
        "team_name": team.name if team else "(deleted team)",
        "team_contact": team.contact if team else None,
        "declared": declared,
        "derived": derived,
        "scope": str(scope),
        "scope_reason": data.get("scope_reason"),
        "derived_by": data.get("derived_by"),
        "pinned_version": reg.pinned_version,
        "purpose": reg.purpose,
        "source": reg.source,
        "registered_at": reg.created_at,
    }


@dataclass(frozen=True, slots=True)
class Neighbour:
    """An asset next to this one in the lineage, for the accessible lists."""

    asset_id: uuid.UUID
    fqn: str
    level: int


@dataclass(frozen=True, slots=True)
class Lineage:
    """The bounded neighbourhood: the graph, the lists, and what lies beyond."""

    graph: LineageGraph
    upstream: list[Neighbour]
    downstream: list[Neighbour]
    hidden: dict[int, int]
    beyond_up: int
    beyond_down: int


async def lineage(session: AsyncSession, asset: Asset) -> Lineage:
    """Assets up to :data:`LINEAGE_DEPTH` levels up and down (one query per level, plus one to count
    what lies beyond), at most :data:`LINEAGE_PER_LEVEL` drawn per level."""
    seen: set[uuid.UUID] = {asset.id}
    shown: dict[int, list[tuple[uuid.UUID, str]]] = {}
    hidden: dict[int, int] = {}
    edges: set[tuple[uuid.UUID, uuid.UUID]] = set()
    frontier_up, frontier_down = [asset.id], [asset.id]
    beyond = {-1: 0, 1: 0}
    for depth in range(1, LINEAGE_DEPTH + 2):
        rows = await assets_repo.edges_touching(session, [*frontier_up, *frontier_down], limit=LINEAGE_EDGES)
        ups, downs = set(frontier_up), set(frontier_down)
        found: dict[int, dict[uuid.UUID, str]] = {-1: {}, 1: {}}
        for up_id, up_fqn, down_id, down_fqn in rows:
            if down_id in ups and up_id not in seen:
                found[-1].setdefault(up_id, up_fqn)
            if up_id in downs and down_id not in seen:
                found[1].setdefault(down_id, down_fqn)
            if depth <= LINEAGE_DEPTH:
                edges.add((up_id, down_id))
        if depth > LINEAGE_DEPTH:
            beyond = {sign: len(members) for sign, members in found.items()}
            break
        next_frontier: dict[int, list[uuid.UUID]] = {-1: [], 1: []}
        for sign, members in found.items():
            ordered = sorted(members.items(), key=lambda item: item[1])
            kept = ordered[:LINEAGE_PER_LEVEL]
            seen.update(members)
            if kept:
                shown[sign * depth] = kept
            hidden[sign * depth] = len(ordered) - len(kept)
            next_frontier[sign] = [asset_id for asset_id, _ in kept]
        frontier_up, frontier_down = next_frontier[-1], next_frontier[1]
        if not frontier_up and not frontier_down:
            break
    graph = layout((asset.id, asset.fqn), shown, hidden, sorted(edges))
    return Lineage(
        graph,
        [Neighbour(a, f, lvl) for lvl in sorted(shown) if lvl < 0 for a, f in shown[lvl]],
        [Neighbour(a, f, lvl) for lvl in sorted(shown) if lvl > 0 for a, f in shown[lvl]],
        {lvl: n for lvl, n in hidden.items() if n},
        beyond[-1],
        beyond[1],
    )


QUALITY_STATUSES = tuple(s.value for s in QualityStatus)


@dataclass(frozen=True, slots=True)
class Quality:
    """Each checked guarantee's state, the pass-rate trend and one page of runs."""

    trends: QualityTrends
    spark: Sparkline | None
    runs: ListView
    guarantees: list[GuaranteeHealthRead]


async def quality(session: AsyncSession, asset: Asset, params: ListParams, path: str) -> Quality:
    """Pass rate per day over :data:`TREND_DAYS` days (the trends API) and a page of runs."""
    status = _status_filter(params.filters.get("status"), QUALITY_STATUSES, "status")
    trends = await quality_service.trends(session, asset.id, TREND_DAYS)
    rows, total = await quality_repo.list_runs(
        session,
        asset.id,
        status=status,
        limit=params.per_page,
        offset=params.offset,
        cursor=params.cursor,
        oldest_first=not params.descending,
    )
    spark = sparkline([point.pass_rate for point in trends.points])
    guarantees = quality_service.health_list(await quality_repo.states_of(session, asset.id))
    # The API's read model: a stored result leaves out its empty fields (message, failing rows, ...).
    runs = [QualityRunRead.model_validate(row) for row in rows]
    return Quality(trends, spark, ListView(path, params, runs, total), guarantees)


async def audit(session: AsyncSession, asset: Asset, params: ListParams, path: str) -> ListView:
    """A page of the audit events about the asset and its contracts, proposals and registrations;
    ``action`` filters (``quality_run.*`` a family)."""
    rows, total = await audit_repo.list_events(
        session,
        action=params.filters.get("action"),
        target_type=None,
        target_id=None,
        asset_id=asset.id,
        actor_team_id=None,
        since=None,
        until=None,
        limit=params.per_page,
        offset=params.offset,
        cursor=params.cursor,
        oldest_first=not params.descending,
    )
    teams = await teams_repo.get_many(session, {e.actor_team_id for e in rows if e.actor_team_id})
    items = [{"event": e, "team": teams.get(e.actor_team_id) if e.actor_team_id else None} for e in rows]
    return ListView(path, params, items, total)
