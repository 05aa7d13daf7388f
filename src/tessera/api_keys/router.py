"""HTTP routes for API keys."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, status

from tessera.api_keys import repository, service
from tessera.api_keys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyRead
from tessera.deps import PageDep, ReadPrincipal, SessionDep, WritePrincipal
from tessera.errors import Forbidden
from tessera.schemas import ListPage, page_response

router = APIRouter(prefix="/api-keys", tags=["api-keys"])


@router.post("", response_model=ApiKeyCreated, status_code=status.HTTP_201_CREATED)
async def create_api_key(
    data: ApiKeyCreate, request: Request, session: SessionDep, principal: WritePrincipal
) -> ApiKeyCreated:
    """Create a key (admin). The response holds the secret; it is never shown again."""
    return await service.create_key(session, principal, data, request.app.state.server_key)


@router.get("", response_model=ListPage[ApiKeyRead])
async def list_api_keys(
    session: SessionDep,
    principal: ReadPrincipal,
    page: PageDep,
    team_id: uuid.UUID | None = None,
    include_revoked: bool = False,
) -> Response:
    """Keys of a team (admins may list all)."""
    if not principal.is_admin:
        if team_id is not None and team_id != principal.team_id:
            raise Forbidden("A team may only list its own keys.", code="not_team_member")
        team_id = principal.team_id
    rows, total = await repository.list_keys(
        session, team_id=team_id, include_revoked=include_revoked, limit=page.limit, offset=page.offset
    )
    return page_response(ApiKeyRead, rows, total, page)


@router.delete("/{key_pk}", response_model=ApiKeyRead)
async def revoke_api_key(
    key_pk: uuid.UUID, request: Request, session: SessionDep, principal: WritePrincipal
) -> ApiKeyRead:
    """Revoke a key; it stops working at once on this server."""
    key = await service.revoke_key(session, principal, key_pk)
    request.app.state.authenticator.forget_after_commit(session, key_id=key.key_id)
    return ApiKeyRead.model_validate(key)
