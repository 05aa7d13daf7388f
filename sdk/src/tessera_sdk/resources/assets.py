"""Assets, their lineage and impact checks: ``client.assets``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence

from tessera_sdk import _base as b
from tessera_sdk.errors import Conflict, NotFound
from tessera_sdk.models import Asset, Dependency, DependencyList, ImpactResult, Page
from tessera_sdk.resources._resource import DEFAULT_PAGE_SIZE, AsyncResource, SyncResource

AssetList = list[Asset]


def _create(fqn: str, owner_team_id: b.Id, fields: dict[str, object]) -> b.Call[Asset]:
    body = b.without_none(fqn=fqn, owner_team_id=b.path_id(owner_team_id), **fields)
    return b.send_json("POST", "/assets", Asset, body)


def _list(filters: Mapping[str, b.QueryValue], limit: int, offset: int) -> b.Call[Page[Asset]]:
    return b.get_page("/assets", Asset, filters, limit, offset)


def _filters(
    owner_team_id: b.Id | None,
    environment: str | None,
    q: str | None,
    tag: str | None,
    resource_type: str | None,
) -> dict[str, b.QueryValue]:
    return {
        "owner_team_id": owner_team_id,
        "environment": environment,
        "q": q,
        "tag": tag,
        "resource_type": resource_type,
    }


def _update(asset_id: b.Id, fields: dict[str, object]) -> b.Call[Asset]:
    return b.send_json("PATCH", f"/assets/{b.path_id(asset_id)}", Asset, b.without_none(**fields))


def _delete(asset_id: b.Id, force: bool) -> b.Call[None]:
    params: dict[str, b.QueryValue] = {"force": True} if force else {}
    return b.Call("DELETE", f"/assets/{b.path_id(asset_id)}", b.parse_none, params=params)


def _impact(
    asset_id: b.Id,
    proposed_schema: Mapping[str, object],
    guarantees: Mapping[str, object] | None,
    max_depth: int | None,
) -> b.Call[ImpactResult]:
    body = b.without_none(schema=dict(proposed_schema), guarantees=guarantees, max_depth=max_depth)
    # The check writes nothing, so it is safe to retry like a GET.
    return b.Call(
        "POST",
        f"/assets/{b.path_id(asset_id)}/impact",
        b.parse_model(ImpactResult),
        json=body,
        idempotent=True,
    )


def _add_dependency(asset_id: b.Id, upstream_asset_id: b.Id, kind: str) -> b.Call[Dependency]:
    body = {"upstream_asset_id": b.path_id(upstream_asset_id), "kind": kind}
    return b.send_json("POST", f"/assets/{b.path_id(asset_id)}/dependencies", Dependency, body)


def _exact(assets: Sequence[Asset], fqn: str, environment: str | None) -> AssetList:
    return [a for a in assets if a.fqn == fqn and (environment is None or a.environment == environment)]


def _one(found: AssetList, fqn: str) -> Asset:
    if not found:
        raise NotFound(404, "asset_not_found", f"No asset with FQN {fqn!r}.")
    if len(found) > 1:
        envs = ", ".join(sorted(a.environment for a in found))
        message = f"Asset {fqn!r} exists in several environments ({envs}); pass environment=."
        raise Conflict(409, "ambiguous_fqn", message)
    return found[0]


class Assets(SyncResource):
    """Warehouse objects with contracts: CRUD, lookup by FQN, lineage and impact analysis."""

    def create(
        self,
        fqn: str,
        owner_team_id: b.Id,
        *,
        environment: str | None = None,
        description: str | None = None,
        tags: Sequence[str] | None = None,
        resource_type: str | None = None,
        compatibility_mode: str | None = None,
        guarantee_mode: str | None = None,
        require_passing_audit: bool | None = None,
        require_all_consumers: bool | None = None,
        contact: str | None = None,
        steward_user_id: b.Id | None = None,
        meta: Mapping[str, object] | None = None,
    ) -> Asset:
        """Register an asset owned by ``owner_team_id`` (server defaults for the fields left ``None``)."""
        fields: dict[str, object] = {
            "environment": environment,
            "description": description,
            "tags": list(tags) if tags is not None else None,
            "resource_type": resource_type,
            "compatibility_mode": compatibility_mode,
            "guarantee_mode": guarantee_mode,
            "require_passing_audit": require_passing_audit,
            "require_all_consumers": require_all_consumers,
            "contact": contact,
            "steward_user_id": steward_user_id,
            "meta": dict(meta) if meta is not None else None,
        }
        return self._x.run(_create(fqn, owner_team_id, fields))

    def get(self, asset_id: b.Id) -> Asset:
        """One asset by id."""
        return self._x.run(b.get(f"/assets/{b.path_id(asset_id)}", Asset))

    def list(
        self,
        *,
        owner_team_id: b.Id | None = None,
        environment: str | None = None,
        q: str | None = None,
        tag: str | None = None,
        resource_type: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[Asset]:
        """One page of live assets; ``q`` matches part of the FQN."""
        return self._x.run(_list(_filters(owner_team_id, environment, q, tag, resource_type), limit, offset))

    def iter_all(
        self,
        *,
        owner_team_id: b.Id | None = None,
        environment: str | None = None,
        q: str | None = None,
        tag: str | None = None,
        resource_type: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Iterator[Asset]:
        """Every matching asset, fetched page by page."""
        filters = _filters(owner_team_id, environment, q, tag, resource_type)
        return self._x.paginate(lambda lim, off: _list(filters, lim, off), page_size)

    def find_by_fqn(self, fqn: str, *, environment: str | None = None) -> AssetList:
        """A **list**: the assets whose FQN is exactly ``fqn``, one per environment (empty when none).

        Use :meth:`get_by_fqn` for the one asset of an FQN.
        """
        return _exact(list(self.iter_all(q=fqn, environment=environment)), fqn, environment)

    def get_by_fqn(self, fqn: str, *, environment: str | None = None) -> Asset:
        """The one asset named ``fqn``; raises :class:`NotFound` when there is none and :class:`Conflict`
        (code ``ambiguous_fqn``) when it exists in several environments and ``environment`` is not given."""
        return _one(self.find_by_fqn(fqn, environment=environment), fqn)

    def update(self, asset_id: b.Id, **fields: object) -> Asset:
        """Change fields of an asset (see ``AssetUpdate`` in the API docs); ``None`` values are left out."""
        return self._x.run(_update(asset_id, fields))

    def delete(self, asset_id: b.Id, *, force: bool = False) -> None:
        """Soft-delete an asset (``force`` even when consumers are registered)."""
        self._x.run(_delete(asset_id, force))

    def check_impact(
        self,
        asset_id: b.Id,
        proposed_schema: Mapping[str, object],
        guarantees: Mapping[str, object] | None = None,
        *,
        max_depth: int | None = None,
    ) -> ImpactResult:
        """What publishing ``proposed_schema`` would break and for whom; nothing is written.

        ``result.safe_to_publish`` is False when a change breaks readers; ``result.breaking_changes`` lists
        them and ``result.consumers`` names the registered teams that would have to acknowledge.
        """
        return self._x.run(_impact(asset_id, proposed_schema, guarantees, max_depth))

    def add_dependency(self, asset_id: b.Id, upstream_asset_id: b.Id, *, kind: str = "reads") -> Dependency:
        """Declare that ``asset_id`` reads from ``upstream_asset_id``."""
        return self._x.run(_add_dependency(asset_id, upstream_asset_id, kind))

    def dependencies(self, asset_id: b.Id) -> DependencyList:
        """Upstream and downstream lineage edges of an asset."""
        return self._x.run(b.get(f"/assets/{b.path_id(asset_id)}/dependencies", DependencyList))

    def remove_dependency(self, asset_id: b.Id, upstream_asset_id: b.Id) -> None:
        """Remove a lineage edge."""
        path = f"/assets/{b.path_id(asset_id)}/dependencies/{b.path_id(upstream_asset_id)}"
        self._x.run(b.Call("DELETE", path, b.parse_none))


class AsyncAssets(AsyncResource):
    """Warehouse objects with contracts: CRUD, lookup by FQN, lineage and impact analysis."""

    async def create(
        self,
        fqn: str,
        owner_team_id: b.Id,
        *,
        environment: str | None = None,
        description: str | None = None,
        tags: Sequence[str] | None = None,
        resource_type: str | None = None,
        compatibility_mode: str | None = None,
        guarantee_mode: str | None = None,
        require_passing_audit: bool | None = None,
        require_all_consumers: bool | None = None,
        contact: str | None = None,
        steward_user_id: b.Id | None = None,
        meta: Mapping[str, object] | None = None,
    ) -> Asset:
        """Register an asset owned by ``owner_team_id`` (server defaults for the fields left ``None``)."""
        fields: dict[str, object] = {
            "environment": environment,
            "description": description,
            "tags": list(tags) if tags is not None else None,
            "resource_type": resource_type,
            "compatibility_mode": compatibility_mode,
            "guarantee_mode": guarantee_mode,
            "require_passing_audit": require_passing_audit,
            "require_all_consumers": require_all_consumers,
            "contact": contact,
            "steward_user_id": steward_user_id,
            "meta": dict(meta) if meta is not None else None,
        }
        return await self._x.run(_create(fqn, owner_team_id, fields))

    async def get(self, asset_id: b.Id) -> Asset:
        """One asset by id."""
        return await self._x.run(b.get(f"/assets/{b.path_id(asset_id)}", Asset))

    async def list(
        self,
        *,
        owner_team_id: b.Id | None = None,
        environment: str | None = None,
        q: str | None = None,
        tag: str | None = None,
        resource_type: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[Asset]:
        """One page of live assets; ``q`` matches part of the FQN."""
        return await self._x.run(
            _list(_filters(owner_team_id, environment, q, tag, resource_type), limit, offset)
        )

    def iter_all(
        self,
        *,
        owner_team_id: b.Id | None = None,
        environment: str | None = None,
        q: str | None = None,
        tag: str | None = None,
        resource_type: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[Asset]:
        """Every matching asset, fetched page by page."""
        filters = _filters(owner_team_id, environment, q, tag, resource_type)
        return self._x.paginate(lambda lim, off: _list(filters, lim, off), page_size)

    async def find_by_fqn(self, fqn: str, *, environment: str | None = None) -> AssetList:
        """A **list**: the assets whose FQN is exactly ``fqn``, one per environment (empty when none)."""
        found = [a async for a in self.iter_all(q=fqn, environment=environment)]
        return _exact(found, fqn, environment)

    async def get_by_fqn(self, fqn: str, *, environment: str | None = None) -> Asset:
        """The one asset named ``fqn`` (see :meth:`Assets.get_by_fqn`)."""
        return _one(await self.find_by_fqn(fqn, environment=environment), fqn)

    async def update(self, asset_id: b.Id, **fields: object) -> Asset:
        """Change fields of an asset (see ``AssetUpdate`` in the API docs); ``None`` values are left out."""
        return await self._x.run(_update(asset_id, fields))

    async def delete(self, asset_id: b.Id, *, force: bool = False) -> None:
        """Soft-delete an asset (``force`` even when consumers are registered)."""
        await self._x.run(_delete(asset_id, force))

    async def check_impact(
        self,
        asset_id: b.Id,
        proposed_schema: Mapping[str, object],
        guarantees: Mapping[str, object] | None = None,
        *,
        max_depth: int | None = None,
    ) -> ImpactResult:
        """What publishing ``proposed_schema`` would break and for whom; nothing is written."""
        return await self._x.run(_impact(asset_id, proposed_schema, guarantees, max_depth))

    async def add_dependency(
        self, asset_id: b.Id, upstream_asset_id: b.Id, *, kind: str = "reads"
    ) -> Dependency:
        """Declare that ``asset_id`` reads from ``upstream_asset_id``."""
        return await self._x.run(_add_dependency(asset_id, upstream_asset_id, kind))

    async def dependencies(self, asset_id: b.Id) -> DependencyList:
        """Upstream and downstream lineage edges of an asset."""
        return await self._x.run(b.get(f"/assets/{b.path_id(asset_id)}/dependencies", DependencyList))

    async def remove_dependency(self, asset_id: b.Id, upstream_asset_id: b.Id) -> None:
        """Remove a lineage edge."""
        path = f"/assets/{b.path_id(asset_id)}/dependencies/{b.path_id(upstream_asset_id)}"
        await self._x.run(b.Call("DELETE", path, b.parse_none))
