"""HTTP routes for webhooks."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from tessera.deps import PageDep, ReadPrincipal, ReadSessionDep, UrlPolicyDep, WritePrincipal, WriteSessionDep
from tessera.enums import DeliveryStatus
from tessera.schemas import ListPage, page_response
from tessera.webhooks import repository, service
from tessera.webhooks.schemas import DeliveryRead, WebhookCreate, WebhookCreated, WebhookRead, WebhookUpdate

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


@router.post("", response_model=WebhookCreated, status_code=status.HTTP_201_CREATED)
async def create_webhook(
    data: WebhookCreate, session: WriteSessionDep, principal: WritePrincipal, policy: UrlPolicyDep
) -> WebhookCreated:
    """Subscribe an endpoint of your team; the response shows the signing secret once."""
    return await service.create(session, principal, data, policy)


@router.get("", response_model=ListPage[WebhookRead])
async def list_webhooks(
    session: ReadSessionDep, principal: ReadPrincipal, page: PageDep, team_id: uuid.UUID | None = None
) -> Response:
    """Your team's webhooks (admins: any team's)."""
    rows, total = await service.list_webhooks(
        session, principal, team_id=team_id, limit=page.limit, offset=page.offset, cursor=page.cursor
    )
    return page_response(WebhookRead, rows, total, page)


@router.get("/{webhook_id}", response_model=WebhookRead)
async def get_webhook(
    webhook_id: uuid.UUID, session: ReadSessionDep, principal: ReadPrincipal
) -> WebhookRead:
    """One webhook."""
    return WebhookRead.model_validate(await service.require_webhook(session, principal, webhook_id))


@router.patch("/{webhook_id}", response_model=WebhookRead)
async def update_webhook(
    webhook_id: uuid.UUID,
    data: WebhookUpdate,
    session: WriteSessionDep,
    principal: WritePrincipal,
    policy: UrlPolicyDep,
) -> WebhookRead:
    """Change a webhook (URL, secret, event filter, active)."""
    return WebhookRead.model_validate(await service.update(session, principal, webhook_id, data, policy))


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_webhook(webhook_id: uuid.UUID, session: WriteSessionDep, principal: WritePrincipal) -> None:
    """Remove a webhook."""
    await service.delete(session, principal, webhook_id)


@router.get("/{webhook_id}/deliveries", response_model=ListPage[DeliveryRead])
async def list_deliveries(
    webhook_id: uuid.UUID,
    session: ReadSessionDep,
    principal: ReadPrincipal,
    page: PageDep,
    status: DeliveryStatus | None = None,
) -> Response:
    """Deliveries with status, attempts, last status code and error."""
    await service.require_webhook(session, principal, webhook_id)
    rows, total = await repository.list_deliveries(
        session, webhook_id, status=status, limit=page.limit, offset=page.offset, cursor=page.cursor
    )
    return page_response(DeliveryRead, rows, total, page)


@router.post("/{webhook_id}/deliveries/{delivery_id}/redeliver", response_model=DeliveryRead)
async def redeliver(
    webhook_id: uuid.UUID, delivery_id: uuid.UUID, session: WriteSessionDep, principal: WritePrincipal
) -> DeliveryRead:
    """Queue a delivery again now."""
    return DeliveryRead.model_validate(await service.redeliver(session, principal, webhook_id, delivery_id))
