"""Rules for assets: the owner team (or an admin) manages an asset and its modes."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.assets import repository
from tessera.assets.schemas import AssetCreate, AssetRead, AssetUpdate, DependencyCreate
from tessera.audit.service import record
from tessera.auth.principal import Principal
from tessera.db.base import utcnow
from tessera.db.models import Asset, AssetDependency
from tessera.errors import Conflict, Forbidden, ValidationFailed, not_found
from tessera.teams.service import require_team
from tessera.users import repository as users_repo


async def require_asset(session: AsyncSession, asset_id: uuid.UUID) -> Asset:
    """A live asset or ``asset_not_found``."""
    asset = await repository.get(session, asset_id)
    if asset is None:
        raise not_found("asset", asset_id)
    return asset


def require_owner(principal: Principal, asset: Asset, action: str) -> None:
    """Only the owner team (or an admin) may ``action`` this asset."""
    if not principal.acts_for(asset.owner_team_id):
        raise Forbidden(
            f"Only the asset's owner team (or an admin) may {action} '{asset.fqn}'.", code="not_asset_owner"
        )


async def to_read(session: AsyncSession, assets: list[Asset]) -> list[AssetRead]:
    """API views with current versions, in one extra query."""
    versions = await repository.current_versions(session, (a.id for a in assets))
    return [
        AssetRead.model_validate(a).model_copy(update={"current_version": versions.get(a.id)}) for a in assets
    ]


async def _check_steward(session: AsyncSession, steward_id: uuid.UUID | None) -> None:
    if steward_id is None:
        return
    user = await users_repo.get(session, steward_id)
    if user is None or user.deactivated_at is not None:
        raise not_found("user", steward_id)


async def create_asset(session: AsyncSession, principal: Principal, data: AssetCreate) -> Asset:
    """Create an asset owned by ``data.owner_team_id`` (that team or an admin)."""
    if not principal.acts_for(data.owner_team_id):
        raise Forbidden("A team may only create assets it owns.", code="not_team_member")
    await require_team(session, data.owner_team_id)
    await _check_steward(session, data.steward_user_id)
    if await repository.get_by_fqn(session, data.fqn, data.environment) is not None:
        raise Conflict(
            f"Asset '{data.fqn}' already exists in environment '{data.environment}'.", code="asset_exists"
        )
    asset = Asset(**data.model_dump())
    session.add(asset)
    await session.flush()
    await record(session, principal, "asset.created", "asset", asset.id, {"fqn": asset.fqn})
    return asset


async def update_asset(
    session: AsyncSession, principal: Principal, asset_id: uuid.UUID, data: AssetUpdate
) -> Asset:
    """Update an asset (owner team or admin); its modes can only be changed here, never by a publish."""
    asset = await require_asset(session, asset_id)
    require_owner(principal, asset, "change")
    changes = data.model_dump(exclude_unset=True)
    for required in (
        "fqn",
        "owner_team_id",
        "resource_type",
        "compatibility_mode",
        "guarantee_mode",
        "require_passing_audit",
        "require_all_consumers",
    ):
        if required in changes and changes[required] is None:
            raise ValidationFailed(f"{required} cannot be null.", code="invalid_field")
    if changes.get("owner_team_id"):
        await require_team(session, changes["owner_team_id"])
    if "steward_user_id" in changes:
        await _check_steward(session, changes["steward_user_id"])
    renamed = bool(changes.get("fqn")) and changes["fqn"] != asset.fqn
    if renamed and await repository.get_by_fqn(session, changes["fqn"], asset.environment) is not None:
        raise Conflict(f"Asset '{changes['fqn']}' already exists.", code="asset_exists")
    before = {k: _plain(getattr(asset, k)) for k in changes}
    empty: dict[str, object] = {"tags": [], "meta": {}}
    for field, value in changes.items():
        setattr(asset, field, empty[field] if value is None and field in empty else value)
    await session.flush()
    await record(
        session,
        principal,
        "asset.updated",
        "asset",
        asset.id,
        {"before": before, "after": {k: _plain(getattr(asset, k)) for k in changes}},
    )
    return asset


async def delete_asset(
    session: AsyncSession, principal: Principal, asset_id: uuid.UUID, *, force: bool
) -> None:
    """Soft-delete an asset; with registered consumers only an admin may, with ``force``."""
    asset = await require_asset(session, asset_id)
    require_owner(principal, asset, "delete")
    consumers = await repository.count_registrations(session, asset.id)
    if consumers and not (force and principal.is_admin):
        raise Conflict(
            f"'{asset.fqn}' has {consumers} registered consumer team(s); propose its removal instead "
            "(or an admin may delete it with force=true).",
            code="asset_has_consumers",
        )
    asset.deleted_at = utcnow()
    await session.flush()
    await record(session, principal, "asset.deleted", "asset", asset.id, {"fqn": asset.fqn, "forced": force})


async def add_dependency(
    session: AsyncSession, principal: Principal, asset_id: uuid.UUID, data: DependencyCreate
) -> AssetDependency:
    """Record that ``asset_id`` reads from ``data.upstream_asset_id`` (owner of the downstream asset)."""
    asset = await require_asset(session, asset_id)
    require_owner(principal, asset, "declare lineage of")
    if data.upstream_asset_id == asset.id:
        raise ValidationFailed("An asset cannot depend on itself.", code="self_dependency")
    await require_asset(session, data.upstream_asset_id)
    if await repository.get_dependency(session, asset.id, data.upstream_asset_id) is not None:
        raise Conflict("This dependency already exists.", code="dependency_exists")
    edge = AssetDependency(
        downstream_asset_id=asset.id, upstream_asset_id=data.upstream_asset_id, kind=data.kind
    )
    session.add(edge)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("This dependency already exists.", code="dependency_exists") from exc
    await record(
        session,
        principal,
        "asset.dependency_added",
        "asset",
        asset.id,
        {"upstream": str(data.upstream_asset_id)},
    )
    return edge


async def remove_dependency(
    session: AsyncSession, principal: Principal, asset_id: uuid.UUID, upstream_id: uuid.UUID
) -> None:
    """Remove a lineage edge."""
    asset = await require_asset(session, asset_id)
    require_owner(principal, asset, "change lineage of")
    edge = await repository.get_dependency(session, asset.id, upstream_id)
    if edge is None:
        raise not_found("dependency", upstream_id)
    await repository.delete_dependency(session, edge)
    await record(
        session, principal, "asset.dependency_removed", "asset", asset.id, {"upstream": str(upstream_id)}
    )


def _plain(value: object) -> object:
    if isinstance(value, uuid.UUID):
        return str(value)
    return getattr(value, "value", value)
