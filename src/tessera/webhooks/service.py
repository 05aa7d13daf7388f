"""Rules for webhook subscriptions: a team manages its own; URLs pass the SSRF policy."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.audit.service import record
from tessera.auth.principal import Principal, own_team_filter
from tessera.db.base import utcnow
from tessera.db.models import Webhook, WebhookDelivery
from tessera.enums import DeliveryStatus
from tessera.errors import Conflict, Forbidden, ValidationFailed, not_found
from tessera.notifications.signing import generate_secret, secret_key
from tessera.notifications.ssrf import UrlPolicy
from tessera.teams.service import require_team
from tessera.webhooks import repository
from tessera.webhooks.schemas import WebhookCreate, WebhookCreated, WebhookRead, WebhookUpdate


async def list_webhooks(
    session: AsyncSession,
    principal: Principal,
    *,
    team_id: uuid.UUID | None,
    limit: int,
    offset: int,
    cursor: str | None = None,
) -> tuple[Sequence[Webhook], int]:
    """Webhooks of the caller's team (an admin may list any team's, or all)."""
    team_id = own_team_filter(principal, team_id, what="webhooks")
    return await repository.list_webhooks(session, team_id=team_id, limit=limit, offset=offset, cursor=cursor)


async def require_webhook(session: AsyncSession, principal: Principal, webhook_id: uuid.UUID) -> Webhook:
    """A live webhook the principal's team owns (or any, for an admin)."""
    hook = await repository.get(session, webhook_id)
    if (
        hook is None
        or (hook.team_id is not None and not principal.acts_for(hook.team_id))
        or (hook.team_id is None and not principal.is_admin)
    ):
        raise not_found("webhook", webhook_id)
    return hook


def _check_secret(secret: str) -> str:
    try:
        secret_key(secret)
    except ValueError as exc:
        raise ValidationFailed(f"Invalid secret: {exc}", code="invalid_secret") from exc
    return secret


async def create(
    session: AsyncSession, principal: Principal, data: WebhookCreate, policy: UrlPolicy
) -> WebhookCreated:
    """Subscribe a team's endpoint; the signing secret is returned once."""
    team_id = data.team_id or principal.team_id
    if team_id is None:
        raise ValidationFailed("team_id is required when the key has no team.", code="team_required")
    if not principal.acts_for(team_id):
        raise Forbidden("A team may only manage its own webhooks.", code="not_team_member")
    await require_team(session, team_id)
    policy.validate_url(data.url)
    secret = _check_secret(data.secret) if data.secret else generate_secret()
    hook = Webhook(
        id=uuid.uuid4(),
        team_id=team_id,
        url=data.url,
        secret=secret,
        events=sorted({e.value for e in data.events}),
        active=data.active,
        description=data.description,
    )
    session.add(hook)
    await session.flush()
    await record(
        session, principal, "webhook.created", "webhook", hook.id, {"url": data.url, "events": hook.events}
    )
    return WebhookCreated(**WebhookRead.model_validate(hook).model_dump(), secret=secret)


async def update(
    session: AsyncSession, principal: Principal, webhook_id: uuid.UUID, data: WebhookUpdate, policy: UrlPolicy
) -> Webhook:
    """Change a subscription; re-activating resumes a paused endpoint."""
    hook = await require_webhook(session, principal, webhook_id)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("url"):
        policy.validate_url(changes["url"])
        hook.url = changes["url"]
    if changes.get("secret"):
        hook.secret = _check_secret(changes["secret"])
    if "events" in changes and changes["events"] is not None:
        hook.events = sorted({str(e) for e in changes["events"]})
    if "description" in changes:
        hook.description = changes["description"]
    if changes.get("active") is not None:
        hook.active = changes["active"]
        if hook.active and hook.paused_at is not None:
            await resume(session, hook, utcnow())
    await session.flush()
    await record(session, principal, "webhook.updated", "webhook", hook.id, {"fields": sorted(changes)})
    return hook


async def resume(session: AsyncSession, hook: Webhook, now: datetime) -> None:
    """Un-pause an endpoint (its team re-activated it, or a probe succeeded): its parked deliveries are
    due again at once."""
    hook.paused_at, hook.paused_reason, hook.next_probe_at = None, None, None
    hook.consecutive_failures, hook.failing_since = 0, None
    await repository.resume_paused(session, hook.id, now)


async def delete(session: AsyncSession, principal: Principal, webhook_id: uuid.UUID) -> None:
    """Remove a subscription; its pending deliveries are cancelled."""
    hook = await require_webhook(session, principal, webhook_id)
    hook.deleted_at = utcnow()
    hook.active = False
    await session.flush()
    await record(session, principal, "webhook.deleted", "webhook", hook.id, {})


async def redeliver(
    session: AsyncSession, principal: Principal, webhook_id: uuid.UUID, delivery_id: uuid.UUID
) -> WebhookDelivery:
    """Queue a delivery again now (e.g. after fixing the receiver); it keeps its event id."""
    hook = await require_webhook(session, principal, webhook_id)
    delivery = await repository.get_delivery(session, delivery_id)
    if delivery is None or delivery.webhook_id != hook.id:
        raise not_found("delivery", delivery_id)
    if delivery.status.is_due and delivery.locked_until and delivery.locked_until > utcnow():
        raise Conflict("This delivery is being attempted right now.", code="delivery_in_progress")
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = utcnow()
    delivery.locked_until, delivery.locked_by = None, None
    await session.flush()
    await record(
        session, principal, "webhook.redelivered", "webhook", hook.id, {"delivery_id": str(delivery.id)}
    )
    return delivery
