"""The audit log: ``client.audit``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime

from tessera_sdk import _base as b
from tessera_sdk.models import AuditEvent, Page
from tessera_sdk.resources._resource import DEFAULT_PAGE_SIZE, AsyncResource, SyncResource


@dataclass(frozen=True, slots=True)
class _Filters:
    action: str | None
    target_type: str | None
    target_id: str | None
    actor_team_id: b.Id | None
    since: datetime | None
    until: datetime | None
    asset_id: b.Id | None = None

    def params(self) -> dict[str, b.QueryValue]:
        return {
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "asset_id": self.asset_id,
            "actor_team_id": self.actor_team_id,
            "since": self.since,
            "until": self.until,
        }


def _list(filters: _Filters, limit: int, offset: int) -> b.Call[Page[AuditEvent]]:
    return b.get_page("/audit/events", AuditEvent, filters.params(), limit, offset)


class Audit(SyncResource):
    """Read the append-only audit log; ``action`` accepts a family such as ``proposal.*``, ``asset_id``
    selects every event about one asset (its contracts, proposals and registrations included)."""

    def list(
        self,
        *,
        action: str | None = None,
        target_type: str | None = None,
        target_id: str | None = None,
        asset_id: b.Id | None = None,
        actor_team_id: b.Id | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[AuditEvent]:
        """One page of audit events, newest first."""
        filters = _Filters(action, target_type, target_id, actor_team_id, since, until, asset_id)
        return self._x.run(_list(filters, limit, offset))

    def iter_all(
        self,
        *,
        action: str | None = None,
        target_type: str | None = None,
        target_id: str | None = None,
        asset_id: b.Id | None = None,
        actor_team_id: b.Id | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Iterator[AuditEvent]:
        """Every matching audit event, newest first."""
        filters = _Filters(action, target_type, target_id, actor_team_id, since, until, asset_id)
        return self._x.paginate(lambda lim, off: _list(filters, lim, off), page_size)


class AsyncAudit(AsyncResource):
    """Read the append-only audit log; ``action`` accepts a family such as ``proposal.*``, ``asset_id``
    selects every event about one asset (its contracts, proposals and registrations included)."""

    async def list(
        self,
        *,
        action: str | None = None,
        target_type: str | None = None,
        target_id: str | None = None,
        asset_id: b.Id | None = None,
        actor_team_id: b.Id | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[AuditEvent]:
        """One page of audit events, newest first."""
        filters = _Filters(action, target_type, target_id, actor_team_id, since, until, asset_id)
        return await self._x.run(_list(filters, limit, offset))

    def iter_all(
        self,
        *,
        action: str | None = None,
        target_type: str | None = None,
        target_id: str | None = None,
        asset_id: b.Id | None = None,
        actor_team_id: b.Id | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[AuditEvent]:
        """Every matching audit event, newest first."""
        filters = _Filters(action, target_type, target_id, actor_team_id, since, until, asset_id)
        return self._x.paginate(lambda lim, off: _list(filters, lim, off), page_size)
