"""HTTP routes for assets and their lineage edges."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from tessera.assets import repository, service
from tessera.assets.schemas import AssetCreate, AssetRead, AssetUpdate, DependencyCreate, DependencyRead
from tessera.deps import PageDep, ReadPrincipal, ReadSessionDep, WritePrincipal, WriteSessionDep
from tessera.enums import ResourceType
from tessera.schemas import ApiModel, ListPage, page_response

router = APIRouter(prefix="/assets", tags=["assets"])
ASSET_FIELDS = tuple(AssetRead.model_fields)


class DependencyList(ApiModel):
    """Both directions of an asset's lineage edges."""

    upstream: list[DependencyRead]
    downstream: list[DependencyRead]


@router.post("", response_model=AssetRead, status_code=status.HTTP_201_CREATED)
async def create_asset(data: AssetCreate, session: WriteSessionDep, principal: WritePrincipal) -> AssetRead:
    """Create an asset owned by your team."""
    asset = await service.create_asset(session, principal, data)
    return (await service.to_read(session, [asset]))[0]


@router.get("", response_model=ListPage[AssetRead])
async def list_assets(
    session: ReadSessionDep,
    _: ReadPrincipal,
    page: PageDep,
    owner_team_id: uuid.UUID | None = None,
    environment: str | None = None,
    q: str | None = None,
    tag: str | None = None,
    resource_type: ResourceType | None = None,
) -> Response:
    """Live assets; ``q`` matches part of the FQN."""
    rows, total = await repository.list_assets(
        session,
        owner_team_id=owner_team_id,
        environment=environment,
        q=q,
        tag=tag,
        resource_type=resource_type.value if resource_type else None,
        limit=page.limit,
        offset=page.offset,
        cursor=page.cursor,
        columns=ASSET_FIELDS,
    )
    # The hottest read endpoint: plain rows straight to JSON bytes.
    return page_response(AssetRead, rows, total, page)


@router.get("/{asset_id}", response_model=AssetRead)
async def get_asset(asset_id: uuid.UUID, session: ReadSessionDep, _: ReadPrincipal) -> AssetRead:
    """One asset."""
    return (await service.to_read(session, [await service.require_asset(session, asset_id)]))[0]


@router.patch("/{asset_id}", response_model=AssetRead)
async def update_asset(
    asset_id: uuid.UUID, data: AssetUpdate, session: WriteSessionDep, principal: WritePrincipal
) -> AssetRead:
    """Update an asset (owner team or admin)."""
    asset = await service.update_asset(session, principal, asset_id, data)
    return (await service.to_read(session, [asset]))[0]


@router.delete("/{asset_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_asset(
    asset_id: uuid.UUID, session: WriteSessionDep, principal: WritePrincipal, force: bool = False
) -> None:
    """Soft-delete an asset."""
    await service.delete_asset(session, principal, asset_id, force=force)


@router.post("/{asset_id}/dependencies", response_model=DependencyRead, status_code=status.HTTP_201_CREATED)
async def add_dependency(
    asset_id: uuid.UUID, data: DependencyCreate, session: WriteSessionDep, principal: WritePrincipal
) -> DependencyRead:
    """Declare that this asset reads from another one."""
    return DependencyRead.model_validate(await service.add_dependency(session, principal, asset_id, data))


@router.get("/{asset_id}/dependencies", response_model=DependencyList)
async def list_dependencies(asset_id: uuid.UUID, session: ReadSessionDep, _: ReadPrincipal) -> DependencyList:
    """Upstream and downstream edges of the asset."""
    await service.require_asset(session, asset_id)
    ups, downs = await repository.list_dependencies(session, asset_id)
    return DependencyList(
        upstream=[DependencyRead.model_validate(e) for e in ups],
        downstream=[DependencyRead.model_validate(e) for e in downs],
    )


@router.delete("/{asset_id}/dependencies/{upstream_asset_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_dependency(
    asset_id: uuid.UUID, upstream_asset_id: uuid.UUID, session: WriteSessionDep, principal: WritePrincipal
) -> None:
    """Remove a lineage edge."""
    await service.remove_dependency(session, principal, asset_id, upstream_asset_id)
