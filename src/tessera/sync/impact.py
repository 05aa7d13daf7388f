"""``POST /sync/<source>/impact`` (writes nothing) and ``/sync/dbt/propose`` (pull-request proposals)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.assets import repository as assets_repo
from tessera.auth.principal import Principal
from tessera.contracts import repository as contracts_repo
from tessera.contracts.evaluation import PublishCommand, evaluate_against, needs_history
from tessera.core.gating import Reason, ReasonKind, TeamImpact
from tessera.core.pointer import column_of
from tessera.db.models import Acknowledgment, Asset, Proposal, Registration
from tessera.db.models.registrations import SUGGESTED
from tessera.enums import AckResponse, ProposalSource, ProposalStatus
from tessera.errors import TesseraError, ValidationFailed
from tessera.impact.gating import GatingContext, team_impacts
from tessera.impact.graph import walk_downstream
from tessera.ingest.source import SourceProject
from tessera.proposals import repository as proposals_repo
from tessera.proposals.lifecycle import open_proposal
from tessera.quality import service as quality_service
from tessera.registrations import repository as registrations_repo
from tessera.sync import markdown, repository, service, wording
from tessera.sync.schemas import (
    ChangeItem,
    ConsumerItem,
    DbtImpactResult,
    DownstreamItem,
    ImpactSummary,
    ModelImpact,
    ModelStatus,
    ProposalItem,
    SyncWarning,
    UnreliableGuarantee,
)
from tessera.sync.service import OPEN_OR_APPROVED, SyncOptions, belongs_to_sync, content_hash, node_id

ACCEPTED = {AckResponse.APPROVED.value, AckResponse.MIGRATING.value}


async def check(
    session: AsyncSession,
    project: SourceProject,
    opts: SyncOptions,
    *,
    max_depth: int,
    base_url: str | None = None,
) -> DbtImpactResult:
    """Per node: status, changes, breaking ones, consumers to ask (with answers), downstream, verdict.

    With ``base_url`` (the server's BASE_URL) the Markdown links models and proposals to their pages.
    """
    warnings = [SyncWarning(node=w.node, code=w.code, message=w.message) for w in project.warnings]
    existing = await repository.live_assets(session, opts.environment, lock=False)
    by_uid = service.assets_by_node(existing, project)
    by_fqn = {a.fqn: a for a in existing}
    matched: dict[str, Asset] = {}
    for uid, node in project.assets.items():
        asset = by_uid.get(uid) or by_fqn.get(node.fqn)
        if asset is not None:
            matched[uid] = asset
    gone = [
        a
        for a in existing
        if belongs_to_sync(a, project, opts.include_packages) and not project.lists(node_id(a, project))
    ]
    actives = await repository.active_contracts(session, [a.id for a in matched.values()])
    # Consumers, proposals and history matter only for nodes whose contract content changed (most of a
    # big project is unchanged in a pull request): load them for those alone.
    changed = [
        a.id
        for uid, a in matched.items()
        if a.id not in actives or actives[a.id].content_hash != content_hash(project.assets[uid])
    ]
    ids = changed + [a.id for a in gone]
    by_id = {a.id: a for a in matched.values()}
    histories = await repository.histories(session, [i for i in changed if needs_history(by_id[i])])
    regs = await repository.registrations(session, ids)
    pending = await repository.proposals(session, ids, OPEN_OR_APPROVED)
    await service.load_changed_schemas(session, project, matched, actives)
    acks = await proposals_repo.acknowledgments(session, [p.id for lst in pending.values() for p in lst])
    gating = await GatingContext.load(session)
    impacts: dict[uuid.UUID, list[TeamImpact]] = {}
    models: list[ModelImpact] = []
    for uid, node in project.assets.items():
        asset = matched.get(uid)
        if asset is None:
            models.append(
                ModelImpact(
                    unique_id=uid,
                    fqn=node.fqn,
                    asset_id=None,
                    status="added",
                    breaking=False,
                    answer_required=False,
                    acknowledged=True,
                    changes=[],
                    consumers=[],
                    downstream=[],
                )
            )
            continue
        active = actives.get(asset.id)
        cmd = PublishCommand(schema=node.schema, guarantees=node.guarantees, trusted_schema=True)
        try:
            ev = evaluate_against(asset, active, histories.get(asset.id, []), cmd)
        except TesseraError as exc:
            warnings.append(SyncWarning(node=uid, code=exc.code, message=exc.message))
            continue
        unchanged = ev.unchanged
        breaking_paths = {(c.get("kind"), c.get("path")) for c in ev.breaking}
        changes = [
            _change(c, (c.get("kind"), c.get("path")) in breaking_paths, "schema") for c in ev.changes
        ] + [
            _change(g, (g.get("kind"), g.get("path")) in breaking_paths, "guarantee")
            for g in ev.guarantee_changes
        ]
        proposal = _relevant_proposal(
            pending.get(asset.id, []), ev.schema_fp, ev.guarantees_fp, opts.source_ref
        )
        if ev.breaking:
            # The same rule a proposal opened from this change would apply (stored reads and lineage).
            impacts[asset.id] = await team_impacts(
                session, asset, ev.breaking, context=gating, direct=regs.get(asset.id, [])
            )
        models.append(
            _model(
                uid,
                node.fqn,
                asset,
                "unchanged" if unchanged else "modified",
                bool(ev.breaking),
                changes,
                regs.get(asset.id, []),
                proposal,
                acks,
                impacts.get(asset.id),
                ev.schema_fp,
                ev.guarantees_fp,
            )
        )
    for asset in gone:
        consumers = [r for r in regs.get(asset.id, []) if r.consumer_team_id != asset.owner_team_id]
        # Removing the table is breaking whoever reads it; whether anyone must answer is the consumers'
        # `required` (and the model's `answer_required`), decided apart from it.
        change = _change(
            {"kind": "asset_removed", "path": "", "message": f"'{asset.fqn}' is removed from the project."},
            True,
            "schema",
        )
        if project.source not in ("dbt", "sqlmesh"):
            change.text = "removed from the document"
        proposal = next((p for p in pending.get(asset.id, []) if p.kind.value == "removal"), None)
        whole = (Reason(ReasonKind.WHOLE_TABLE),)
        suggested = (Reason(ReasonKind.SUGGESTED), *whole)
        confirmed = {r.consumer_team_id for r in consumers if r.status != SUGGESTED}
        models.append(
            _model(
                node_id(asset, project) or str(asset.id),
                asset.fqn,
                asset,
                "removed",
                True,
                [change],
                consumers,
                proposal,
                acks,
                [
                    TeamImpact(t, t in confirmed, (), whole if t in confirmed else suggested)
                    for t in dict.fromkeys(r.consumer_team_id for r in consumers)
                ],
                None,
                None,
            )
        )
    team_names = await repository.team_names(
        session,
        {r.consumer_team_id for lst in regs.values() for r in lst}
        | {i.team_id for lst in impacts.values() for i in lst}
        | {a.owner_team_id for a in existing},
    )
    for m in models:
        for c in m.consumers:
            c.team = team_names.get(c.team_id, str(c.team_id))
    await _add_downstream(session, models, existing, team_names, max_depth)
    await _flag_unreliable(session, models)
    return _finish(models, warnings, base_url, project.source)


def _change(c: Mapping[str, object], breaking: bool, category: wording.Category) -> ChangeItem:
    """One change record as the API and the comment show it: machine fields plus where and what in words."""
    path = str(c.get("path", ""))
    return ChangeItem(
        kind=str(c["kind"]),
        path=path,
        breaking=breaking,
        message=str(c.get("message", "")),
        category=category,
        column=column_of(path),
        location=wording.location(path),
        text=wording.describe(c, category),
    )


def _relevant_proposal(
    candidates: list[Proposal], schema_fp: str, g_fp: str, source_ref: str | None
) -> Proposal | None:
    covering = repository.covering_proposal(candidates, schema_fp, g_fp)
    if covering is not None:
        return covering
    same = [p for p in candidates if p.schema_fingerprint == schema_fp and p.guarantees_fingerprint == g_fp]
    if same:
        return same[0]
    if source_ref:
        mine = [p for p in candidates if p.source_ref == source_ref]
        if mine:
            return mine[0]
    return next((p for p in candidates if p.status is ProposalStatus.OPEN), None)


def _model(
    uid: str,
    fqn: str,
    asset: Asset,
    status: ModelStatus,
    breaking: bool,
    changes: list[ChangeItem],
    regs: list[Registration],
    proposal: Proposal | None,
    acks: dict[uuid.UUID, list[Acknowledgment]],
    impacts: list[TeamImpact] | None,
    schema_fp: str | None,
    g_fp: str | None,
) -> ModelImpact:
    """One node's row; team names are filled in afterwards (one query for every node)."""
    answered = {a.team_id: a for a in acks.get(proposal.id, [])} if proposal else {}
    covers = proposal is not None and (
        proposal.kind.value == "removal"
        or (proposal.schema_fingerprint == schema_fp and proposal.guarantees_fingerprint == g_fp)
    )
    by_team = {i.team_id: i for i in impacts or []}
    teams = list(
        dict.fromkeys([r.consumer_team_id for r in regs if r.consumer_team_id != asset.owner_team_id])
    )
    teams += [t for t in by_team if t not in teams]  # reached through a downstream column only
    consumers = []
    for team_id in teams:
        impact = by_team.get(team_id)
        consumers.append(
            ConsumerItem(
                team_id=team_id,
                team=str(team_id),
                response=answered[team_id].response.value if covers and team_id in answered else None,
                migration_deadline=answered[team_id].migration_deadline
                if covers and team_id in answered
                else None,
                answer_reason=answered[team_id].reason if covers and team_id in answered else None,
                required=impact is not None and impact.required,
                affected_columns=list(impact.affected_columns) if impact else [],
                reasons=[r.message() for r in impact.reasons] if impact else [],
            )
        )
    approved = (
        proposal is not None
        and covers
        and proposal.status in (ProposalStatus.APPROVED, ProposalStatus.FORCE_APPROVED)
    )
    required = [c for c in consumers if c.required]
    all_answered = bool(required) and all(c.response in ACCEPTED for c in required)
    # A breaking change nobody has to answer blocks nothing: the merged sync publishes it, telling the
    # informed teams.
    acknowledged = not breaking or not required or (covers and (approved or all_answered))
    return ModelImpact(
        unique_id=uid,
        fqn=fqn,
        asset_id=asset.id,
        status=status,
        breaking=breaking,
        answer_required=breaking and bool(required),
        acknowledged=acknowledged,
        changes=changes,
        consumers=consumers,
        downstream=[],
        proposal=ProposalItem(
            id=proposal.id,
            status=proposal.status.value,
            source_ref=proposal.source_ref,
            expires_at=proposal.expires_at,
            covers_this_change=covers,
        )
        if proposal
        else None,
    )


async def _add_downstream(
    session: AsyncSession,
    models: list[ModelImpact],
    existing: list[Asset],
    team_names: dict[uuid.UUID, str],
    max_depth: int,
) -> None:
    """Downstream assets of every changed node: the lineage graph is read once, then walked in memory."""
    starts = [m for m in models if m.asset_id is not None and m.status != "unchanged"]
    if not starts:
        return
    graph = await assets_repo.lineage_graph(session)
    by_id = {a.id: a for a in existing}
    for m in starts:
        assert m.asset_id is not None
        m.downstream = [
            DownstreamItem(
                asset_id=a, fqn=by_id[a].fqn, owner_team=team_names.get(by_id[a].owner_team_id), depth=d
            )
            for a, d in walk_downstream(graph, m.asset_id, max_depth)
            if a in by_id
        ]


async def _flag_unreliable(session: AsyncSession, models: list[ModelImpact]) -> None:
    """Name the guarantees consumers rely on that broke in most of their recent runs (any node)."""
    flagged = await quality_service.unreliable_guarantees(session, [m.asset_id for m in models if m.asset_id])
    regs = await registrations_repo.for_assets(session, flagged)
    names = await repository.team_names(session, {r.consumer_team_id for lst in regs.values() for r in lst})
    for m in models:
        if m.asset_id in flagged and regs.get(m.asset_id):
            teams = sorted({names.get(r.consumer_team_id, str(r.consumer_team_id)) for r in regs[m.asset_id]})
            m.unreliable_guarantees = [
                UnreliableGuarantee(guarantee=key, broken=r.broken, runs=r.runs, consumers=teams)
                for key, r in flagged[m.asset_id]
            ]


def _finish(
    models: list[ModelImpact], warnings: list[SyncWarning], base_url: str | None, source: str
) -> DbtImpactResult:
    models.sort(key=lambda m: m.unique_id)
    summary = ImpactSummary()
    for m in models:
        setattr(summary, m.status, getattr(summary, m.status) + 1)
        summary.breaking += m.breaking
        summary.unacknowledged += m.breaking and not m.acknowledged
    verdict = "fail" if summary.unacknowledged else "pass"
    return DbtImpactResult(
        verdict=verdict,
        summary=summary,
        models=models,
        warnings=warnings,
        markdown=markdown.render(verdict, models, base_url=base_url, source=source),
    )


async def propose(
    session: AsyncSession,
    principal: Principal,
    project: SourceProject,
    opts: SyncOptions,
    *,
    max_depth: int,
    base_url: str | None = None,
) -> DbtImpactResult:
    """Open (or replace, for the same pull request) proposals for every breaking change; publish nothing.

    Nodes the key's team does not own, or whose asset already has another open proposal, are reported
    as warnings and left alone; the others are proposed.
    """
    if not opts.source_ref:
        raise ValidationFailed(
            "source_ref (the pull request, e.g. github:org/repo#42) is required.", code="source_ref_required"
        )
    result = await check(session, project, opts, max_depth=max_depth)
    skipped: list[SyncWarning] = []
    for m in result.models:
        if not (m.breaking and not m.acknowledged and m.status == "modified" and m.asset_id is not None):
            continue
        asset = await assets_repo.get_for_update(session, m.asset_id)
        if asset is None:
            continue
        if not principal.acts_for(asset.owner_team_id):
            skipped.append(
                SyncWarning(
                    node=m.unique_id,
                    code="not_owner",
                    message="Not proposed: the key's team does not own it.",
                )
            )
            continue
        active = await contracts_repo.active_for(session, asset.id)
        node = project.assets[m.unique_id]
        cmd = PublishCommand(
            schema=node.schema,
            guarantees=node.guarantees,
            source=ProposalSource.PULL_REQUEST,
            source_ref=opts.source_ref,
            trusted_schema=True,
        )
        history = (
            (await repository.histories(session, [asset.id])).get(asset.id, [])
            if needs_history(asset)
            else []
        )
        ev = evaluate_against(asset, active, history, cmd)
        if active is None or not ev.breaking:
            continue
        try:
            await open_proposal(session, principal, asset, active, ev, cmd)
        except TesseraError as exc:
            skipped.append(SyncWarning(node=m.unique_id, code=exc.code, message=exc.message))
    await session.flush()
    final = await check(session, project, opts, max_depth=max_depth, base_url=base_url)
    final.warnings.extend(skipped)
    return final
