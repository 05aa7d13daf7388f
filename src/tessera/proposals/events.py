"""The one payload shape of every proposal event."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.auth.principal import Principal
from tessera.contracts import repository as contracts_repo
from tessera.core.semver import suggest_version
from tessera.db.models import Asset, Proposal
from tessera.enums import ProposalKind
from tessera.notifications.payloads import Actor, AffectedTeam, Answer, ProposalEventData, Versions
from tessera.outbox import payloads
from tessera.proposals import repository

P = TypeVar("P", bound=ProposalEventData)


async def versions(session: AsyncSession, proposal: Proposal) -> Versions:
    """The version the proposal was diffed against and the one it would publish (a removal: none)."""
    base = proposal.base_contract_id
    start = (await contracts_repo.versions_of(session, {base})).get(base) if base else None
    if proposal.kind is ProposalKind.REMOVAL:
        return Versions(from_=start, to=None)
    return Versions(
        from_=start, to=proposal.proposed_version or suggest_version(start, proposal.suggested_bump)
    )


async def proposal_event(
    session: AsyncSession,
    event: type[P],
    asset: Asset,
    proposal: Proposal,
    *,
    reason: str | None = None,
    answer: Answer | None = None,
    actor: Actor | None = None,
) -> P:
    """Proposal, asset, versions, changes, consumer teams with their answers, and Slack mentions.

    ``reason`` defaults to the proposal's resolution note; ``answer`` (acknowledged/blocked) and
    ``actor`` (force-approved) are given only for the event types that carry them.
    """
    acks = (await repository.acknowledgments(session, [proposal.id]))[proposal.id]
    consumer_ids = [a.team_id for a in acks]
    teams = await payloads.team_refs(session, [asset.owner_team_id, *consumer_ids])
    extra = {k: v for k, v in (("answer", answer), ("actor", actor)) if v is not None}
    return event(
        proposal=payloads.proposal_ref(proposal),
        asset=payloads.asset_ref(asset, teams),
        versions=await versions(session, proposal),
        links=payloads.proposal_links(asset, proposal),
        changes=payloads.changes(proposal.changes),
        affected_teams=[
            AffectedTeam(
                id=a.team_id,
                name=teams[a.team_id].name,
                response=a.response,
                required=a.required,
                affected_columns=list(a.affected_columns or []),
            )
            for a in acks
        ],
        # Only the teams whose answer is needed are pinged; informed teams read it in their channel.
        mentions=await payloads.slack_mentions(session, [a.team_id for a in acks if a.required]),
        reason=reason if reason is not None else proposal.resolution_note,
        **extra,
    )


async def actor(session: AsyncSession, principal: Principal) -> Actor:
    """The team and user a principal acts as, where known."""
    teams = await payloads.team_refs(session, [principal.team_id] if principal.team_id else [])
    return Actor(
        team=teams.get(principal.team_id) if principal.team_id else None,
        user=await payloads.user_ref(session, principal.user_id),
    )
