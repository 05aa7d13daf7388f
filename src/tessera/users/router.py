"""HTTP routes for users."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from tessera.deps import (
    AuthenticatorDep,
    PageDep,
    ReadPrincipal,
    ReadSessionDep,
    WritePrincipal,
    WriteSessionDep,
)
from tessera.schemas import ListPage, page_response
from tessera.users import repository, service
from tessera.users.schemas import UserCreate, UserRead, UserUpdate

router = APIRouter(prefix="/users", tags=["users"])


@router.post("", response_model=UserRead, status_code=status.HTTP_201_CREATED)
async def create_user(data: UserCreate, session: WriteSessionDep, principal: WritePrincipal) -> UserRead:
    """Create a user."""
    user = await service.create_user(session, principal, data)
    return (await service.to_read(session, [user]))[0]


@router.get("", response_model=ListPage[UserRead])
async def list_users(
    session: ReadSessionDep,
    _: ReadPrincipal,
    page: PageDep,
    team_id: uuid.UUID | None = None,
    email: str | None = None,
    include_inactive: bool = False,
) -> Response:
    """Users, optionally of one team."""
    rows, total = await repository.list_users(
        session,
        team_id=team_id,
        email=email,
        include_inactive=include_inactive,
        limit=page.limit,
        offset=page.offset,
        cursor=page.cursor,
    )
    return page_response(UserRead, await service.to_read(session, list(rows)), total, page)


@router.get("/{user_id}", response_model=UserRead)
async def get_user(user_id: uuid.UUID, session: ReadSessionDep, _: ReadPrincipal) -> UserRead:
    """One user."""
    return (await service.to_read(session, [await service.require_user(session, user_id)]))[0]


@router.patch("/{user_id}", response_model=UserRead)
async def update_user(
    user_id: uuid.UUID, data: UserUpdate, session: WriteSessionDep, principal: WritePrincipal
) -> UserRead:
    """Update a user."""
    user = await service.update_user(session, principal, user_id, data)
    return (await service.to_read(session, [user]))[0]


@router.post("/{user_id}/deactivate", response_model=UserRead)
async def deactivate_user(
    user_id: uuid.UUID, session: WriteSessionDep, principal: WritePrincipal, keys: AuthenticatorDep
) -> UserRead:
    """Deactivate a user (admin); the user's own keys stop working at once."""
    user = await service.deactivate_user(session, principal, user_id, keys)
    return (await service.to_read(session, [user]))[0]
