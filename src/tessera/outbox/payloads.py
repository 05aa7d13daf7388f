"""Building the parts of event payloads from database rows, with enough context to act on them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.models import Asset, Proposal
from tessera.links import api_path, ui_path
from tessera.notifications.payloads import (
    AssetRef,
    Change,
    Links,
    ProposalLinks,
    ProposalRef,
    TeamRef,
    UserRef,
)
from tessera.teams import repository as teams_repo
from tessera.users import repository as users_repo

_TEAM_REFS = "tessera.outbox.team_refs"


async def team_refs(session: AsyncSession, team_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, TeamRef]:
    """Teams by id, in at most one query (a team that is gone, or deleted, is named by its id).

    Refs are remembered for the rest of the session: a sync publishing thousands of contracts names
    the same few owner teams in every event, and should not ask for them once per event.
    """
    ids = list(dict.fromkeys(team_ids))
    known: dict[uuid.UUID, TeamRef] = session.info.setdefault(_TEAM_REFS, {})
    missing = [t for t in ids if t not in known]
    if missing:
        teams = await teams_repo.get_many(session, missing)
        known.update({t: TeamRef(id=t, name=teams[t].name if t in teams else str(t)) for t in missing})
    return {t: known[t] for t in ids}


async def slack_mentions(session: AsyncSession, team_ids: Iterable[uuid.UUID]) -> list[str]:
    """Slack member ids of the active members of the live teams, sorted and de-duplicated."""
    found = await teams_repo.contacts(session, list(dict.fromkeys(team_ids)))
    return sorted({m for contact in found.values() for m in contact.slack_member_ids})


async def user_ref(session: AsyncSession, user_id: uuid.UUID | None) -> UserRef | None:
    """A user by id, or None (no user, e.g. a team API key)."""
    if user_id is None:
        return None
    user = await users_repo.get(session, user_id)
    return UserRef(id=user_id, name=user.name) if user is not None else None


def asset_ref(asset: Asset, teams: Mapping[uuid.UUID, TeamRef]) -> AssetRef:
    """The asset part of a payload; ``teams`` must hold its owner team."""
    return AssetRef(
        id=asset.id, fqn=asset.fqn, environment=asset.environment, owner_team=teams[asset.owner_team_id]
    )


def proposal_ref(proposal: Proposal) -> ProposalRef:
    """The proposal part of a payload."""
    return ProposalRef(
        id=proposal.id,
        status=proposal.status,
        kind=proposal.kind,
        source=proposal.source,
        source_ref=proposal.source_ref,
        expires_at=proposal.expires_at,
    )


def links(asset: Asset) -> Links:
    """API and page paths of the asset; the worker makes them absolute when it sends the event."""
    return Links(asset_url=api_path(f"assets/{asset.id}"), asset_page_url=ui_path(f"assets/{asset.id}"))


def proposal_links(asset: Asset, proposal: Proposal) -> ProposalLinks:
    """API and page paths of the asset and the proposal; made absolute when the event is sent."""
    return ProposalLinks(
        asset_url=api_path(f"assets/{asset.id}"),
        asset_page_url=ui_path(f"assets/{asset.id}"),
        proposal_url=api_path(f"proposals/{proposal.id}"),
        proposal_page_url=ui_path(f"proposals/{proposal.id}"),
    )


def changes(records: Iterable[Mapping[str, Any]]) -> list[Change]:
    """Stored change records (schema diff or guarantee diff) as payload changes.

    Guarantee records say whether they ``blocks`` a publish where schema records say ``breaking``;
    the payload has one flag for both.
    """
    out: list[Change] = []
    for r in records:
        guarantee = r.get("category") == "guarantee"
        out.append(
            Change(
                kind=str(r.get("kind")),
                path=str(r.get("path", "")),
                category="guarantee" if guarantee else "schema",
                breaking=bool(r.get("blocks") if guarantee else r.get("breaking")),
                message=str(r.get("message", "")),
                reason=r.get("reason"),
                suggestion=r.get("suggestion"),
                old=r.get("old"),
                new=r.get("new"),
            )
        )
    return out
