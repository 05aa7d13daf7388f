"""Webhook subscriptions and their deliveries: ``client.webhooks``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence

from tessera_sdk import _base as b
from tessera_sdk.models import Delivery, Page, Webhook, WebhookCreated
from tessera_sdk.resources._resource import DEFAULT_PAGE_SIZE, AsyncResource, SyncResource


def _create(
    url: str, team_id: b.Id | None, events: Sequence[str], secret: str | None, description: str | None
) -> b.Call[WebhookCreated]:
    body = b.without_none(
        url=url,
        team_id=b.path_id(team_id) if team_id is not None else None,
        events=list(events),
        secret=secret,
        description=description,
    )
    return b.send_json("POST", "/webhooks", WebhookCreated, body)


def _list(team_id: b.Id | None, limit: int, offset: int) -> b.Call[Page[Webhook]]:
    return b.get_page("/webhooks", Webhook, {"team_id": team_id}, limit, offset)


def _deliveries(webhook_id: b.Id, status: str | None, limit: int, offset: int) -> b.Call[Page[Delivery]]:
    path = f"/webhooks/{b.path_id(webhook_id)}/deliveries"
    return b.get_page(path, Delivery, {"status": status}, limit, offset)


def _redeliver(webhook_id: b.Id, delivery_id: b.Id) -> b.Call[Delivery]:
    path = f"/webhooks/{b.path_id(webhook_id)}/deliveries/{b.path_id(delivery_id)}/redeliver"
    return b.send_json("POST", path, Delivery, {})


def _update(webhook_id: b.Id, fields: dict[str, object]) -> b.Call[Webhook]:
    return b.send_json("PATCH", f"/webhooks/{b.path_id(webhook_id)}", Webhook, b.without_none(**fields))


class Webhooks(SyncResource):
    """Subscribe your team's endpoints to events, watch their deliveries, redeliver, resume."""

    def create(
        self,
        url: str,
        *,
        team_id: b.Id | None = None,
        events: Sequence[str] = (),
        secret: str | None = None,
        description: str | None = None,
    ) -> WebhookCreated:
        """Subscribe ``url`` (the key's team by default; no ``events`` = every event).

        ``result.secret`` signs every delivery; it is returned only now.
        """
        return self._x.run(_create(url, team_id, events, secret, description))

    def get(self, webhook_id: b.Id) -> Webhook:
        """One webhook by id."""
        return self._x.run(b.get(f"/webhooks/{b.path_id(webhook_id)}", Webhook))

    def list(self, *, team_id: b.Id | None = None, limit: int = 50, offset: int = 0) -> Page[Webhook]:
        """One page of your team's webhooks (admins: any team's)."""
        return self._x.run(_list(team_id, limit, offset))

    def iter_all(
        self, *, team_id: b.Id | None = None, page_size: int = DEFAULT_PAGE_SIZE
    ) -> Iterator[Webhook]:
        """Every matching webhook, fetched page by page."""
        return self._x.paginate(lambda lim, off: _list(team_id, lim, off), page_size)

    def update(self, webhook_id: b.Id, **fields: object) -> Webhook:
        """Change url, events, secret, active or description (``None`` values are left out)."""
        return self._x.run(_update(webhook_id, fields))

    def resume(self, webhook_id: b.Id) -> Webhook:
        """Re-activate a paused (or deactivated) webhook; its failure count starts again at zero."""
        return self._x.run(_update(webhook_id, {"active": True}))

    def delete(self, webhook_id: b.Id) -> None:
        """Remove a webhook."""
        self._x.run(b.Call("DELETE", f"/webhooks/{b.path_id(webhook_id)}", b.parse_none))

    def deliveries(
        self, webhook_id: b.Id, *, status: str | None = None, limit: int = 50, offset: int = 0
    ) -> Page[Delivery]:
        """One page of a webhook's deliveries, newest first, optionally of one status."""
        return self._x.run(_deliveries(webhook_id, status, limit, offset))

    def redeliver(self, webhook_id: b.Id, delivery_id: b.Id) -> Delivery:
        """Queue a delivery again now."""
        return self._x.run(_redeliver(webhook_id, delivery_id))


class AsyncWebhooks(AsyncResource):
    """Subscribe your team's endpoints to events, watch their deliveries, redeliver, resume."""

    async def create(
        self,
        url: str,
        *,
        team_id: b.Id | None = None,
        events: Sequence[str] = (),
        secret: str | None = None,
        description: str | None = None,
    ) -> WebhookCreated:
        """Subscribe ``url`` (the key's team by default; no ``events`` = every event)."""
        return await self._x.run(_create(url, team_id, events, secret, description))

    async def get(self, webhook_id: b.Id) -> Webhook:
        """One webhook by id."""
        return await self._x.run(b.get(f"/webhooks/{b.path_id(webhook_id)}", Webhook))

    async def list(self, *, team_id: b.Id | None = None, limit: int = 50, offset: int = 0) -> Page[Webhook]:
        """One page of your team's webhooks (admins: any team's)."""
        return await self._x.run(_list(team_id, limit, offset))

    def iter_all(
        self, *, team_id: b.Id | None = None, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[Webhook]:
        """Every matching webhook, fetched page by page."""
        return self._x.paginate(lambda lim, off: _list(team_id, lim, off), page_size)

    async def update(self, webhook_id: b.Id, **fields: object) -> Webhook:
        """Change url, events, secret, active or description (``None`` values are left out)."""
        return await self._x.run(_update(webhook_id, fields))

    async def resume(self, webhook_id: b.Id) -> Webhook:
        """Re-activate a paused (or deactivated) webhook."""
        return await self._x.run(_update(webhook_id, {"active": True}))

    async def delete(self, webhook_id: b.Id) -> None:
        """Remove a webhook."""
        await self._x.run(b.Call("DELETE", f"/webhooks/{b.path_id(webhook_id)}", b.parse_none))

    async def deliveries(
        self, webhook_id: b.Id, *, status: str | None = None, limit: int = 50, offset: int = 0
    ) -> Page[Delivery]:
        """One page of a webhook's deliveries, newest first, optionally of one status."""
        return await self._x.run(_deliveries(webhook_id, status, limit, offset))

    async def redeliver(self, webhook_id: b.Id, delivery_id: b.Id) -> Delivery:
        """Queue a delivery again now."""
        return await self._x.run(_redeliver(webhook_id, delivery_id))
