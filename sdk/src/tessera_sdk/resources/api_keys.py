"""API keys: ``client.api_keys``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import datetime

from tessera_sdk import _base as b
from tessera_sdk.models import ApiKey, ApiKeyCreated, Page
from tessera_sdk.resources._resource import DEFAULT_PAGE_SIZE, AsyncResource, SyncResource


def _create(
    name: str, team_id: b.Id, scopes: Sequence[str], user_id: b.Id | None, expires_at: datetime | None
) -> b.Call[ApiKeyCreated]:
    body = b.without_none(
        name=name,
        team_id=b.path_id(team_id),
        scopes=list(scopes),
        user_id=b.path_id(user_id) if user_id is not None else None,
        expires_at=expires_at,
    )
    return b.send_json("POST", "/api-keys", ApiKeyCreated, body)


def _list(team_id: b.Id | None, include_revoked: bool, limit: int, offset: int) -> b.Call[Page[ApiKey]]:
    params: dict[str, b.QueryValue] = {"team_id": team_id}
    if include_revoked:
        params["include_revoked"] = True
    return b.get_page("/api-keys", ApiKey, params, limit, offset)


def _revoke(key_id: b.Id) -> b.Call[ApiKey]:
    return b.Call("DELETE", f"/api-keys/{b.path_id(key_id)}", b.parse_model(ApiKey))


class ApiKeys(SyncResource):
    """Create, list and revoke API keys; the secret is returned once, by ``create``."""

    def create(
        self,
        name: str,
        team_id: b.Id,
        *,
        scopes: Sequence[str] = ("read",),
        user_id: b.Id | None = None,
        expires_at: datetime | None = None,
    ) -> ApiKeyCreated:
        """Create a key for a team (admin key); ``result.key`` is the secret, shown only now."""
        return self._x.run(_create(name, team_id, scopes, user_id, expires_at))

    def list(
        self, *, team_id: b.Id | None = None, include_revoked: bool = False, limit: int = 50, offset: int = 0
    ) -> Page[ApiKey]:
        """One page of keys (your team's; admins may list any team's or all)."""
        return self._x.run(_list(team_id, include_revoked, limit, offset))

    def iter_all(
        self,
        *,
        team_id: b.Id | None = None,
        include_revoked: bool = False,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Iterator[ApiKey]:
        """Every matching key, fetched page by page."""
        return self._x.paginate(lambda lim, off: _list(team_id, include_revoked, lim, off), page_size)

    def revoke(self, key_id: b.Id) -> ApiKey:
        """Revoke a key by its id (the ``id`` field, not the secret); it stops working at once."""
        return self._x.run(_revoke(key_id))


class AsyncApiKeys(AsyncResource):
    """Create, list and revoke API keys; the secret is returned once, by ``create``."""

    async def create(
        self,
        name: str,
        team_id: b.Id,
        *,
        scopes: Sequence[str] = ("read",),
        user_id: b.Id | None = None,
        expires_at: datetime | None = None,
    ) -> ApiKeyCreated:
        """Create a key for a team (admin key); ``result.key`` is the secret, shown only now."""
        return await self._x.run(_create(name, team_id, scopes, user_id, expires_at))

    async def list(
        self, *, team_id: b.Id | None = None, include_revoked: bool = False, limit: int = 50, offset: int = 0
    ) -> Page[ApiKey]:
        """One page of keys (your team's; admins may list any team's or all)."""
        return await self._x.run(_list(team_id, include_revoked, limit, offset))

    def iter_all(
        self,
        *,
        team_id: b.Id | None = None,
        include_revoked: bool = False,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[ApiKey]:
        """Every matching key, fetched page by page."""
        return self._x.paginate(lambda lim, off: _list(team_id, include_revoked, lim, off), page_size)

    async def revoke(self, key_id: b.Id) -> ApiKey:
        """Revoke a key by its id (the ``id`` field, not the secret); it stops working at once."""
        return await self._x.run(_revoke(key_id))
