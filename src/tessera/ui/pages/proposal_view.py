"""The proposal page's data: one plain object built through the proposals service, in a fixed number of
queries (the proposal, its answers and names, the asset, the registrations, the proposer, the version)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.assets import repository as assets_repo
from tessera.auth.principal import Principal
from tessera.contracts import repository as contracts_repo
from tessera.core.pointer import column_of
from tessera.core.semver import suggest_version
from tessera.enums import AckResponse, ProposalSource, ProposalStatus, Scope
from tessera.proposals import service
from tessera.proposals.schemas import AcknowledgmentRead, ProposalRead
from tessera.registrations import repository as registrations_repo
from tessera.teams import repository as teams_repo
from tessera.ui.changes_view import ChangeGroup, change_groups, summary
from tessera.users import repository as users_repo

# owner/repo#42, optionally prefixed with github: (what `tessera dbt check --propose` records).
_GITHUB_PR = re.compile(r"^(?:github:)?([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)#(\d+)$")
WHOLE_TABLE = "*"
"""The affected-column marker of a breaking change that names no column (the whole table changes)."""


def source_link(source_ref: str | None) -> str | None:
    """Where a proposal's ``source_ref`` points: an http(s) URL as is, ``owner/repo#n`` as its GitHub PR."""
    if not source_ref:
        return None
    if source_ref.startswith(("https://", "http://")) and not any(c in source_ref for c in " <>\"'"):
        return source_ref
    match = _GITHUB_PR.match(source_ref)
    return f"https://github.com/{match.group(1)}/pull/{match.group(2)}" if match else None


def breaking_columns(changes: Iterable[Mapping[str, Any]]) -> set[str]:
    """Lower-case columns the breaking changes touch; :data:`WHOLE_TABLE` when one names no column."""
    return {column_of(str(c.get("path", ""))) or WHOLE_TABLE for c in changes if isinstance(c, Mapping)}


def affected(reads: Sequence[str], broken: set[str]) -> list[str]:
    """The columns a consumer reads that a breaking change touches (all of them when it reads the whole
    table, i.e. registered no columns, or when the change is to the whole table)."""
    named = sorted(c for c in broken if c != WHOLE_TABLE)
    if not reads or WHOLE_TABLE in broken:
        return named if named or not broken else [WHOLE_TABLE]
    return sorted({c.lower() for c in reads} & broken)


@dataclass(frozen=True, slots=True)
class ConsumerRow:
    """One consumer team on the proposal page."""

    team_id: uuid.UUID
    team_name: str
    response: str
    reason: str | None
    migration_deadline: datetime | None
    responded_at: datetime | None
    required: bool
    reads: list[str]
    affected: list[str]
    why: list[str]
    mine: bool


@dataclass(frozen=True, slots=True)
class ProposalPage:
    """Everything the proposal template shows, and which actions the signed-in principal may take."""

    proposal: ProposalRead
    asset_fqn: str
    asset_live: bool
    mode: str
    proposer_team: str
    proposer_user: str | None
    source_url: str | None
    groups: list[ChangeGroup]
    counts: dict[str, int]
    consumers: list[ConsumerRow]
    highlight: frozenset[str]
    published_version: str | None
    can_answer: bool
    can_withdraw: bool
    can_force: bool

    @property
    def is_open(self) -> bool:
        """Only an open proposal takes answers, withdrawals and forcing."""
        return self.proposal.status is ProposalStatus.OPEN

    @property
    def next_version(self) -> str:
        """The version publishing would create: the one proposed, else the next by the suggested bump."""
        p = self.proposal
        return p.proposed_version or suggest_version(p.base_version, p.suggested_bump)

    @property
    def mine(self) -> ConsumerRow | None:
        """The signed-in team's row, if it is among the consumers."""
        return next((c for c in self.consumers if c.mine), None)

    @property
    def waiting_on(self) -> list[ConsumerRow]:
        """Required consumers that have not answered."""
        return [c for c in self.consumers if c.required and c.response == AckResponse.PENDING]

    @property
    def source_label(self) -> str:
        """How the change arrived, in words."""
        return {
            ProposalSource.PUBLISH: "Direct publish",
            ProposalSource.PULL_REQUEST: "Pull request",
            ProposalSource.SYNC: "dbt sync",
        }[self.proposal.source]


