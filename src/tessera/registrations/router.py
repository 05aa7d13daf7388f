"""HTTP routes for registrations."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from tessera.deps import PageDep, ReadPrincipal, ReadSessionDep, WritePrincipal, WriteSessionDep
from tessera.registrations import repository, service
from tessera.registrations.schemas import RegistrationCreate, RegistrationRead, RegistrationUpdate
from tessera.schemas import ListPage, page_response

router = APIRouter(prefix="/registrations", tags=["registrations"])


@router.post("", response_model=RegistrationRead, status_code=status.HTTP_201_CREATED)
async def register(
    data: RegistrationCreate, session: WriteSessionDep, principal: WritePrincipal
) -> RegistrationRead:
    """Register your team as a consumer of an asset."""
    reg = await service.register(session, principal, data)
    return RegistrationRead.model_validate(reg)


@router.get("", response_model=ListPage[RegistrationRead])
async def list_registrations(
    session: ReadSessionDep,
    _: ReadPrincipal,
    page: PageDep,
    asset_id: uuid.UUID | None = None,
    consumer_team_id: uuid.UUID | None = None,
) -> Response:
    """Registrations, optionally of one asset or one consumer team."""
    rows, total = await repository.list_registrations(
        session,
        asset_id=asset_id,
        team_id=consumer_team_id,
        limit=page.limit,
        offset=page.offset,
        cursor=page.cursor,
    )
    return page_response(RegistrationRead, rows, total, page)


@router.get("/{registration_id}", response_model=RegistrationRead)
async def get_registration(
    registration_id: uuid.UUID, session: ReadSessionDep, _: ReadPrincipal
) -> RegistrationRead:
    """One registration."""
    return RegistrationRead.model_validate(await service.require_registration(session, registration_id))


@router.patch("/{registration_id}", response_model=RegistrationRead)
async def update_registration(
    registration_id: uuid.UUID, data: RegistrationUpdate, session: WriteSessionDep, principal: WritePrincipal
) -> RegistrationRead:
    """Change a registration (pinned version, columns, purpose)."""
    return RegistrationRead.model_validate(await service.update(session, principal, registration_id, data))


@router.post("/{registration_id}/confirm", response_model=RegistrationRead)
async def confirm_registration(
    registration_id: uuid.UUID, session: WriteSessionDep, principal: WritePrincipal
) -> RegistrationRead:
    """Confirm a registration a sync suggested for your team: its changes then need your answer."""
    return RegistrationRead.model_validate(await service.confirm(session, principal, registration_id))


@router.delete("/{registration_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_registration(
    registration_id: uuid.UUID, session: WriteSessionDep, principal: WritePrincipal
) -> None:
    """Remove a registration."""
    await service.unregister(session, principal, registration_id)
