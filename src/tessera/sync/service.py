"""``POST /sync/<source>``: reconcile Tessera with a source project (dbt, OpenAPI, ...), idempotently.

Every contract change goes through the publishing service's decision (:func:`apply_decision`): compatible
changes publish, breaking ones open proposals, and a breaking change covered by an approved pull-request
proposal for exactly that schema publishes that proposal. Re-syncing an unchanged manifest writes nothing
but one ``sync.completed`` audit event.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.audit.service import record
from tessera.auth.principal import Principal
from tessera.contracts.evaluation import Evaluated, PublishCommand, evaluate_against, needs_history
from tessera.contracts.publishing import (
    apply_decision,
    check_quality_gate,
    first_version,
    publish_first_contracts,
)
from tessera.contracts.versions import mark_new_asset, publish_version, retire_asset
from tessera.core import CompatibilityMode, json_fingerprint
from tessera.core.gating import Reason, ReasonKind, TeamImpact, touched
from tessera.db.base import utcnow
from tessera.db.bulk import write_staged
from tessera.db.models import Asset, AssetDependency, Contract, Proposal
from tessera.db.models.registrations import SUGGESTED
from tessera.enums import (
    ProposalKind,
    ProposalSource,
    ProposalStatus,
    PublishOutcome,
    ResourceType,
)
from tessera.errors import TesseraError, ValidationFailed
from tessera.ingest.dbt.models import DbtProject
from tessera.ingest.lineage import ProjectLineage
from tessera.ingest.source import SourceAsset, SourceProject
from tessera.notifications.payloads import (
    ProposalCreated,
    SyncCompleted,
    SyncCounts,
    SyncedNode,
)
from tessera.outbox import payloads
from tessera.outbox.service import emit
from tessera.proposals.events import proposal_event
from tessera.proposals.lifecycle import add_acknowledgments
from tessera.sync import repository
from tessera.sync.columns import notify_redefined, store_columns
from tessera.sync.consumers import sync_consumers
from tessera.sync.owners import ResolvedOwner, resolve_owners
from tessera.sync.schemas import LineageFallback, SyncedAsset, SyncResult, SyncSummary, SyncWarning
from tessera.teams import repository as teams_repo

RESOURCE_TYPES = {
    "model": ResourceType.MODEL,
    "seed": ResourceType.SEED,
    "snapshot": ResourceType.SNAPSHOT,
    "source": ResourceType.SOURCE,
}
OPEN_OR_APPROVED = (ProposalStatus.OPEN, ProposalStatus.APPROVED, ProposalStatus.FORCE_APPROVED)


@dataclass(frozen=True, slots=True)
class SyncOptions:
    """Query options of the sync endpoints (``include_packages`` is dbt's)."""

    environment: str = "production"
    owner_team_id: uuid.UUID | None = None
    include_packages: bool = False
    source_ref: str | None = None


async def fallback_team(
    session: AsyncSession, principal: Principal, requested: uuid.UUID | None
) -> uuid.UUID:
    """The team owning nodes whose ``meta.owner`` matches nobody: the requested one, else the key's team."""
    team_id = requested or principal.team_id
    if team_id is None:
        raise ValidationFailed(
            "owner_team_id is required (the key has no team): it owns nodes whose meta.owner matches nobody.",
            code="owner_team_required",
        )
    if await teams_repo.get(session, team_id) is None:
        raise ValidationFailed(f"No team with id {team_id} (owner_team_id).", code="team_not_found")
    return team_id


def belongs_to_sync(asset: Asset, project: SourceProject, include_packages: bool) -> bool:
    """True for assets an earlier sync of this project created (so their absence means removal)."""
    return project.owns(asset.meta or {}, asset.dbt_unique_id, include_packages)


def node_id(asset: Asset, project: SourceProject) -> str | None:
    """The unique_id of the project's node ``asset`` was synced from (``None``: not one of its nodes)."""
    return project.node_of(asset.meta or {}, asset.dbt_unique_id)


def assets_by_node(existing: list[Asset], project: SourceProject) -> dict[str, Asset]:
    """Live assets keyed by the node id they were synced from (for matching a project's nodes)."""
    out: dict[str, Asset] = {}
    for asset in existing:
        uid = node_id(asset, project)
        if uid:
            out[uid] = asset
    return out


async def sync_manifest(
    session: AsyncSession,
    principal: Principal,
    project: SourceProject,
    opts: SyncOptions,
    analysis: ProjectLineage | Awaitable[ProjectLineage] | None = None,
    fingerprints: Awaitable[Mapping[str, str]] | None = None,
) -> SyncResult:
    """Reconcile assets, contracts, owners, lineage and registrations with ``project``.

    ``analysis`` is the project's column lineage, or an analysis still running (awaited once the
    contracts are decided, which do not need it: so it overlaps with most of the sync's database work).
    ``None``: not analysed; registrations then carry no column information and every consumer team is
    asked, as before column-level impact. ``fingerprints`` are the schema fingerprints of nodes by id,
    computed elsewhere (the lineage pool), awaited only if some node's contract content changed; a node
    missing from them is fingerprinted here.
    """
    await repository.take_sync_turn(session, opts.environment)
    warnings = [SyncWarning(node=w.node, code=w.code, message=w.message) for w in project.warnings]
    fallback = await fallback_team(session, principal, opts.owner_team_id)
    owner_refs = {uid: node.owner for uid, node in project.assets.items()}
    owner_refs.update({e.unique_id: e.owner for e in project.exposures})
    owners = await resolve_owners(session, owner_refs, fallback, warnings)
    existing = await repository.live_assets(session, opts.environment, lock=True)
    by_uid = assets_by_node(existing, project)
    by_fqn = {a.fqn: a for a in existing}
    summary = SyncSummary()
    results: dict[str, SyncedAsset] = {}
    assets: dict[str, Asset] = {}
    created: set[str] = set()

    for uid, node in project.assets.items():
        owner = owners[uid]
        asset = by_uid.get(uid) or by_fqn.get(node.fqn)
        if (
            asset is not None
            and (claimed := node_id(asset, project)) not in (None, uid)
            and claimed in project.assets
        ):
            asset = None  # another node of this manifest already claims that asset
        if not principal.acts_for(owner.team_id if asset is None else asset.owner_team_id):
            warnings.append(
                SyncWarning(
                    node=uid, code="not_owner", message="The key's team does not own this node; skipped."
                )
            )
            results[uid] = SyncedAsset(
                unique_id=uid, fqn=node.fqn, asset_id=asset.id if asset else None, status="skipped"
            )
            continue
        if asset is None:
            asset = Asset(
                id=uuid.uuid4(),
                fqn=node.fqn,
                environment=opts.environment,
                owner_team_id=owner.team_id,
                steward_user_id=owner.steward_user_id,
                description=node.description or None,
                tags=list(node.tags),
                resource_type=RESOURCE_TYPES.get(node.resource_type, ResourceType.OTHER),
                contact=node.contact,
                dbt_unique_id=project.stored_unique_id(node),
                meta=project.asset_meta(node),
            )
            if node.compatibility_mode is not None:
                asset.compatibility_mode = CompatibilityMode(node.compatibility_mode)
            session.add(asset)
            mark_new_asset(session, asset.id)
            created.add(uid)
            await record(
                session,
                principal,
                "asset.created",
                "asset",
                asset.id,
                {"fqn": node.fqn, "source": project.source},
            )
        elif _update_metadata(asset, node, owner, project):
            results[uid] = SyncedAsset(unique_id=uid, fqn=node.fqn, asset_id=asset.id, status="updated")
            await record(session, principal, "asset.updated", "asset", asset.id, {"source": project.source})
        assets[uid] = asset
    await session.flush()

    ids = [a.id for a in assets.values()]
    actives = await repository.active_contracts(session, ids)
    transitive = [a.id for a in assets.values() if needs_history(a) and a.id in actives]
    histories = await repository.histories(session, transitive)
    pending_proposals = await repository.proposals(session, ids, OPEN_OR_APPROVED)
    changed = await load_changed_schemas(session, project, assets, actives)
    known: Mapping[str, str] = await fingerprints if fingerprints is not None and changed else {}

    retyped: dict[str, set[str]] = {}
    firsts: list[tuple[str, Asset, Evaluated]] = []  # assets without a contract: published together
    for uid, asset in assets.items():
        node = project.assets[uid]
        active = actives.get(asset.id)
        cmd = PublishCommand(
            schema=node.schema,
            guarantees=node.guarantees,
            source=ProposalSource.SYNC,
            trusted_schema=True,
            schema_fingerprint=known.get(uid),
        )
        history = histories.get(asset.id, [])
        try:
            ev = evaluate_against(asset, active, history, cmd)
            retyped[uid] = set(touched(ev.changes).columns)
            if active is None:
                await check_quality_gate(session, asset)
                first_version(ev)
                firsts.append((uid, asset, ev))
                continue
            results[uid] = await _apply(
                session,
                principal,
                asset,
                active,
                ev,
                cmd,
                pending_proposals.get(asset.id, []),
                node_id=uid,
                metadata_changed=uid in results,
            )
        except TesseraError as exc:
            warnings.append(SyncWarning(node=uid, code=exc.code, message=exc.message))
            results[uid] = SyncedAsset(
                unique_id=uid, fqn=node.fqn, asset_id=asset.id, status="skipped", message=exc.message
            )
        if uid in created:
            results[uid] = results[uid].model_copy(update={"status": "created"})
    published = await publish_first_contracts(session, principal, [(a, ev) for _, a, ev in firsts])
    await write_staged(session)  # their audit rows and events: written now, not kept to the commit
    for (uid, asset, _), out in zip(firsts, published, strict=True):
        results[uid] = SyncedAsset(
            unique_id=uid,
            fqn=asset.fqn,
            asset_id=asset.id,
            status="created" if uid in created else "updated",
            version=out.version,
            message=out.message,
        )
    # Their evaluations (diffs, normalised schemas) are done with: not kept through the rest of the sync.
    del firsts, published

    # Lineage and registrations are refreshed after the decisions: a change is gated on what its readers
    # read before it (a `select *` reader of a dropped column is asked, although it will not read it).
    # A running analysis overlaps with everything above; it is first needed here.
    lineage = await analysis if isinstance(analysis, Awaitable) else analysis
    redefined = store_columns(lineage, assets, list(assets))
    summary.dependencies_created = await _sync_lineage(session, project, assets)
    consumers = await sync_consumers(session, principal, project, assets, owners, lineage)
    summary.registrations_created = consumers.created
    summary.registrations_updated = consumers.updated
    summary.registrations_retired = consumers.retired
    definition_changes = await notify_redefined(session, assets, redefined, retyped)
    fallbacks = [
        LineageFallback(node=node, reason=reason)
        for node, reason in (lineage.fallbacks() if lineage is not None else [])
    ]
    summary.definition_changes = len(definition_changes)
    summary.lineage_fallbacks = len(fallbacks)
    await _handle_removed(session, principal, project, opts, existing, results, warnings)

    for item in results.values():
        if item.status != "skipped":
            setattr(summary, item.status, getattr(summary, item.status) + 1)
    summary.warnings = len(warnings)
    ordered = [results[k] for k in sorted(results)]
    await record(
        session,
        principal,
        "sync.completed",
        f"{project.source}_project",
        project.project_name,
        {"environment": opts.environment, "summary": summary.model_dump()},
    )
    await emit(
        session,
        SyncCompleted(
            project=project.project_name,
            environment=opts.environment,
            team=(await payloads.team_refs(session, [fallback]))[fallback],
            summary=SyncCounts(**summary.model_dump()),
            changed=[
                SyncedNode(**r.model_dump())
                for r in [r for r in ordered if r.status not in ("unchanged", "skipped")][:500]
            ],
        ),
    )
    return SyncResult(
        project_name=project.project_name,
        source=project.source,
        dbt_version=(project.dbt_version or None) if isinstance(project, DbtProject) else None,
        schema_version=project.schema_version if isinstance(project, DbtProject) else None,
        version=project.version,
        summary=summary,
        assets=ordered,
        warnings=warnings,
        lineage_fallbacks=fallbacks,
        definition_changes=definition_changes,
    )


def content_hash(node: SourceAsset) -> str:
    """The hash a contract published from this node carries (see ``Contract.content_hash``)."""
    return json_fingerprint([node.schema, node.guarantees])


async def load_changed_schemas(
    session: AsyncSession,
    project: SourceProject,
    assets: dict[str, Asset],
    actives: dict[uuid.UUID, Contract],
) -> bool:
    """Load the active schema only of nodes whose contract content changed (the diff needs it).

    True when some node has a new contract content (or none yet): then its schema is fingerprinted.
    """
    stale = [
        actives[a.id]
        for uid, a in assets.items()
        if a.id in actives and actives[a.id].content_hash != content_hash(project.assets[uid])
    ]
    await repository.load_schemas(session, stale)
    return bool(stale) or any(a.id not in actives for a in assets.values())


def _update_metadata(asset: Asset, node: SourceAsset, owner: ResolvedOwner, project: SourceProject) -> bool:
    """Bring an asset's descriptive fields in line with its node; True when something changed."""
    wanted: dict[str, Any] = {
        "fqn": node.fqn,
        "description": node.description or None,
        "tags": list(node.tags),
        "resource_type": RESOURCE_TYPES.get(node.resource_type, ResourceType.OTHER),
        "contact": node.contact,
        "dbt_unique_id": project.stored_unique_id(node),
        "meta": project.asset_meta(node),
        "owner_team_id": owner.team_id,
        "steward_user_id": owner.steward_user_id,
    }
    changed = False
    for field, value in wanted.items():
        if getattr(asset, field) != value:
            setattr(asset, field, value)
            changed = True
    return changed


async def _apply(
    session: AsyncSession,
    principal: Principal,
    asset: Asset,
    active: Contract | None,
    ev: Evaluated,
    cmd: PublishCommand,
    proposals: list[Proposal],
    *,
    node_id: str,
    metadata_changed: bool,
) -> SyncedAsset:
    if active is not None and ev.unchanged:
        return SyncedAsset(
            unique_id=node_id,
            fqn=asset.fqn,
            asset_id=asset.id,
            status="updated" if metadata_changed else "unchanged",
            version=active.version,
        )
    await check_quality_gate(session, asset)
    covering = repository.covering_proposal(proposals, ev.schema_fp, ev.guarantees_fp)
    if active is not None and ev.breaking and covering is not None:
        version = covering.proposed_version or ev.suggested_version
        contract = await publish_version(
            session, principal, asset, active, ev, version, proposal_id=covering.id
        )
        covering.status = ProposalStatus.PUBLISHED
        covering.published_contract_id = contract.id
        await record(
            session,
            principal,
            "proposal.published",
            "proposal",
            covering.id,
            {"version": version},
            asset_id=asset.id,
        )
        return SyncedAsset(
            unique_id=node_id,
            fqn=asset.fqn,
            asset_id=asset.id,
            status="published_from_proposal",
            version=version,
            proposal_id=covering.id,
        )
    out = await apply_decision(session, principal, asset, active, ev, cmd)
    if out.outcome is PublishOutcome.PROPOSED and out.proposal is not None:
        return SyncedAsset(
            unique_id=node_id,
            fqn=asset.fqn,
            asset_id=asset.id,
            status="proposed",
            proposal_id=out.proposal.id,
            message=out.message,
        )
    new_version = out.contract.version if out.contract else None
    return SyncedAsset(
        unique_id=node_id,
        fqn=asset.fqn,
        asset_id=asset.id,
        status="updated",
        version=new_version,
        message=out.message,
    )


async def _sync_lineage(session: AsyncSession, project: SourceProject, assets: dict[str, Asset]) -> int:
    """``depends_on`` becomes lineage edges (kind: the source); edges the project no longer has go."""
    wanted = {
        (assets[uid].id, assets[parent].id)
        for uid, node in project.assets.items()
        if uid in assets
        for parent in node.depends_on
        if parent in assets and assets[parent].id != assets[uid].id
    }
    have = await repository.edges_into(session, [a.id for a in assets.values()])
    await repository.delete_edges(
        session,
        [edge_id for key, (edge_id, kind) in have.items() if key not in wanted and kind == project.source],
    )
    new = sorted(wanted - set(have))
    if new:
        now = utcnow()
        await repository.insert_rows(
            session,
            AssetDependency,
            [
                {
                    "id": uuid.uuid4(),
                    "downstream_asset_id": d,
                    "upstream_asset_id": u,
                    "kind": project.source,
                    "created_at": now,
                    "updated_at": now,
                }
                for d, u in new
            ],
        )
    return len(new)


async def _handle_removed(
    session: AsyncSession,
    principal: Principal,
    project: SourceProject,
    opts: SyncOptions,
    existing: list[Asset],
    results: dict[str, SyncedAsset],
    warnings: list[SyncWarning],
) -> None:
    """A node gone from the manifest: retired if nobody reads it, else a removal proposal opens."""
    gone = [
        a
        for a in existing
        if belongs_to_sync(a, project, opts.include_packages)
        and not project.lists(node_id(a, project))
        and a.deleted_at is None
    ]
    if not gone:
        return
    regs = await repository.registrations(session, [a.id for a in gone])
    pending = await repository.proposals(session, [a.id for a in gone], OPEN_OR_APPROVED)
    for asset in gone:
        uid = node_id(asset, project) or str(asset.id)
        if not principal.acts_for(asset.owner_team_id):
            warnings.append(
                SyncWarning(
                    node=uid,
                    code="not_owner",
                    message="Removed from the manifest, but the key's team does not own it; kept.",
                )
            )
            continue
        # Suggested registrations (not confirmed by their team) never hold a removal back.
        consumers = [
            r.consumer_team_id
            for r in regs.get(asset.id, [])
            if r.consumer_team_id != asset.owner_team_id and r.status != SUGGESTED
        ]
        if not consumers:
            await retire_asset(session, principal, asset, None)
            results[uid] = SyncedAsset(unique_id=uid, fqn=asset.fqn, asset_id=asset.id, status="removed")
            continue
        open_removal = next(
            (
                p
                for p in pending.get(asset.id, [])
                if p.kind is ProposalKind.REMOVAL and p.status is ProposalStatus.OPEN
            ),
            None,
        )
        if open_removal is None:
            if any(p.status is ProposalStatus.OPEN for p in pending.get(asset.id, [])):
                warnings.append(
                    SyncWarning(
                        node=uid,
                        code="proposal_already_open",
                        message="Removed from the manifest while another proposal is open; resolve it first.",
                    )
                )
                continue
            open_removal = await _open_removal(session, principal, asset, consumers, project.source)
        results[uid] = SyncedAsset(
            unique_id=uid,
            fqn=asset.fqn,
            asset_id=asset.id,
            status="removal_proposed",
            proposal_id=open_removal.id,
            message=f"{len(consumers)} consumer team(s) must acknowledge the removal.",
        )


async def _open_removal(
    session: AsyncSession, principal: Principal, asset: Asset, consumers: list[uuid.UUID], source: str
) -> Proposal:
    change = {
        "kind": "asset_removed",
        "path": "",
        "breaking": True,
        "message": f"'{asset.fqn}' was removed from the {source} project.",
    }
    proposal = Proposal(
        id=uuid.uuid4(),
        asset_id=asset.id,
        kind=ProposalKind.REMOVAL,
        status=ProposalStatus.OPEN,
        source=ProposalSource.SYNC,
        changes=[change],
        breaking_changes=[change],
        change_signature=f"removal:{asset.id}",
        suggested_bump="major",
        proposed_by_team_id=asset.owner_team_id,
        proposed_by_user_id=principal.user_id,
    )
    session.add(proposal)
    await session.flush()
    # Removing the table touches every column: every consumer team must answer.
    whole = (Reason(ReasonKind.WHOLE_TABLE),)
    add_acknowledgments(session, proposal, [TeamImpact(t, True, (), whole) for t in dict.fromkeys(consumers)])
    await session.flush()
    await record(
        session,
        principal,
        "proposal.created",
        "proposal",
        proposal.id,
        {"asset_id": str(asset.id), "kind": "removal"},
    )
    await emit(session, await proposal_event(session, ProposalCreated, asset, proposal))
    return proposal
