"""Rules for proposals: consumer teams answer for themselves; the proposer withdraws; admins force."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.assets import repository as assets_repo
from tessera.audit.service import record
from tessera.auth.principal import Principal
from tessera.contracts import repository as contracts_repo
from tessera.db.base import utcnow
from tessera.db.models import Asset, Proposal
from tessera.enums import AckResponse, ProposalStatus
from tessera.errors import Conflict, Forbidden, ValidationFailed, not_found
from tessera.notifications.payloads import Answer, ProposalAcknowledged, ProposalBlocked, ProposalWithdrawn
from tessera.outbox import payloads
from tessera.outbox.service import emit
from tessera.proposals import repository
from tessera.proposals.events import proposal_event
from tessera.proposals.lifecycle import ACCEPTING, expire, resolve_approved
from tessera.proposals.schemas import AcknowledgeRequest, AcknowledgmentRead, ImpactReason, ProposalRead
from tessera.teams import repository as teams_repo


async def require_proposal(session: AsyncSession, proposal_id: uuid.UUID) -> Proposal:
    """A proposal or ``proposal_not_found``."""
    proposal = await repository.get(session, proposal_id)
    if proposal is None:
        raise not_found("proposal", proposal_id)
    return proposal


async def to_read(session: AsyncSession, proposals: Sequence[Proposal]) -> list[ProposalRead]:
    """API views with answers, team names, asset FQNs and base versions (a fixed number of queries)."""
    acks = await repository.acknowledgments(session, [p.id for p in proposals])
    team_ids = {a.team_id for lst in acks.values() for a in lst}
    teams = await teams_repo.get_many(session, team_ids)
    fqns = await repository.asset_fqns(session, {p.asset_id for p in proposals})
    base_ids = {p.base_contract_id for p in proposals if p.base_contract_id is not None}
    versions = await contracts_repo.versions_of(session, base_ids)
    out = []
    for p in proposals:
        answers = [
            AcknowledgmentRead(
                team_id=a.team_id,
                team_name=teams[a.team_id].name if a.team_id in teams else None,
                user_id=a.user_id,
                response=a.response,
                migration_deadline=a.migration_deadline,
                reason=a.reason,
                responded_at=a.responded_at,
                required=a.required,
                affected_columns=list(a.affected_columns or []),
                impact=[ImpactReason.model_validate(r) for r in a.impact or []],
            )
            for a in acks.get(p.id, [])
        ]
        view = ProposalRead.model_validate(p).model_copy(
            update={
                "acknowledgments": answers,
                "pending_team_ids": [
                    a.team_id for a in answers if a.required and a.response is AckResponse.PENDING
                ],
                "required_team_ids": [a.team_id for a in answers if a.required],
                "informed_team_ids": [a.team_id for a in answers if not a.required],
                "asset_fqn": fqns.get(p.asset_id),
                "base_version": versions.get(p.base_contract_id) if p.base_contract_id else None,
            }
        )
        out.append(view)
    return out


async def list_items(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> list[dict[str, object]]:
    """A list page's proposals (rows of ``repository.list_proposal_rows``) as the plain JSON rows of
    :class:`ProposalRead`, what :func:`to_read` gives with no model instance per proposal and answer:
    ``page_response`` writes them straight out, the stored JSON documents unparsed.

    A page of 50 proposals carries 50 schemas, their changes and every answer; parsing, validating and
    copying a model of each cost more than the page's SQL (bench/bench_large_lists.py). A test holds the
    two forms equal."""
    acks = await repository.acknowledgments(session, [p["id"] for p in rows])
    team_ids = {a.team_id for lst in acks.values() for a in lst}
    teams = await teams_repo.get_many(session, team_ids)
    fqns = await repository.asset_fqns(session, {p["asset_id"] for p in rows})
    base_ids = {p["base_contract_id"] for p in rows if p["base_contract_id"] is not None}
    versions = await contracts_repo.versions_of(session, base_ids)
    out: list[dict[str, object]] = []
    for p in rows:
        answers = [
            {
                "team_id": a.team_id,
                "team_name": teams[a.team_id].name if a.team_id in teams else None,
                "user_id": a.user_id,
                "response": a.response,
                "migration_deadline": a.migration_deadline,
                "reason": a.reason,
                "responded_at": a.responded_at,
                "required": a.required,
                "affected_columns": list(a.affected_columns or []),
                "impact": [_impact_item(r) for r in a.impact or []],
            }
            for a in acks.get(p["id"], [])
        ]
        base = p["base_contract_id"]
        out.append(
            {
                "id": p["id"],
                "asset_id": p["asset_id"],
                "asset_fqn": fqns.get(p["asset_id"]),
                "kind": p["kind"],
                "status": p["status"],
                "source": p["source"],
                "source_ref": p["source_ref"],
                "base_contract_id": base,
                "base_version": versions.get(base) if base else None,
                "proposed_version": p["proposed_version"],
                "schema": _json_text(p["schema"]),
                "schema_fingerprint": p["schema_fingerprint"],
                "guarantees": _json_text(p["guarantees"]),
                "changes": _json_text(p["changes"]) or [],
                "breaking_changes": _json_text(p["breaking_changes"]) or [],
                "suggested_bump": p["suggested_bump"],
                "reason": p["reason"],
                "proposed_by_team_id": p["proposed_by_team_id"],
                "proposed_by_user_id": p["proposed_by_user_id"],
                "created_at": p["created_at"],
                "expires_at": p["expires_at"],
                "resolved_at": p["resolved_at"],
                "resolution_note": p["resolution_note"],
                "published_contract_id": p["published_contract_id"],
                "acknowledgments": answers,
                "pending_team_ids": [
                    a["team_id"] for a in answers if a["required"] and a["response"] is AckResponse.PENDING
                ],
                "required_team_ids": [a["team_id"] for a in answers if a["required"]],
                "informed_team_ids": [a["team_id"] for a in answers if not a["required"]],
            }
        )
    return out


def _json_text(text: str | None) -> orjson.Fragment | None:
    """Stored JSON text, written into the answer as it is (SQL NULL: ``None``)."""
    return None if text is None else orjson.Fragment(text)


def _impact_item(reason: dict[str, object]) -> dict[str, object]:
    """A stored impact reason in the JSON shape of :class:`ImpactReason` (its defaults filled in)."""
    via = reason.get("via_asset_id")
    return {
        "kind": reason["kind"],
        "columns": list(reason.get("columns") or []),  # type: ignore[call-overload]
        "via_asset_id": str(uuid.UUID(str(via))) if via else None,
        "via_asset": reason.get("via_asset"),
        "via_column": reason.get("via_column"),
        "message": reason["message"],
    }


async def _lock(session: AsyncSession, proposal_id: uuid.UUID) -> tuple[Proposal, Asset]:
    """Lock the asset, then the proposal (always in this order, to avoid deadlocks)."""
    proposal = await require_proposal(session, proposal_id)
    asset = await assets_repo.get_for_update(session, proposal.asset_id)
    locked = await repository.get_for_update(session, proposal_id)
    assert locked is not None
    if asset is None:
        raise Conflict("The proposal's asset was deleted.", code="asset_deleted")
    return locked, asset


def _require_open(proposal: Proposal, *, commit: bool = False) -> None:
    if proposal.status is not ProposalStatus.OPEN:
        raise Conflict(
            f"Proposal {proposal.id} is {proposal.status.value}; only open proposals can change.",
            code=f"proposal_{proposal.status.value}",
            commit=commit,
        )


async def acknowledge(
    session: AsyncSession,
    principal: Principal,
    proposal_id: uuid.UUID,
    data: AcknowledgeRequest,
) -> Proposal:
    """Record a consumer team's answer; the last required approval approves (and usually publishes) it.

    Informed teams (not required) may answer too; their answer is recorded and announced but gates nothing.
    """
    team_id = data.team_id or principal.team_id
    if team_id is None:
        raise ValidationFailed("team_id is required when the key has no team.", code="team_required")
    if not principal.acts_for(team_id):
        raise Forbidden("A team may only answer for itself.", code="not_team_member")
    proposal, asset = await _lock(session, proposal_id)
    # A proposal found past its deadline is expired for good, although this answer is refused.
    _require_open(proposal, commit=await _expire_if_due(session, principal, proposal, asset))
    acks = (await repository.acknowledgments(session, [proposal.id]))[proposal.id]
    mine = next((a for a in acks if a.team_id == team_id), None)
    if mine is None:
        raise Forbidden(
            "This team is not among the consumers asked to acknowledge this proposal.", code="not_a_consumer"
        )
    now = utcnow()
    mine.response = data.response
    mine.user_id = principal.user_id
    mine.migration_deadline = data.migration_deadline
    mine.reason = data.reason
    mine.responded_at = now
    proposal.updated_at = now
    await session.flush()
    action = "proposal.blocked" if data.response is AckResponse.BLOCKED else "proposal.acknowledged"
    await record(
        session,
        principal,
        action,
        "proposal",
        proposal.id,
        {"team_id": str(team_id), "response": data.response.value, "reason": data.reason},
        asset_id=proposal.asset_id,
    )
    team = (await payloads.team_refs(session, [team_id]))[team_id]
    answer = Answer(
        team=team,
        user=await payloads.user_ref(session, principal.user_id),
        response=data.response,
        reason=data.reason,
        migration_deadline=data.migration_deadline,
    )
    event = ProposalBlocked if data.response is AckResponse.BLOCKED else ProposalAcknowledged
    await emit(session, await proposal_event(session, event, asset, proposal, answer=answer))
    if all(a.response in ACCEPTING for a in acks if a.required):
        await resolve_approved(session, principal, asset, proposal)
    return proposal


async def withdraw(
    session: AsyncSession, principal: Principal, proposal_id: uuid.UUID, reason: str | None
) -> Proposal:
    """The proposing team (or an admin) withdraws an open proposal."""
    proposal, asset = await _lock(session, proposal_id)
    if not principal.acts_for(proposal.proposed_by_team_id):
        raise Forbidden(
            "Only the proposing team (or an admin) may withdraw this proposal.", code="not_proposer"
        )
    _require_open(proposal)
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.resolved_at = utcnow()
    proposal.resolution_note = reason
    await session.flush()
    await record(
        session,
        principal,
        "proposal.withdrawn",
        "proposal",
        proposal.id,
        {"reason": reason},
        asset_id=asset.id,
    )
    await emit(session, await proposal_event(session, ProposalWithdrawn, asset, proposal))
    return proposal


async def force_approve(
    session: AsyncSession, principal: Principal, proposal_id: uuid.UUID, reason: str
) -> Proposal:
    """An admin approves despite missing answers; audited with the reason."""
    if not principal.is_admin:
        raise Forbidden("Force-approving needs an API key with the 'admin' scope.", code="admin_required")
    proposal, asset = await _lock(session, proposal_id)
    _require_open(proposal, commit=await _expire_if_due(session, principal, proposal, asset))
    await resolve_approved(session, principal, asset, proposal, forced=reason)
    if proposal.status is ProposalStatus.STALE:
        raise Conflict(
            "The contract this proposal was diffed against is no longer active; it is now stale. Re-propose.",
            code="proposal_stale",
            commit=True,
        )
    return proposal


async def _expire_if_due(
    session: AsyncSession, principal: Principal, proposal: Proposal, asset: Asset
) -> bool:
    """Expire ``proposal`` if its deadline has passed; True when it did."""
    if proposal.status is ProposalStatus.OPEN and proposal.expires_at and proposal.expires_at <= utcnow():
        await expire(session, principal, proposal, asset)
        return True
    return False


async def expire_due(session: AsyncSession, principal: Principal) -> int:
    """Expire every open proposal past its deadline (run periodically by the worker)."""
    count = 0
    for proposal_id in await repository.due_for_expiry(session, utcnow()):
        proposal, asset = await _lock(session, proposal_id)
        if proposal.status is ProposalStatus.OPEN:
            await expire(session, principal, proposal, asset)
            count += 1
    return count
