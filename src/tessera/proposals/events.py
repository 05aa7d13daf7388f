"""The one payload shape of every proposal event."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.models import Asset, Proposal
from tessera.outbox import payloads
from tessera.proposals import repository


async def proposal_event(
    session: AsyncSession, asset: Asset, proposal: Proposal, base_url: str
) -> dict[str, Any]:
    """Proposal, asset, breaking changes, affected teams with Slack mentions, and every answer."""
    acks = (await repository.acknowledgments(session, [proposal.id]))[proposal.id]
    teams = await payloads.team_refs(session, [a.team_id for a in acks])
    return {
        "proposal": payloads.proposal_ref(proposal, base_url),
        "asset": payloads.asset_ref(asset, base_url),
        "links": payloads.links(base_url, asset, proposal),
        "breaking_changes": proposal.breaking_changes,
        "affected_teams": teams,
        "responses": {str(a.team_id): a.response.value for a in acks},
        "owner_team_id": str(asset.owner_team_id),
        "mentions": payloads.mentions(teams),
    }
