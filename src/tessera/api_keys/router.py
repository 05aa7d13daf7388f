"""HTTP routes for API keys."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from tessera.api_keys import service
from tessera.api_keys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyRead
from tessera.deps import (
    AuthenticatorDep,
    PageDep,
    ReadPrincipal,
    ReadSessionDep,
    ServerKeyDep,
    WritePrincipal,
    WriteSessionDep,
)
from tessera.schemas import ListPage, page_response

router = APIRouter(prefix="/api-keys", tags=["api-keys"])


@router.post("", response_model=ApiKeyCreated, status_code=status.HTTP_201_CREATED)
async def create_api_key(
    data: ApiKeyCreate, session: WriteSessionDep, principal: WritePrincipal, server_key: ServerKeyDep
) -> ApiKeyCreated:
    """Create a key (admin). The response holds the secret; it is never shown again."""
    return await service.create_key(session, principal, data, server_key)


@router.get("", response_model=ListPage[ApiKeyRead])
async def list_api_keys(
    session: ReadSessionDep,
    principal: ReadPrincipal,
    page: PageDep,
    team_id: uuid.UUID | None = None,
    include_revoked: bool = False,
) -> Response:
    """Keys of a team (admins may list all)."""
    rows, total = await service.list_keys(
        session,
        principal,
        team_id=team_id,
        include_revoked=include_revoked,
        limit=page.limit,
        offset=page.offset,
        cursor=page.cursor,
    )
    return page_response(ApiKeyRead, rows, total, page)


@router.delete("/{key_pk}", response_model=ApiKeyRead)
async def revoke_api_key(
    key_pk: uuid.UUID, session: WriteSessionDep, principal: WritePrincipal, keys: AuthenticatorDep
) -> ApiKeyRead:
    """Revoke a key; it stops working at once on this server."""
    key = await service.revoke_key(session, principal, key_pk, keys)
    return ApiKeyRead.model_validate(key)
