"""Impact analysis through the same evaluation the publishing service uses (so they cannot disagree)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.assets import repository as assets_repo
from tessera.contracts import repository as contracts_repo
from tessera.contracts.evaluation import PublishCommand, evaluate
from tessera.core.gating import ReadScope, Scope, TeamImpact
from tessera.db.models import Asset, Team
from tessera.impact.gating import scope_of, team_impacts
from tessera.impact.schemas import ConsumerImpact, DownstreamAsset, ImpactResult
from tessera.proposals import repository as proposals_repo
from tessera.proposals.schemas import ImpactReason
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


def _consumer(
    team_id: uuid.UUID,
    teams: Mapping[uuid.UUID, Team],
    impacts: Mapping[uuid.UUID, TeamImpact],
    answers: Mapping[uuid.UUID, str],
    registration_id: uuid.UUID | None,
    pinned_version: str | None,
    scope: ReadScope | None,
) -> ConsumerImpact:
    impact = impacts.get(team_id)
    return ConsumerImpact(
        team_id=team_id,
        team_name=teams[team_id].name if team_id in teams else None,
        registration_id=registration_id,
        pinned_version=pinned_version,
        columns=sorted(scope.columns) if scope else [],
        column_scope=scope.scope if scope else Scope.UNKNOWN,
        affected_columns=list(impact.affected_columns) if impact else [],
        required=impact is not None and impact.required,
        reasons=[ImpactReason.model_validate(r.to_dict()) for r in impact.reasons] if impact else [],
        response=answers.get(team_id),
    )


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
    impacts = {i.team_id: i for i in await team_impacts(session, asset, ev.breaking, direct=regs)}
    open_proposal = await proposals_repo.open_for_asset(session, asset.id)
    answers: dict[uuid.UUID, str] = {}
    if open_proposal is not None:
        acks = (await proposals_repo.acknowledgments(session, [open_proposal.id]))[open_proposal.id]
        answers = {a.team_id: a.response.value for a in acks}
    found, truncated = await downstream(session, [asset.id], max_depth)
    down_assets = await assets_repo.get_many(session, [a for a, _ in found])
    teams = await teams_repo.get_many(
        session,
        {r.consumer_team_id for r in regs} | set(impacts) | {a.owner_team_id for a in down_assets.values()},
    )
    consumers: list[ConsumerImpact] = []
    for r in regs:
        scope = scope_of(r)
        consumers.append(
            _consumer(r.consumer_team_id, teams, impacts, answers, r.id, r.pinned_version, scope)
        )
    registered = {r.consumer_team_id for r in regs}
    for team_id in impacts:
        if team_id not in registered:
            consumers.append(_consumer(team_id, teams, impacts, answers, None, None, None))
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
