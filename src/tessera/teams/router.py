"""HTTP routes for teams."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from tessera.deps import (
    AuthenticatorDep,
    PageDep,
    ReadPrincipal,
    ReadSessionDep,
    UrlPolicyDep,
    WritePrincipal,
    WriteSessionDep,
)
from tessera.schemas import ListPage, page_response
from tessera.teams import repository, service
from tessera.teams.schemas import MemberAdd, TeamCreate, TeamRead, TeamUpdate

router = APIRouter(prefix="/teams", tags=["teams"])


@router.post("", response_model=TeamRead, status_code=status.HTTP_201_CREATED)
async def create_team(
    data: TeamCreate, session: WriteSessionDep, principal: WritePrincipal, policy: UrlPolicyDep
) -> TeamRead:
    """Create a team (admin)."""
    return TeamRead.model_validate(await service.create_team(session, principal, data, policy))


@router.get("", response_model=ListPage[TeamRead])
async def list_teams(
    session: ReadSessionDep, _: ReadPrincipal, page: PageDep, name: str | None = None
) -> Response:
    """Active teams; ``name`` filters by substring."""
    rows, total = await repository.list_teams(
        session, name=name, limit=page.limit, offset=page.offset, cursor=page.cursor
    )
    return page_response(TeamRead, rows, total, page)


@router.get("/{team_id}", response_model=TeamRead)
async def get_team(team_id: uuid.UUID, session: ReadSessionDep, _: ReadPrincipal) -> TeamRead:
    """One team."""
    return TeamRead.model_validate(await service.require_team(session, team_id))


@router.patch("/{team_id}", response_model=TeamRead)
async def update_team(
    team_id: uuid.UUID,
    data: TeamUpdate,
    session: WriteSessionDep,
    principal: WritePrincipal,
    policy: UrlPolicyDep,
) -> TeamRead:
    """Update a team (the team itself or admin)."""
    return TeamRead.model_validate(await service.update_team(session, principal, team_id, data, policy))


@router.delete("/{team_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_team(
    team_id: uuid.UUID, session: WriteSessionDep, principal: WritePrincipal, keys: AuthenticatorDep
) -> None:
    """Deactivate a team (admin; refused while it owns assets); its keys stop working at once."""
    await service.delete_team(session, principal, team_id, keys)


@router.get("/{team_id}/members", response_model=list[uuid.UUID])
async def list_members(team_id: uuid.UUID, session: ReadSessionDep, _: ReadPrincipal) -> list[uuid.UUID]:
    """Ids of the team's users."""
    await service.require_team(session, team_id)
    return await repository.member_ids(session, team_id)


@router.post("/{team_id}/members", status_code=status.HTTP_204_NO_CONTENT)
async def add_member(
    team_id: uuid.UUID, data: MemberAdd, session: WriteSessionDep, principal: WritePrincipal
) -> None:
    """Add a user to the team."""
    await service.add_member(session, principal, team_id, data.user_id)


@router.delete("/{team_id}/members/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_member(
    team_id: uuid.UUID, user_id: uuid.UUID, session: WriteSessionDep, principal: WritePrincipal
) -> None:
    """Remove a user from the team."""
    await service.remove_member(session, principal, team_id, user_id)
