"""SQL for webhooks and deliveries, including the worker's claim queries."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.models import OutboxMessage, Webhook, WebhookDelivery
from tessera.db.paging import fetch_page
from tessera.enums import DeliveryChannel, DeliveryStatus

DUE = [s for s in DeliveryStatus if s.is_due]


async def get(session: AsyncSession, webhook_id: uuid.UUID) -> Webhook | None:
    """A live webhook."""
    return (await session.execute(sa.select(Webhook).where(Webhook.id == webhook_id))).scalar_one_or_none()


async def list_webhooks(
    session: AsyncSession, *, team_id: uuid.UUID | None, limit: int, offset: int, cursor: str | None = None
) -> tuple[Sequence[Webhook], int]:
    """Live webhooks, oldest first."""
    conds: list[sa.ColumnElement[bool]] = []
    if team_id:
        conds.append(Webhook.team_id == team_id)
    stmt = sa.select(Webhook).where(*conds).order_by(Webhook.created_at, Webhook.id)
    return await fetch_page(session, stmt, limit=limit, offset=offset, cursor=cursor)


async def active_for_teams(session: AsyncSession, team_ids: set[uuid.UUID]) -> list[Webhook]:
    """Active webhooks of the given teams, paused ones included (their deliveries are parked)."""
    if not team_ids:
        return []
    rows = await session.execute(
        sa.select(Webhook).where(Webhook.active.is_(True), Webhook.team_id.in_(team_ids))
    )
    return list(rows.scalars())


async def get_delivery(session: AsyncSession, delivery_id: uuid.UUID) -> WebhookDelivery | None:
    """One delivery."""
    return await session.get(WebhookDelivery, delivery_id)


async def list_deliveries(
    session: AsyncSession,
    webhook_id: uuid.UUID,
    *,
    status: DeliveryStatus | None,
    limit: int,
    offset: int,
    cursor: str | None = None,
) -> tuple[Sequence[WebhookDelivery], int]:
    """Deliveries of a webhook, newest first."""
    conds: list[sa.ColumnElement[bool]] = [WebhookDelivery.webhook_id == webhook_id]
    if status:
        conds.append(WebhookDelivery.status == status)
    stmt = (
        sa.select(WebhookDelivery)
        .where(*conds)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
    )
    return await fetch_page(session, stmt, limit=limit, offset=offset, cursor=cursor)


async def claim_outbox(session: AsyncSession, limit: int) -> list[OutboxMessage]:
    """Undispatched outbox messages, oldest first, locked so concurrent workers skip them."""
    stmt = (
        sa.select(OutboxMessage)
        .where(OutboxMessage.dispatched_at.is_(None))
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.execute(stmt)).scalars())


async def claim_due_deliveries(session: AsyncSession, now: datetime, limit: int) -> list[WebhookDelivery]:
    """Deliveries due now whose lease (if any) has expired, locked so concurrent workers skip them."""
    stmt = (
        sa.select(WebhookDelivery)
        .where(
            WebhookDelivery.status.in_(DUE),
            WebhookDelivery.next_attempt_at <= now,
            sa.or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until <= now),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.execute(stmt)).scalars())


async def renew_leases(session: AsyncSession, ids: Sequence[uuid.UUID], claim: str, until: datetime) -> int:
    """Extend the lease of the attempts ``claim`` still holds (a worker's heartbeat); returns how many."""
    if not ids:
        return 0
    result = await session.execute(
        sa.update(WebhookDelivery)
        .where(WebhookDelivery.id.in_(ids), WebhookDelivery.locked_by == claim)
        .values(locked_until=until)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def held_deliveries(
    session: AsyncSession, ids: Sequence[uuid.UUID], claim: str
) -> dict[uuid.UUID, WebhookDelivery]:
    """The deliveries among ``ids`` that ``claim`` still holds, locked for recording their results.

    An attempt whose lease ran out and that another worker claimed since is left out: its result
    belongs to the other worker.
    """
    if not ids:
        return {}
    stmt = (
        sa.select(WebhookDelivery)
        .where(WebhookDelivery.id.in_(ids), WebhookDelivery.locked_by == claim)
        .with_for_update()
    )
    return {d.id: d for d in (await session.execute(stmt)).scalars()}


async def claim_probe_due(session: AsyncSession, now: datetime, limit: int) -> list[Webhook]:
    """Paused, active endpoints due for a probe, locked so concurrent workers probe each only once."""
    stmt = (
        sa.select(Webhook)
        .where(
            Webhook.paused_at.is_not(None),
            Webhook.active.is_(True),
            sa.or_(Webhook.next_probe_at.is_(None), Webhook.next_probe_at <= now),
        )
        .order_by(Webhook.next_probe_at, Webhook.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.execute(stmt)).scalars())


async def oldest_parked(
    session: AsyncSession, webhook_ids: Sequence[uuid.UUID], now: datetime
) -> dict[uuid.UUID, WebhookDelivery]:
    """The oldest parked delivery of each endpoint (one query to choose, one to lock), by webhook id."""
    if not webhook_ids:
        return {}
    rank = (
        sa.func.row_number()
        .over(
            partition_by=WebhookDelivery.webhook_id,
            order_by=(WebhookDelivery.created_at, WebhookDelivery.id),
        )
        .label("rank")
    )
    ranked = (
        sa.select(WebhookDelivery.id, rank)
        .where(
            WebhookDelivery.webhook_id.in_(webhook_ids),
            WebhookDelivery.status.in_([DeliveryStatus.PAUSED, *DUE]),
            sa.or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until <= now),
        )
        .subquery()
    )
    first = sa.select(ranked.c.id).where(ranked.c.rank == 1)
    stmt = sa.select(WebhookDelivery).where(WebhookDelivery.id.in_(first)).with_for_update(skip_locked=True)
    rows = (await session.execute(stmt)).scalars()
    return {d.webhook_id: d for d in rows if d.webhook_id is not None}


async def webhooks_by_id(session: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, Webhook]:
    """Webhooks (deleted included: the worker cancels their deliveries) by id."""
    if not ids:
        return {}
    stmt = sa.select(Webhook).where(Webhook.id.in_(ids)).execution_options(include_deleted=True)
    return {w.id: w for w in (await session.execute(stmt)).scalars()}


async def insert_deliveries(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """New delivery rows, in one multi-row INSERT."""
    if rows:
        await session.execute(sa.insert(WebhookDelivery), rows)


async def resume_paused(session: AsyncSession, webhook_id: uuid.UUID, now: datetime) -> None:
    """Deliveries parked while their endpoint was paused become due again."""
    await session.execute(
        sa.update(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook_id, WebhookDelivery.status == DeliveryStatus.PAUSED)
        .values(status=DeliveryStatus.PENDING, next_attempt_at=now)
    )


async def team_deliveries(
    session: AsyncSession,
    *,
    webhook_ids: Sequence[uuid.UUID],
    slack_url: str | None,
    status: DeliveryStatus | None,
    limit: int,
    offset: int,
    cursor: str | None = None,
    event_q: str | None = None,
    oldest_first: bool = False,
) -> tuple[list[WebhookDelivery], int]:
    """Deliveries to a team's endpoints (its webhooks and its Slack channel), newest first (or oldest
    first), whose event type contains ``event_q`` (ignoring case; ``%`` and ``_`` literal), in one query
    whatever the number of endpoints."""
    reaches: list[sa.ColumnElement[bool]] = []
    if webhook_ids:
        reaches.append(WebhookDelivery.webhook_id.in_(webhook_ids))
    if slack_url:
        reaches.append(
            sa.and_(WebhookDelivery.channel == DeliveryChannel.SLACK, WebhookDelivery.target == slack_url)
        )
    if not reaches:
        return [], 0
    conds: list[sa.ColumnElement[bool]] = [sa.or_(*reaches)]
    if status:
        conds.append(WebhookDelivery.status == status)
    if event_q:
        conds.append(sa.func.lower(WebhookDelivery.event_type).contains(event_q.lower(), autoescape=True))
    created, ident = WebhookDelivery.created_at, WebhookDelivery.id
    order = (created.asc(), ident.asc()) if oldest_first else (created.desc(), ident.desc())
    stmt = sa.select(WebhookDelivery).where(*conds).order_by(*order)
    rows, total = await fetch_page(session, stmt, limit=limit, offset=offset, cursor=cursor)
    return list(rows), total
