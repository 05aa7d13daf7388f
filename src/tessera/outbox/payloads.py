"""Building event payloads with enough context to act without another API call."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.models import Asset, Proposal
from tessera.teams import repository as teams_repo


async def team_refs(session: AsyncSession, team_ids: Iterable[uuid.UUID]) -> list[dict[str, Any]]:
    """``[{id, name, slack_member_ids}]`` for teams, in two queries; used for mentions in Slack.

    One ref per id, in order; a team that is gone (deleted) keeps its id as name and mentions nobody.
    """
    ids = list(dict.fromkeys(team_ids))
    found = await teams_repo.contacts(session, ids)
    refs: list[dict[str, Any]] = []
    for t in ids:
        contact = found.get(t)
        refs.append(
            {
                "id": str(t),
                "name": contact.name if contact else str(t),
                "slack_member_ids": list(contact.slack_member_ids) if contact else [],
            }
        )
    return refs


def asset_ref(asset: Asset, base_url: str) -> dict[str, Any]:
    """The asset part of a payload."""
    return {
        "id": str(asset.id),
        "fqn": asset.fqn,
        "environment": asset.environment,
        "owner_team_id": str(asset.owner_team_id),
        "url": f"{base_url}/api/v1/assets/{asset.id}",
    }


def proposal_ref(proposal: Proposal, base_url: str) -> dict[str, Any]:
    """The proposal part of a payload."""
    return {
        "id": str(proposal.id),
        "status": proposal.status.value,
        "kind": proposal.kind.value,
        "source": proposal.source.value,
        "source_ref": proposal.source_ref,
        "proposed_version": proposal.proposed_version,
        "expires_at": proposal.expires_at.isoformat() if proposal.expires_at else None,
        "url": f"{base_url}/api/v1/proposals/{proposal.id}",
    }


def links(base_url: str, asset: Asset, proposal: Proposal | None = None) -> dict[str, Any]:
    """Absolute URLs of the asset (and proposal) in this Tessera."""
    out: dict[str, Any] = {"asset_url": f"{base_url}/api/v1/assets/{asset.id}"}
    if proposal is not None:
        out["proposal_url"] = f"{base_url}/api/v1/proposals/{proposal.id}"
    return out


def mentions(teams: list[dict[str, Any]]) -> list[str]:
    """Every Slack member id of the given team refs, de-duplicated."""
    return sorted({m for t in teams for m in t["slack_member_ids"]})
