"""Impact analysis through the same evaluation the publishing service uses (so they cannot disagree)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.assets import repository as assets_repo
from tessera.contracts import repository as contracts_repo
from tessera.contracts.evaluation import PublishCommand, evaluate
from tessera.db.models import Asset
from tessera.impact.schemas import ConsumerImpact, DownstreamAsset, ImpactResult
from tessera.proposals import repository as proposals_repo
from tessera.registrations import repository as registrations_repo
from tessera.teams import repository as teams_repo


async def downstream(
    session: AsyncSession, asset_ids: list[uuid.UUID], max_depth: int
) -> tuple[list[tuple[uuid.UUID, int]], bool]:
    """Assets downstream of ``asset_ids`` by breadth-first search: one query per level, cycle-safe.

    Returns (asset id, depth) pairs and whether the depth limit cut the search short.
    """
    seen: set[uuid.UUID] = set(asset_ids)
    frontier = list(asset_ids)
    found: list[tuple[uuid.UUID, int]] = []
    depth = 0
    while frontier and depth < max_depth:
        depth += 1
        next_frontier: list[uuid.UUID] = []
        for _up, down in await assets_repo.downstream_of(session, frontier):
            if down not in seen:
                seen.add(down)
                found.append((down, depth))
                next_frontier.append(down)
        frontier = next_frontier
    truncated = bool(frontier) and bool(await assets_repo.downstream_of(session, frontier))
    return found, truncated


def walk_downstream(
    graph: dict[uuid.UUID, list[uuid.UUID]], start: uuid.UUID, max_depth: int
) -> list[tuple[uuid.UUID, int]]:
    """Breadth-first walk of an in-memory lineage graph (upstream -> downstreams); cycle-safe."""
    seen = {start}
    frontier = [start]
    found: list[tuple[uuid.UUID, int]] = []
    for depth in range(1, max_depth + 1):
        next_frontier = []
        for node in frontier:
            for down in graph.get(node, ()):
                if down not in seen:
                    seen.add(down)
                    found.append((down, depth))
                    next_frontier.append(down)
        if not next_frontier:
            break
        frontier = next_frontier
    return found


def affected_columns(columns: list[str], breaking: list[dict[str, Any]]) -> list[str]:
    """Registered columns whose path a breaking change touches (all of them for whole-table changes)."""
    touched: set[str] = set()
    whole_table = False
    for change in breaking:
        path = str(change.get("path", ""))
        parts = path.split("/")
        if len(parts) >= 3 and parts[1] in ("properties", "columns"):
            touched.add(parts[2].lower())
        else:
            whole_table = True
    if not columns:
        return sorted(touched)
    if whole_table:
        return sorted(columns)
    return sorted(c for c in columns if c.lower() in touched)


async def analyse(
    session: AsyncSession,
    asset: Asset,
    schema: Mapping[str, Any],
    guarantees: Mapping[str, Any] | None,
    *,
    max_depth: int,
) -> ImpactResult:
    """Changes, breaking ones, consumers to ask, downstream assets, suggested version; writes nothing."""
    active = await contracts_repo.active_for(session, asset.id)
    ev = await evaluate(session, asset, active, PublishCommand(schema=schema, guarantees=guarantees))
    unchanged = ev.unchanged
    regs = [
        r
        for r in await registrations_repo.for_asset(session, asset.id)
        if r.consumer_team_id != asset.owner_team_id
    ]
    open_proposal = await proposals_repo.open_for_asset(session, asset.id)
    answers: dict[uuid.UUID, str] = {}
    if open_proposal is not None:
        acks = (await proposals_repo.acknowledgments(session, [open_proposal.id]))[open_proposal.id]
        answers = {a.team_id: a.response.value for a in acks}
    found, truncated = await downstream(session, [asset.id], max_depth)
    down_assets = await assets_repo.get_many(session, [a for a, _ in found])
    teams = await teams_repo.get_many(
        session, {r.consumer_team_id for r in regs} | {a.owner_team_id for a in down_assets.values()}
    )
    consumers = [
        ConsumerImpact(
            team_id=r.consumer_team_id,
            team_name=teams[r.consumer_team_id].name if r.consumer_team_id in teams else None,
            registration_id=r.id,
            pinned_version=r.pinned_version,
            columns=list(r.columns),
            affected_columns=affected_columns(list(r.columns), ev.breaking),
            response=answers.get(r.consumer_team_id),
        )
        for r in regs
    ]
    return ImpactResult(
        asset_id=asset.id,
        fqn=asset.fqn,
        compatibility_mode=asset.compatibility_mode.value,
        guarantee_mode=asset.guarantee_mode.value,
        current_version=active.version if active else None,
        suggested_version=active.version if unchanged and active else ev.suggested_version,
        safe_to_publish=not ev.breaking,
        unchanged=unchanged,
        changes=ev.changes,
        breaking_changes=ev.breaking,
        guarantee_changes=ev.guarantee_changes,
        consumers=consumers,
        downstream=[
            DownstreamAsset(
                asset_id=a,
                fqn=down_assets[a].fqn,
                owner_team_id=down_assets[a].owner_team_id,
                owner_team_name=teams[down_assets[a].owner_team_id].name
                if down_assets[a].owner_team_id in teams
                else None,
                depth=d,
            )
            for a, d in found
            if a in down_assets
        ],
        open_proposal_id=open_proposal.id if open_proposal else None,
        lineage_truncated=truncated,
    )
