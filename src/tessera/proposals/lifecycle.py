"""Opening and resolving proposals: the breaking-change half of the publishing service."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.audit.service import record
from tessera.auth.principal import Principal
from tessera.contracts import repository
from tessera.contracts.evaluation import Evaluated, PublishCommand, evaluate
from tessera.contracts.versions import publish_version, retire_asset
from tessera.core.gating import TeamImpact
from tessera.db.base import utcnow
from tessera.db.models import Acknowledgment, Asset, Contract, Proposal
from tessera.enums import AckResponse, ProposalKind, ProposalSource, ProposalStatus
from tessera.errors import Conflict
from tessera.impact.gating import team_impacts
from tessera.notifications.payloads import (
    ProposalApproved,
    ProposalCreated,
    ProposalExpired,
    ProposalForceApproved,
    ProposalStale,
)
from tessera.outbox.service import emit
from tessera.proposals import repository as proposals_repo
from tessera.proposals.events import actor, proposal_event

ACCEPTING = (AckResponse.APPROVED, AckResponse.MIGRATING)


async def open_proposal(
    session: AsyncSession,
    principal: Principal,
    asset: Asset,
    active: Contract,
    ev: Evaluated,
    cmd: PublishCommand,
) -> Proposal:
    """Open (or reuse, or replace for the same pull request) the asset's proposal for a breaking change."""
    existing = await proposals_repo.open_for_asset(session, asset.id)
    if existing is not None and existing.expires_at is not None and existing.expires_at <= utcnow():
        # Past its deadline but not swept yet: it no longer blocks a new proposal.
        await expire(session, principal, existing, asset)
        existing = None
    if existing is None and cmd.source_ref is not None:
        # A pull request's approved proposal waits for the merge; a new push to that PR replaces it.
        existing = await proposals_repo.approved_for_source(session, asset.id, cmd.source_ref)
    carried: dict[uuid.UUID, Acknowledgment] = {}
    if existing is not None:
        if existing.change_signature == ev.signature and existing.source_ref == cmd.source_ref:
            return existing
        same_pr = cmd.source_ref is not None and existing.source_ref == cmd.source_ref
        if not same_pr:
            raise Conflict(
                f"'{asset.fqn}' already has an open proposal ({existing.id}); "
                "withdraw it or wait for it to resolve.",
                code="proposal_already_open",
                details={"proposal_id": str(existing.id)},
            )
        # A new push to the same pull request replaces its proposal; answers carry over only when the
        # breaking changes are the same.
        old_acks = (await proposals_repo.acknowledgments(session, [existing.id]))[existing.id]
        if breaking_key(existing.breaking_changes) == breaking_key(ev.breaking):
            carried = {a.team_id: a for a in old_acks}
        existing.status = ProposalStatus.SUPERSEDED
        existing.resolved_at = utcnow()
        existing.resolution_note = "Replaced by a newer push to the same pull request."
        await session.flush()
        await record(
            session,
            principal,
            "proposal.superseded",
            "proposal",
            existing.id,
            {"source_ref": cmd.source_ref},
            asset_id=existing.asset_id,
        )
    impacts = await team_impacts(session, asset, ev.breaking)
    proposal = Proposal(
        asset_id=asset.id,
        kind=ProposalKind.CHANGE,
        status=ProposalStatus.OPEN,
        # A pull-request reference makes a plain publish a pull-request proposal: it waits for the merge.
        source=ProposalSource.PULL_REQUEST
        if cmd.source_ref and cmd.source is ProposalSource.PUBLISH
        else cmd.source,
        source_ref=cmd.source_ref,
        base_contract_id=active.id,
        proposed_version=cmd.version,
        schema_def=ev.schema,
        schema_fingerprint=ev.schema_fp,
        guarantees=ev.guarantees,
        guarantees_fingerprint=ev.guarantees_fp,
        changes=ev.changes + [dict(g, category="guarantee") for g in ev.guarantee_changes],
        breaking_changes=ev.breaking,
        change_signature=ev.signature,
        suggested_bump=ev.evaluation.suggested_bump.value if ev.evaluation else "major",
        reason=cmd.reason,
        proposed_by_team_id=principal.team_id or asset.owner_team_id,
        proposed_by_user_id=principal.user_id,
        expires_at=cmd.expires_at,
    )
    session.add(proposal)
    await session.flush()
    add_acknowledgments(session, proposal, impacts, carried)
    await session.flush()
    required = [i.team_id for i in impacts if i.required]
    await record(
        session,
        principal,
        "proposal.created",
        "proposal",
        proposal.id,
        {
            "asset_id": str(asset.id),
            "consumers": [str(t) for t in required],
            "informed": [str(i.team_id) for i in impacts if not i.required],
            "source_ref": cmd.source_ref,
        },
    )
    await emit(session, await proposal_event(session, ProposalCreated, asset, proposal))
    # Only the required teams' answers gate the proposal; informed teams never hold it up.
    if all((t in carried and carried[t].response in ACCEPTING) for t in required):
        await resolve_approved(session, principal, asset, proposal)
    return proposal


