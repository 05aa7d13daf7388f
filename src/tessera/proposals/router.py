"""HTTP routes for proposals."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from tessera.deps import PageDep, ReadPrincipal, ReadSessionDep, WritePrincipal, WriteSessionDep
from tessera.enums import ProposalStatus
from tessera.proposals import repository, service
from tessera.proposals.schemas import AcknowledgeRequest, ForceRequest, ProposalRead, ReasonRequest
from tessera.schemas import ListPage, page_response

router = APIRouter(prefix="/proposals", tags=["proposals"])


@router.get("", response_model=ListPage[ProposalRead])
async def list_proposals(
    session: ReadSessionDep,
    _: ReadPrincipal,
    page: PageDep,
    asset_id: uuid.UUID | None = None,
    status: ProposalStatus | None = None,
    awaiting_team_id: uuid.UUID | None = None,
    proposed_by_team_id: uuid.UUID | None = None,
    source_ref: str | None = None,
) -> Response:
    """Proposals, newest first; ``awaiting_team_id`` lists those waiting for that team's answer."""
    rows, total = await repository.list_proposal_rows(
        session,
        asset_id=asset_id,
        status=status,
        awaiting_team_id=awaiting_team_id,
        proposed_by_team_id=proposed_by_team_id,
        source_ref=source_ref,
        limit=page.limit,
        offset=page.offset,
        cursor=page.cursor,
    )
    return page_response(ProposalRead, await service.list_items(session, rows), total, page)


@router.get("/{proposal_id}", response_model=ProposalRead)
async def get_proposal(proposal_id: uuid.UUID, session: ReadSessionDep, _: ReadPrincipal) -> ProposalRead:
    """One proposal with every consumer team's answer."""
    return (await service.to_read(session, [await service.require_proposal(session, proposal_id)]))[0]


@router.post("/{proposal_id}/acknowledge", response_model=ProposalRead)
async def acknowledge(
    proposal_id: uuid.UUID,
    data: AcknowledgeRequest,
    session: WriteSessionDep,
    principal: WritePrincipal,
) -> ProposalRead:
    """Answer for your team: approved, migrating (with a deadline) or blocked (with a reason)."""
    proposal = await service.acknowledge(session, principal, proposal_id, data)
    return (await service.to_read(session, [proposal]))[0]


@router.post("/{proposal_id}/withdraw", response_model=ProposalRead)
async def withdraw(
    proposal_id: uuid.UUID,
    session: WriteSessionDep,
    principal: WritePrincipal,
    data: ReasonRequest | None = None,
) -> ProposalRead:
    """Withdraw an open proposal (the proposing team or an admin)."""
    reason = data.reason if data else None
    proposal = await service.withdraw(session, principal, proposal_id, reason)
    return (await service.to_read(session, [proposal]))[0]


@router.post("/{proposal_id}/force-approve", response_model=ProposalRead)
async def force_approve(
    proposal_id: uuid.UUID,
    data: ForceRequest,
    session: WriteSessionDep,
    principal: WritePrincipal,
) -> ProposalRead:
    """Approve without every answer (admin; the reason is audited)."""
    proposal = await service.force_approve(session, principal, proposal_id, data.reason)
    return (await service.to_read(session, [proposal]))[0]
