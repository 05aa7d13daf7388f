"""Proposals for breaking changes and the consumers' answers: ``client.proposals``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime

from tessera_sdk import _base as b
from tessera_sdk.models import Page, Proposal
from tessera_sdk.resources._resource import DEFAULT_PAGE_SIZE, AsyncResource, SyncResource


@dataclass(frozen=True, slots=True)
class _Filters:
    asset_id: b.Id | None
    status: str | None
    awaiting_team_id: b.Id | None
    proposed_by_team_id: b.Id | None
    source_ref: str | None

    def params(self) -> dict[str, b.QueryValue]:
        return {
            "asset_id": self.asset_id,
            "status": self.status,
            "awaiting_team_id": self.awaiting_team_id,
            "proposed_by_team_id": self.proposed_by_team_id,
            "source_ref": self.source_ref,
        }


def _list(filters: _Filters, limit: int, offset: int) -> b.Call[Page[Proposal]]:
    return b.get_page("/proposals", Proposal, filters.params(), limit, offset)


def _ack(
    proposal_id: b.Id,
    response: str,
    team_id: b.Id | None,
    migration_deadline: datetime | None,
    reason: str | None,
) -> b.Call[Proposal]:
    body = b.without_none(
        response=response,
        team_id=b.path_id(team_id) if team_id is not None else None,
        migration_deadline=migration_deadline,
        reason=reason,
    )
    return b.send_json("POST", f"/proposals/{b.path_id(proposal_id)}/acknowledge", Proposal, body)


def _withdraw(proposal_id: b.Id, reason: str | None) -> b.Call[Proposal]:
    return b.send_json(
        "POST", f"/proposals/{b.path_id(proposal_id)}/withdraw", Proposal, b.without_none(reason=reason)
    )


def _force(proposal_id: b.Id, reason: str) -> b.Call[Proposal]:
    return b.send_json(
        "POST", f"/proposals/{b.path_id(proposal_id)}/force-approve", Proposal, {"reason": reason}
    )


class Proposals(SyncResource):
    """Breaking changes waiting for (or resolved by) the consumer teams' answers."""

    def list(
        self,
        *,
        asset_id: b.Id | None = None,
        status: str | None = None,
        awaiting_team_id: b.Id | None = None,
        proposed_by_team_id: b.Id | None = None,
        source_ref: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[Proposal]:
        """One page of proposals, newest first; ``awaiting_team_id`` lists those waiting for that team."""
        filters = _Filters(asset_id, status, awaiting_team_id, proposed_by_team_id, source_ref)
        return self._x.run(_list(filters, limit, offset))

    def iter_all(
        self,
        *,
        asset_id: b.Id | None = None,
        status: str | None = None,
        awaiting_team_id: b.Id | None = None,
        proposed_by_team_id: b.Id | None = None,
        source_ref: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Iterator[Proposal]:
        """Every matching proposal, fetched page by page."""
        filters = _Filters(asset_id, status, awaiting_team_id, proposed_by_team_id, source_ref)
        return self._x.paginate(lambda lim, off: _list(filters, lim, off), page_size)

    def get(self, proposal_id: b.Id) -> Proposal:
        """One proposal with every consumer team's answer."""
        return self._x.run(b.get(f"/proposals/{b.path_id(proposal_id)}", Proposal))

    def acknowledge(
        self,
        proposal_id: b.Id,
        response: str = "approved",
        *,
        team_id: b.Id | None = None,
        migration_deadline: datetime | None = None,
        reason: str | None = None,
    ) -> Proposal:
        """Answer for your team: ``approved``, ``migrating`` (with a deadline) or ``blocked`` (and why)."""
        return self._x.run(_ack(proposal_id, response, team_id, migration_deadline, reason))

    def withdraw(self, proposal_id: b.Id, reason: str | None = None) -> Proposal:
        """Withdraw an open proposal (the proposing team or an admin)."""
        return self._x.run(_withdraw(proposal_id, reason))

    def force_approve(self, proposal_id: b.Id, reason: str) -> Proposal:
        """Approve without every answer (admin key; the reason is audited)."""
        return self._x.run(_force(proposal_id, reason))


class AsyncProposals(AsyncResource):
    """Breaking changes waiting for (or resolved by) the consumer teams' answers."""

    async def list(
        self,
        *,
        asset_id: b.Id | None = None,
        status: str | None = None,
        awaiting_team_id: b.Id | None = None,
        proposed_by_team_id: b.Id | None = None,
        source_ref: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[Proposal]:
        """One page of proposals, newest first; ``awaiting_team_id`` lists those waiting for that team."""
        filters = _Filters(asset_id, status, awaiting_team_id, proposed_by_team_id, source_ref)
        return await self._x.run(_list(filters, limit, offset))

    def iter_all(
        self,
        *,
        asset_id: b.Id | None = None,
        status: str | None = None,
        awaiting_team_id: b.Id | None = None,
        proposed_by_team_id: b.Id | None = None,
        source_ref: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[Proposal]:
        """Every matching proposal, fetched page by page."""
        filters = _Filters(asset_id, status, awaiting_team_id, proposed_by_team_id, source_ref)
        return self._x.paginate(lambda lim, off: _list(filters, lim, off), page_size)

    async def get(self, proposal_id: b.Id) -> Proposal:
        """One proposal with every consumer team's answer."""
        return await self._x.run(b.get(f"/proposals/{b.path_id(proposal_id)}", Proposal))

    async def acknowledge(
        self,
        proposal_id: b.Id,
        response: str = "approved",
        *,
        team_id: b.Id | None = None,
        migration_deadline: datetime | None = None,
        reason: str | None = None,
    ) -> Proposal:
        """Answer for your team: ``approved``, ``migrating`` (with a deadline) or ``blocked`` (and why)."""
        return await self._x.run(_ack(proposal_id, response, team_id, migration_deadline, reason))

    async def withdraw(self, proposal_id: b.Id, reason: str | None = None) -> Proposal:
        """Withdraw an open proposal (the proposing team or an admin)."""
        return await self._x.run(_withdraw(proposal_id, reason))

    async def force_approve(self, proposal_id: b.Id, reason: str) -> Proposal:
        """Approve without every answer (admin key; the reason is audited)."""
        return await self._x.run(_force(proposal_id, reason))
