"""Teams: ``client.teams``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping

from tessera_sdk import _base as b
from tessera_sdk.models import Page, Team
from tessera_sdk.resources._resource import DEFAULT_PAGE_SIZE, AsyncResource, SyncResource


def _create(
    name: str, description: str | None, contact: str | None, slack_webhook_url: str | None
) -> b.Call[Team]:
    body = b.without_none(
        name=name, description=description, contact=contact, slack_webhook_url=slack_webhook_url
    )
    return b.send_json("POST", "/teams", Team, body)


def _list(name: str | None, limit: int, offset: int) -> b.Call[Page[Team]]:
    return b.get_page("/teams", Team, {"name": name}, limit, offset)


def _update(team_id: b.Id, fields: Mapping[str, object]) -> b.Call[Team]:
    return b.send_json("PATCH", f"/teams/{b.path_id(team_id)}", Team, b.without_none(**fields))


def _add_member(team_id: b.Id, user_id: b.Id) -> b.Call[None]:
    body = {"user_id": b.path_id(user_id)}
    return b.Call("POST", f"/teams/{b.path_id(team_id)}/members", b.parse_none, json=body)


class Teams(SyncResource):
    """Create, read, update and deactivate teams and manage their members."""

    def create(
        self,
        name: str,
        *,
        description: str | None = None,
        contact: str | None = None,
        slack_webhook_url: str | None = None,
    ) -> Team:
        """Create a team (admin key)."""
        return self._x.run(_create(name, description, contact, slack_webhook_url))

    def get(self, team_id: b.Id) -> Team:
        """One team by id."""
        return self._x.run(b.get(f"/teams/{b.path_id(team_id)}", Team))

    def list(self, *, name: str | None = None, limit: int = 50, offset: int = 0) -> Page[Team]:
        """One page of active teams; ``name`` filters by substring."""
        return self._x.run(_list(name, limit, offset))

    def iter_all(self, *, name: str | None = None, page_size: int = DEFAULT_PAGE_SIZE) -> Iterator[Team]:
        """Every active team, fetched page by page."""
        return self._x.paginate(lambda limit, offset: _list(name, limit, offset), page_size)

    def update(
        self,
        team_id: b.Id,
        *,
        name: str | None = None,
        description: str | None = None,
        contact: str | None = None,
        slack_webhook_url: str | None = None,
    ) -> Team:
        """Change a team's fields (those left ``None`` stay)."""
        fields = {
            "name": name,
            "description": description,
            "contact": contact,
            "slack_webhook_url": slack_webhook_url,
        }
        return self._x.run(_update(team_id, fields))

    def delete(self, team_id: b.Id) -> None:
        """Deactivate a team (admin; refused while it owns assets)."""
        self._x.run(b.Call("DELETE", f"/teams/{b.path_id(team_id)}", b.parse_none))

    def members(self, team_id: b.Id) -> b.IdList:
        """Ids of the team's users."""
        return self._x.run(b.Call("GET", f"/teams/{b.path_id(team_id)}/members", b.parse_id_list))

    def add_member(self, team_id: b.Id, user_id: b.Id) -> None:
        """Add a user to the team."""
        self._x.run(_add_member(team_id, user_id))

    def remove_member(self, team_id: b.Id, user_id: b.Id) -> None:
        """Remove a user from the team."""
        path = f"/teams/{b.path_id(team_id)}/members/{b.path_id(user_id)}"
        self._x.run(b.Call("DELETE", path, b.parse_none))


class AsyncTeams(AsyncResource):
    """Create, read, update and deactivate teams and manage their members."""

    async def create(
        self,
        name: str,
        *,
        description: str | None = None,
        contact: str | None = None,
        slack_webhook_url: str | None = None,
    ) -> Team:
        """Create a team (admin key)."""
        return await self._x.run(_create(name, description, contact, slack_webhook_url))

    async def get(self, team_id: b.Id) -> Team:
        """One team by id."""
        return await self._x.run(b.get(f"/teams/{b.path_id(team_id)}", Team))

    async def list(self, *, name: str | None = None, limit: int = 50, offset: int = 0) -> Page[Team]:
        """One page of active teams; ``name`` filters by substring."""
        return await self._x.run(_list(name, limit, offset))

    def iter_all(self, *, name: str | None = None, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[Team]:
        """Every active team, fetched page by page."""
        return self._x.paginate(lambda limit, offset: _list(name, limit, offset), page_size)

    async def update(
        self,
        team_id: b.Id,
        *,
        name: str | None = None,
        description: str | None = None,
        contact: str | None = None,
        slack_webhook_url: str | None = None,
    ) -> Team:
        """Change a team's fields (those left ``None`` stay)."""
        fields = {
            "name": name,
            "description": description,
            "contact": contact,
            "slack_webhook_url": slack_webhook_url,
        }
        return await self._x.run(_update(team_id, fields))

    async def delete(self, team_id: b.Id) -> None:
        """Deactivate a team (admin; refused while it owns assets)."""
        await self._x.run(b.Call("DELETE", f"/teams/{b.path_id(team_id)}", b.parse_none))

    async def members(self, team_id: b.Id) -> b.IdList:
        """Ids of the team's users."""
        return await self._x.run(b.Call("GET", f"/teams/{b.path_id(team_id)}/members", b.parse_id_list))

    async def add_member(self, team_id: b.Id, user_id: b.Id) -> None:
        """Add a user to the team."""
        await self._x.run(_add_member(team_id, user_id))

    async def remove_member(self, team_id: b.Id, user_id: b.Id) -> None:
        """Remove a user from the team."""
        path = f"/teams/{b.path_id(team_id)}/members/{b.path_id(user_id)}"
        await self._x.run(b.Call("DELETE", path, b.parse_none))
