"""Building event payloads with enough context to act without another API call."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.models import Asset, Proposal, Team, TeamMember, User
from tessera.links import api_url


async def team_refs(session: AsyncSession, team_ids: Iterable[uuid.UUID]) -> list[dict[str, Any]]:
    """``[{id, name, slack_member_ids}]`` for teams, in two queries; used for mentions in Slack."""
    ids = list(dict.fromkeys(team_ids))
    if not ids:
        return []
    names = dict((await session.execute(sa.select(Team.id, Team.name).where(Team.id.in_(ids)))).all())
    members: dict[uuid.UUID, list[str]] = {}
    rows = await session.execute(
        sa.select(TeamMember.team_id, User.slack_member_id)
        .join(User, User.id == TeamMember.user_id)
        .where(TeamMember.team_id.in_(ids), User.deactivated_at.is_(None), User.slack_member_id.is_not(None))
    )
    for team_id, member_id in rows:
        if member_id:
            members.setdefault(team_id, []).append(member_id)
    return [
        {"id": str(t), "name": names.get(t, str(t)), "slack_member_ids": sorted(members.get(t, []))}
        for t in ids
    ]


def asset_ref(asset: Asset, base_url: str) -> dict[str, Any]:
    """The asset part of a payload."""
    return {
        "id": str(asset.id),
        "fqn": asset.fqn,
        "environment": asset.environment,
        "owner_team_id": str(asset.owner_team_id),
        "url": api_url(base_url, f"assets/{asset.id}"),
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
        "url": api_url(base_url, f"proposals/{proposal.id}"),
    }


def links(base_url: str, asset: Asset, proposal: Proposal | None = None) -> dict[str, Any]:
    """Absolute URLs of the asset (and proposal) in this Tessera."""
    out: dict[str, Any] = {"asset_url": api_url(base_url, f"assets/{asset.id}")}
    if proposal is not None:
        out["proposal_url"] = api_url(base_url, f"proposals/{proposal.id}")
    return out


def mentions(teams: list[dict[str, Any]]) -> list[str]:
    """Every Slack member id of the given team refs, de-duplicated."""
    return sorted({m for t in teams for m in t["slack_member_ids"]})
