"""Rules for registrations: a consumer team registers (and unregisters) only for itself.

The one consent rule: a registration counts for gating only when its team (or an admin) made or
confirmed it. A sync whose key does not act for a reader's team creates that team's registration as
``suggested``: the team is informed of changes, never required to answer, until it confirms.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.assets.service import require_asset
from tessera.audit.service import record
from tessera.auth.principal import Principal
from tessera.contracts import repository as contracts_repo
from tessera.core.gating import read_scope
from tessera.db.base import utcnow
from tessera.db.models import Asset, Registration
from tessera.db.models.registrations import CONFIRMED, SUGGESTED
from tessera.errors import Conflict, Forbidden, ValidationFailed, not_found
from tessera.notifications.payloads import RegistrationCreated, RegistrationRef
from tessera.outbox import payloads
from tessera.outbox.service import emit
from tessera.registrations import repository
from tessera.registrations.schemas import RegistrationCreate, RegistrationUpdate
from tessera.teams.service import require_team


async def require_registration(session: AsyncSession, registration_id: uuid.UUID) -> Registration:
    """A live registration or ``registration_not_found``."""
    reg = await repository.get(session, registration_id)
    if reg is None:
        raise not_found("registration", registration_id)
    return reg


async def register(
    session: AsyncSession,
    principal: Principal,
    data: RegistrationCreate,
    *,
    source: str = "api",
) -> Registration:
    """Register a consumer team on an asset."""
    team_id = data.consumer_team_id or principal.team_id
    if team_id is None:
        raise ValidationFailed("consumer_team_id is required when the key has no team.", code="team_required")
    if not principal.acts_for(team_id):
        raise Forbidden("A team may only register itself as a consumer.", code="not_team_member")
    await require_team(session, team_id)
    asset = await require_asset(session, data.asset_id)
    return await register_team(
        session,
        principal,
        asset,
        team_id,
        pinned_version=data.pinned_version,
        columns=data.columns,
        purpose=data.purpose,
        source=source,
    )


async def check_columns_exist(session: AsyncSession, asset: Asset, columns: list[str] | None) -> None:
    """422 ``unknown_columns`` when declared columns are not columns of the asset's active contract.

    Without a contract there is nothing to check against yet: the columns are kept as declared.
    """
    if not columns:
        return
    active = await contracts_repo.active_for(session, asset.id)
    if active is None or not isinstance(properties := active.schema_def.get("properties"), dict):
        return
    known = {str(name).lower() for name in properties}
    unknown = sorted({c.lower() for c in columns} - known)
    if unknown:
        listed = ", ".join(sorted(known)[:20]) + (", ..." if len(known) > 20 else "")
        raise ValidationFailed(
            f"'{asset.fqn}' {active.version} has no column {', '.join(unknown)}; its columns are: {listed}.",
            code="unknown_columns",
            details={"unknown": unknown},
        )


async def register_team(
    session: AsyncSession,
    principal: Principal,
    asset: Asset,
    team_id: uuid.UUID,
    *,
    pinned_version: str | None = None,
    columns: list[str] | None = None,
    purpose: str | None = None,
    source: str = "api",
) -> Registration:
    """Create the registration (callers have checked authorization); emits ``registration.created``."""
    if team_id == asset.owner_team_id:
        raise ValidationFailed(
            "The owner team cannot register as a consumer of its own asset.", code="owner_cannot_register"
        )
    if (
        pinned_version is not None
        and await contracts_repo.by_version(session, asset.id, pinned_version) is None
    ):
        raise ValidationFailed(f"'{asset.fqn}' has no version {pinned_version}.", code="unknown_version")
    if (found := await repository.find(session, asset.id, team_id)) is not None:
        if found.status == SUGGESTED:
            raise Conflict(
                f"A sync suggested this registration ({found.id}); confirm it with "
                f"POST /api/v1/registrations/{found.id}/confirm.",
                code="registration_exists",
            )
        raise Conflict("This team is already registered on this asset.", code="registration_exists")
    await check_columns_exist(session, asset, columns)
    reg = Registration(
        asset_id=asset.id,
        consumer_team_id=team_id,
        registered_by_user_id=principal.user_id,
        pinned_version=pinned_version,
        columns=sorted({c.lower() for c in columns or []}),
        purpose=purpose,
        source=source,
    )
    session.add(reg)
    await session.flush()
    await record(
        session,
        principal,
        "registration.created",
        "registration",
        reg.id,
        {"asset_id": str(asset.id), "team_id": str(team_id)},
    )
    teams = await payloads.team_refs(session, [asset.owner_team_id, team_id])
    await emit(
        session,
        RegistrationCreated(
            asset=payloads.asset_ref(asset, teams),
            registration=RegistrationRef(
                id=reg.id,
                consumer_team=teams[team_id],
                pinned_version=pinned_version,
                columns=reg.columns,
                column_scope=read_scope(reg.columns, [], None, None).scope.value,
            ),
            links=payloads.links(asset),
        ),
    )
    return reg


async def update(
    session: AsyncSession, principal: Principal, registration_id: uuid.UUID, data: RegistrationUpdate
) -> Registration:
    """Change a registration (the consumer team or an admin)."""
    reg = await require_registration(session, registration_id)
    if not principal.acts_for(reg.consumer_team_id):
        raise Forbidden(
            "Only the consumer team (or an admin) may change its registration.", code="not_team_member"
        )
    changes = data.model_dump(exclude_unset=True)
    pinned = changes.get("pinned_version")
    if pinned is not None and await contracts_repo.by_version(session, reg.asset_id, pinned) is None:
        raise ValidationFailed(
            f"The asset has no version {changes['pinned_version']}.", code="unknown_version"
        )
    if "pinned_version" in changes:
        reg.pinned_version = changes["pinned_version"]
    if "columns" in changes:
        await check_columns_exist(session, await require_asset(session, reg.asset_id), changes["columns"])
        reg.columns = sorted({c.lower() for c in changes["columns"] or []})
        reg.missing_columns = []  # just checked against the active contract
    if "purpose" in changes:
        reg.purpose = changes["purpose"]
    await session.flush()
    await record(
        session,
        principal,
        "registration.updated",
        "registration",
        reg.id,
        {"fields": sorted(changes)},
        asset_id=reg.asset_id,
    )
    return reg


async def unregister(session: AsyncSession, principal: Principal, registration_id: uuid.UUID) -> None:
    """Remove a registration (the consumer team or an admin)."""
    reg = await require_registration(session, registration_id)
    if not principal.acts_for(reg.consumer_team_id):
        raise Forbidden(
            "Only the consumer team (or an admin) may remove its registration.", code="not_team_member"
        )
    reg.deleted_at = utcnow()
    await session.flush()
    await record(
        session, principal, "registration.deleted", "registration", reg.id, {"asset_id": str(reg.asset_id)}
    )


async def confirm(session: AsyncSession, principal: Principal, registration_id: uuid.UUID) -> Registration:
    """The consumer team (or an admin) confirms a suggested registration: from now on it gates changes."""
    reg = await require_registration(session, registration_id)
    if not principal.acts_for(reg.consumer_team_id):
        raise Forbidden(
            "Only the consumer team (or an admin) may confirm its registration.", code="not_team_member"
        )
    if reg.status == CONFIRMED:
        return reg
    reg.status = CONFIRMED
    await session.flush()
    await record(
        session,
        principal,
        "registration.confirmed",
        "registration",
        reg.id,
        {"asset_id": str(reg.asset_id), "team_id": str(reg.consumer_team_id)},
        asset_id=reg.asset_id,
    )
    return reg
