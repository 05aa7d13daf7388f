"""GET /audit/events."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response
from pydantic import AwareDatetime

from tessera.audit import repository
from tessera.audit.schemas import AuditEventRead
from tessera.deps import PageDep, ReadPrincipal, ReadSessionDep
from tessera.schemas import ListPage, page_response

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("/events", response_model=ListPage[AuditEventRead])
async def list_audit_events(
    session: ReadSessionDep,
    principal: ReadPrincipal,
    page: PageDep,
    action: str | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    asset_id: uuid.UUID | None = None,
    actor_team_id: uuid.UUID | None = None,
    since: AwareDatetime | None = None,
    until: AwareDatetime | None = None,
) -> Response:
    """Audit events, newest first; ``action`` accepts a family such as ``proposal.*``.

    ``asset_id`` selects every event concerning an asset: on the asset itself and on its contracts,
    proposals and registrations.
    """
    rows, total = await repository.list_events(
        session,
        action=action,
        target_type=target_type,
        target_id=target_id,
        asset_id=asset_id,
        actor_team_id=actor_team_id,
        since=since,
        until=until,
        limit=page.limit,
        offset=page.offset,
        cursor=page.cursor,
    )
    return page_response(AuditEventRead, rows, total, page)
