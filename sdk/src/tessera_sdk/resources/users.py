"""Users: ``client.users``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence

from tessera_sdk import _base as b
from tessera_sdk.models import Page, User
from tessera_sdk.resources._resource import DEFAULT_PAGE_SIZE, AsyncResource, SyncResource


def _create(
    email: str,
    name: str,
    github_username: str | None,
    gitlab_username: str | None,
    slack_member_id: str | None,
    team_ids: Sequence[b.Id],
) -> b.Call[User]:
    body = b.without_none(
        email=email,
        name=name,
        github_username=github_username,
        gitlab_username=gitlab_username,
        slack_member_id=slack_member_id,
        team_ids=[b.path_id(t) for t in team_ids],
    )
    return b.send_json("POST", "/users", User, body)


def _list(
    team_id: b.Id | None, email: str | None, include_inactive: bool, limit: int, offset: int
) -> b.Call[Page[User]]:
    params: dict[str, b.QueryValue] = {"team_id": team_id, "email": email}
    if include_inactive:
        params["include_inactive"] = True
    return b.get_page("/users", User, params, limit, offset)


def _update(user_id: b.Id, fields: Mapping[str, object]) -> b.Call[User]:
    return b.send_json("PATCH", f"/users/{b.path_id(user_id)}", User, b.without_none(**fields))


class Users(SyncResource):
    """People, their team memberships and their chat/VCS handles (used in notifications)."""

    def create(
        self,
        email: str,
        name: str,
        *,
        github_username: str | None = None,
        gitlab_username: str | None = None,
        slack_member_id: str | None = None,
        team_ids: Sequence[b.Id] = (),
    ) -> User:
        """Create a user, optionally placed in teams."""
        return self._x.run(_create(email, name, github_username, gitlab_username, slack_member_id, team_ids))

    def get(self, user_id: b.Id) -> User:
        """One user by id."""
        return self._x.run(b.get(f"/users/{b.path_id(user_id)}", User))

    def list(
        self,
        *,
        team_id: b.Id | None = None,
        email: str | None = None,
        include_inactive: bool = False,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[User]:
        """One page of users, optionally of one team."""
        return self._x.run(_list(team_id, email, include_inactive, limit, offset))

    def iter_all(
        self,
        *,
        team_id: b.Id | None = None,
        email: str | None = None,
        include_inactive: bool = False,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Iterator[User]:
        """Every matching user, fetched page by page."""
        return self._x.paginate(lambda lim, off: _list(team_id, email, include_inactive, lim, off), page_size)

    def update(
        self,
        user_id: b.Id,
        *,
        email: str | None = None,
        name: str | None = None,
        github_username: str | None = None,
        gitlab_username: str | None = None,
        slack_member_id: str | None = None,
    ) -> User:
        """Change a user's fields (those left ``None`` stay)."""
        fields = {
            "email": email,
            "name": name,
            "github_username": github_username,
            "gitlab_username": gitlab_username,
            "slack_member_id": slack_member_id,
        }
        return self._x.run(_update(user_id, fields))

    def deactivate(self, user_id: b.Id) -> User:
        """Deactivate a user (admin)."""
        return self._x.run(b.Call("POST", f"/users/{b.path_id(user_id)}/deactivate", b.parse_model(User)))


class AsyncUsers(AsyncResource):
    """People, their team memberships and their chat/VCS handles (used in notifications)."""

    async def create(
        self,
        email: str,
        name: str,
        *,
        github_username: str | None = None,
        gitlab_username: str | None = None,
        slack_member_id: str | None = None,
        team_ids: Sequence[b.Id] = (),
    ) -> User:
        """Create a user, optionally placed in teams."""
        return await self._x.run(
            _create(email, name, github_username, gitlab_username, slack_member_id, team_ids)
        )

    async def get(self, user_id: b.Id) -> User:
        """One user by id."""
        return await self._x.run(b.get(f"/users/{b.path_id(user_id)}", User))

    async def list(
        self,
        *,
        team_id: b.Id | None = None,
        email: str | None = None,
        include_inactive: bool = False,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[User]:
        """One page of users, optionally of one team."""
        return await self._x.run(_list(team_id, email, include_inactive, limit, offset))

    def iter_all(
        self,
        *,
        team_id: b.Id | None = None,
        email: str | None = None,
        include_inactive: bool = False,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[User]:
        """Every matching user, fetched page by page."""
        return self._x.paginate(lambda lim, off: _list(team_id, email, include_inactive, lim, off), page_size)

    async def update(
        self,
        user_id: b.Id,
        *,
        email: str | None = None,
        name: str | None = None,
        github_username: str | None = None,
        gitlab_username: str | None = None,
        slack_member_id: str | None = None,
    ) -> User:
        """Change a user's fields (those left ``None`` stay)."""
        fields = {
            "email": email,
            "name": name,
            "github_username": github_username,
            "gitlab_username": gitlab_username,
            "slack_member_id": slack_member_id,
        }
        return await self._x.run(_update(user_id, fields))

    async def deactivate(self, user_id: b.Id) -> User:
        """Deactivate a user (admin)."""
        return await self._x.run(
            b.Call("POST", f"/users/{b.path_id(user_id)}/deactivate", b.parse_model(User))
        )
