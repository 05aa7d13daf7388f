"""Consumer registrations: ``client.registrations``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence

from tessera_sdk import _base as b
from tessera_sdk.models import Page, Registration
from tessera_sdk.resources._resource import DEFAULT_PAGE_SIZE, AsyncResource, SyncResource


def _create(
    asset_id: b.Id,
    consumer_team_id: b.Id | None,
    columns: Sequence[str],
    pinned_version: str | None,
    purpose: str | None,
) -> b.Call[Registration]:
    body = b.without_none(
        asset_id=b.path_id(asset_id),
        consumer_team_id=b.path_id(consumer_team_id) if consumer_team_id is not None else None,
        columns=list(columns),
        pinned_version=pinned_version,
        purpose=purpose,
    )
    return b.send_json("POST", "/registrations", Registration, body)


def _list(
    asset_id: b.Id | None, consumer_team_id: b.Id | None, limit: int, offset: int
) -> b.Call[Page[Registration]]:
    params: dict[str, b.QueryValue] = {"asset_id": asset_id, "consumer_team_id": consumer_team_id}
    return b.get_page("/registrations", Registration, params, limit, offset)


def _update(
    registration_id: b.Id, columns: Sequence[str] | None, pinned_version: str | None, purpose: str | None
) -> b.Call[Registration]:
    body = b.without_none(
        columns=list(columns) if columns is not None else None, pinned_version=pinned_version, purpose=purpose
    )
    return b.send_json("PATCH", f"/registrations/{b.path_id(registration_id)}", Registration, body)


def _confirm(registration_id: b.Id) -> b.Call[Registration]:
    return b.send_json("POST", f"/registrations/{b.path_id(registration_id)}/confirm", Registration, {})


class Registrations(SyncResource):
    """A consumer team declares that it reads an asset (registrations survive new versions)."""

    def create(
        self,
        asset_id: b.Id,
        *,
        consumer_team_id: b.Id | None = None,
        columns: Sequence[str] = (),
        pinned_version: str | None = None,
        purpose: str | None = None,
    ) -> Registration:
        """Register a team (the key's team by default) as a consumer.

        ``columns`` are declared by hand; empty means unknown: the team is asked about every breaking change.
        """
        return self._x.run(_create(asset_id, consumer_team_id, columns, pinned_version, purpose))

    def get(self, registration_id: b.Id) -> Registration:
        """One registration by id."""
        return self._x.run(b.get(f"/registrations/{b.path_id(registration_id)}", Registration))

    def list(
        self,
        *,
        asset_id: b.Id | None = None,
        consumer_team_id: b.Id | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[Registration]:
        """One page of registrations, optionally of one asset or one consumer team."""
        return self._x.run(_list(asset_id, consumer_team_id, limit, offset))

    def iter_all(
        self,
        *,
        asset_id: b.Id | None = None,
        consumer_team_id: b.Id | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Iterator[Registration]:
        """Every matching registration, fetched page by page."""
        return self._x.paginate(lambda lim, off: _list(asset_id, consumer_team_id, lim, off), page_size)

    def update(
        self,
        registration_id: b.Id,
        *,
        columns: Sequence[str] | None = None,
        pinned_version: str | None = None,
        purpose: str | None = None,
    ) -> Registration:
        """Change the columns, pinned version or purpose of a registration."""
        return self._x.run(_update(registration_id, columns, pinned_version, purpose))

    def confirm(self, registration_id: b.Id) -> Registration:
        """Confirm a registration a sync suggested for your team: its changes then need your answer."""
        return self._x.run(_confirm(registration_id))

    def delete(self, registration_id: b.Id) -> None:
        """Remove a registration."""
        self._x.run(b.Call("DELETE", f"/registrations/{b.path_id(registration_id)}", b.parse_none))


class AsyncRegistrations(AsyncResource):
    """A consumer team declares that it reads an asset (registrations survive new versions)."""

    async def create(
        self,
        asset_id: b.Id,
        *,
        consumer_team_id: b.Id | None = None,
        columns: Sequence[str] = (),
        pinned_version: str | None = None,
        purpose: str | None = None,
    ) -> Registration:
        """Register a team (the key's team by default) as a consumer.

        ``columns`` are declared by hand; empty means unknown: the team is asked about every breaking change.
        """
        return await self._x.run(_create(asset_id, consumer_team_id, columns, pinned_version, purpose))

    async def get(self, registration_id: b.Id) -> Registration:
        """One registration by id."""
        return await self._x.run(b.get(f"/registrations/{b.path_id(registration_id)}", Registration))

    async def list(
        self,
        *,
        asset_id: b.Id | None = None,
        consumer_team_id: b.Id | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[Registration]:
        """One page of registrations, optionally of one asset or one consumer team."""
        return await self._x.run(_list(asset_id, consumer_team_id, limit, offset))

    def iter_all(
        self,
        *,
        asset_id: b.Id | None = None,
        consumer_team_id: b.Id | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[Registration]:
        """Every matching registration, fetched page by page."""
        return self._x.paginate(lambda lim, off: _list(asset_id, consumer_team_id, lim, off), page_size)

    async def update(
        self,
        registration_id: b.Id,
        *,
        columns: Sequence[str] | None = None,
        pinned_version: str | None = None,
        purpose: str | None = None,
    ) -> Registration:
        """Change the columns, pinned version or purpose of a registration."""
        return await self._x.run(_update(registration_id, columns, pinned_version, purpose))

    async def confirm(self, registration_id: b.Id) -> Registration:
        """Confirm a registration a sync suggested for your team: its changes then need your answer."""
        return await self._x.run(_confirm(registration_id))

    async def delete(self, registration_id: b.Id) -> None:
        """Remove a registration."""
        await self._x.run(b.Call("DELETE", f"/registrations/{b.path_id(registration_id)}", b.parse_none))