def _required(ack: AcknowledgmentRead) -> bool:
    """Whether the proposal waits for this team (column-level impact; answers made before it: yes)."""
    return ack.required


def _affected_of(ack: AcknowledgmentRead, reads: list[str], broken: set[str]) -> list[str]:
    """The service's affected columns; for an answer recorded before they were kept, the team's reads
    that a breaking change touches."""
    if ack.affected_columns:
        return sorted(str(c) for c in ack.affected_columns)
    return affected(reads, broken)


def _why(ack: AcknowledgmentRead) -> list[str]:
    """The service's explanations of why the team is concerned (direct read, via a downstream column...)."""
    return [reason.message for reason in ack.impact if reason.message]


async def build(session: AsyncSession, principal: Principal, proposal_id: uuid.UUID) -> ProposalPage:
    """The proposal page of ``proposal_id`` as ``principal`` sees it (``proposal_not_found`` otherwise)."""
    proposal = (await service.to_read(session, [await service.require_proposal(session, proposal_id)]))[0]
    asset = await assets_repo.get(session, proposal.asset_id)
    registrations = await registrations_repo.for_asset(session, proposal.asset_id) if asset else []
    # What each team reads: the columns it declared and those the lineage derived for it.
    reads = {
        r.consumer_team_id: sorted({str(c) for c in [*r.columns, *r.derived_columns]}) for r in registrations
    }
    proposer = await teams_repo.get(session, proposal.proposed_by_team_id)
    user = (
        await users_repo.get(session, proposal.proposed_by_user_id) if proposal.proposed_by_user_id else None
    )
    published = (
        await contracts_repo.versions_of(session, {proposal.published_contract_id})
        if proposal.published_contract_id
        else {}
    )
    broken = breaking_columns(proposal.breaking_changes)
    consumers = [
        ConsumerRow(
            team_id=a.team_id,
            team_name=a.team_name or str(a.team_id),
            response=a.response.value,
            reason=a.reason,
            migration_deadline=a.migration_deadline,
            responded_at=a.responded_at,
            required=_required(a),
            reads=sorted(reads.get(a.team_id, [])),
            affected=_affected_of(a, reads.get(a.team_id, []), broken),
            why=_why(a),
            mine=principal.team_id == a.team_id,
        )
        for a in proposal.acknowledgments
    ]
    consumers.sort(key=lambda c: (not c.mine, not c.required, c.response != "pending", c.team_name.lower()))
    mine = next((c for c in consumers if c.mine), None)
    highlight: frozenset[str] = frozenset()
    if mine is not None:
        changed = {column_of(str(c.get("path", ""))) for c in proposal.changes if isinstance(c, Mapping)}
        highlight = frozenset(c.lower() for c in mine.reads) or frozenset(c for c in changed if c)
    is_open = proposal.status is ProposalStatus.OPEN
    writes = principal.has_scope(Scope.WRITE)
    schema = [c for c in proposal.changes if isinstance(c, Mapping) and c.get("category") != "guarantee"]
    guarantees = [c for c in proposal.changes if isinstance(c, Mapping) and c.get("category") == "guarantee"]
    groups = change_groups(schema, guarantees)
    return ProposalPage(
        proposal=proposal,
        asset_fqn=proposal.asset_fqn or str(proposal.asset_id),
        asset_live=asset is not None,
        mode=asset.compatibility_mode.value if asset is not None else "recorded",
        proposer_team=proposer.name if proposer else str(proposal.proposed_by_team_id),
        proposer_user=user.name if user else None,
        source_url=source_link(proposal.source_ref),
        groups=groups,
        counts=summary(groups),
        consumers=consumers,
        highlight=highlight,
        published_version=published.get(proposal.published_contract_id)
        if proposal.published_contract_id
        else None,
        can_answer=is_open and writes and mine is not None,
        can_withdraw=is_open and writes and principal.acts_for(proposal.proposed_by_team_id),
        can_force=is_open and principal.is_admin,
    )