def add_acknowledgments(
    session: AsyncSession,
    proposal: Proposal,
    impacts: list[TeamImpact],
    carried: dict[uuid.UUID, Acknowledgment] | None = None,
) -> None:
    """One acknowledgment row per concerned team: required or informed, with its columns and reasons."""
    for impact in impacts:
        prior = (carried or {}).get(impact.team_id)
        session.add(
            Acknowledgment(
                proposal_id=proposal.id,
                team_id=impact.team_id,
                user_id=prior.user_id if prior else None,
                response=prior.response if prior else AckResponse.PENDING,
                migration_deadline=prior.migration_deadline if prior else None,
                reason=prior.reason if prior else None,
                responded_at=prior.responded_at if prior else None,
                required=impact.required,
                affected_columns=list(impact.affected_columns),
                impact=[r.to_dict() for r in impact.reasons],
            )
        )


async def resolve_approved(
    session: AsyncSession,
    principal: Principal,
    asset: Asset,
    proposal: Proposal,
    *,
    forced: str | None = None,
) -> None:
    """Every required consumer acknowledged (or an admin forced it): approve; publish unless it waits.

    The contract is only published if the one it was diffed against is still active; otherwise the
    proposal is ``stale`` and the producer re-proposes against the current version.
    """
    now = utcnow()
    proposal.resolved_at = now
    waits_for_merge = proposal.source is ProposalSource.PULL_REQUEST
    status = ProposalStatus.FORCE_APPROVED if forced else ProposalStatus.APPROVED
    action = "proposal.force_approved" if forced else "proposal.approved"
    active = await repository.active_for(session, asset.id)
    if proposal.kind is ProposalKind.CHANGE and (active is None or active.id != proposal.base_contract_id):
        proposal.status = ProposalStatus.STALE
        proposal.resolution_note = "The contract it was diffed against is no longer active; re-propose."
        await session.flush()
        await record(session, principal, "proposal.stale", "proposal", proposal.id, {}, asset_id=asset.id)
        await emit(session, await proposal_event(session, ProposalStale, asset, proposal))
        return
    proposal.status = status
    await session.flush()
    await record(session, principal, action, "proposal", proposal.id, {"reason": forced}, asset_id=asset.id)
    if forced:
        who = await actor(session, principal)
        event = await proposal_event(
            session, ProposalForceApproved, asset, proposal, reason=forced, actor=who
        )
        await emit(session, event)
    else:
        await emit(session, await proposal_event(session, ProposalApproved, asset, proposal))
    if waits_for_merge:
        return
    if proposal.kind is ProposalKind.REMOVAL:
        await retire_asset(session, principal, asset, proposal)
        return
    assert active is not None and proposal.schema_def is not None
    cmd = PublishCommand(
        schema=proposal.schema_def, guarantees=proposal.guarantees, version=proposal.proposed_version
    )
    ev = await evaluate(session, asset, active, cmd)
    version = proposal.proposed_version or ev.suggested_version
    contract = await publish_version(
        session,
        principal,
        asset,
        active,
        ev,
        version,
        proposal_id=proposal.id,
        forced_reason=forced,
    )
    proposal.status = ProposalStatus.PUBLISHED
    proposal.published_contract_id = contract.id
    await session.flush()


def breaking_key(changes: list[Any]) -> list[tuple[str, str]]:
    return sorted((str(c.get("kind")), str(c.get("path"))) for c in changes if isinstance(c, dict))


async def expire(session: AsyncSession, principal: Principal, proposal: Proposal, asset: Asset) -> None:
    """Mark an open proposal past its deadline as expired."""
    proposal.status = ProposalStatus.EXPIRED
    proposal.resolved_at = utcnow()
    proposal.resolution_note = "Expired before every required consumer team acknowledged it."
    await session.flush()
    await record(session, principal, "proposal.expired", "proposal", proposal.id, {}, asset_id=asset.id)
    await emit(session, await proposal_event(session, ProposalExpired, asset, proposal))
