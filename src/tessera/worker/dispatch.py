"""Outbox -> deliveries: who hears about each event, on which channels.

Routing: consumer teams hear about proposals that need their answer (and how they end); owner teams
hear about everything on their assets, including every answer; a registration tells both sides. The
global endpoint (GLOBAL_WEBHOOK_URL) receives every event.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.config import Settings
from tessera.db.base import utcnow
from tessera.enums import DeliveryChannel, DeliveryStatus
from tessera.notifications.events import EventType
from tessera.teams import repository as teams_repo
from tessera.webhooks import repository

OWNER_ONLY = {EventType.PROPOSAL_ACKNOWLEDGED, EventType.PROPOSAL_BLOCKED}


def interested_teams(event_type: str, data: Mapping[str, Any]) -> set[uuid.UUID]:
    """Teams an event concerns, read from its payload (see ``tessera.notifications.payloads``)."""
    teams: set[str] = set()
    asset = data.get("asset")
    if isinstance(asset, dict) and isinstance(asset.get("owner_team"), dict):
        teams.add(str(asset["owner_team"].get("id")))
    sync_team = data.get("team")
    if isinstance(sync_team, dict):
        teams.add(str(sync_team.get("id")))
    if event_type not in OWNER_ONLY:
        for key in ("affected_teams", "consumer_teams"):
            teams.update(str(t.get("id")) for t in data.get(key) or [] if isinstance(t, dict))
        registration = data.get("registration")
        if isinstance(registration, dict) and isinstance(registration.get("consumer_team"), dict):
            teams.add(str(registration["consumer_team"].get("id")))
    out: set[uuid.UUID] = set()
    for t in teams:
        try:
            out.add(uuid.UUID(t))
        except ValueError:
            continue
    return out


async def dispatch_outbox(session: AsyncSession, settings: Settings, *, limit: int = 500) -> int:
    """Turn undispatched outbox messages into delivery rows (one per recipient and channel)."""
    messages = await repository.claim_outbox(session, limit)
    if not messages:
        return 0
    now = utcnow()
    routes = {m.id: interested_teams(m.event_type, (m.payload or {}).get("data") or {}) for m in messages}
    # Deleted teams are absent from their contacts: they get nothing, not even on their webhooks.
    contacts = await teams_repo.contacts(session, set().union(*routes.values()))
    hooks = await repository.active_for_teams(session, set(contacts))
    slack = {t: c.slack_webhook_url for t, c in contacts.items() if c.slack_webhook_url}
    emails = {t: c.emails for t, c in contacts.items()} if settings.smtp_host else {}
    rows: list[dict[str, Any]] = []
    for m in messages:
        teams = routes[m.id] & contacts.keys()
        base = {
            "event_id": m.event_id,
            "event_type": m.event_type,
            "payload": m.payload,
            "status": DeliveryStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "updated_at": now,
            "history": [],
        }
        for hook in hooks:
            if hook.team_id in teams and (not hook.events or m.event_type in hook.events):
                # A paused endpoint's events are kept, parked until a probe or its team resumes it.
                parked = {"status": DeliveryStatus.PAUSED, "next_attempt_at": None} if hook.paused_at else {}
                rows.append(
                    {
                        **base,
                        **parked,
                        "id": uuid.uuid4(),
                        "webhook_id": hook.id,
                        "channel": DeliveryChannel.WEBHOOK,
                        "target": hook.url,
                    }
                )
        if settings.global_webhook_url:
            rows.append(
                {
                    **base,
                    "id": uuid.uuid4(),
                    "webhook_id": None,
                    "channel": DeliveryChannel.WEBHOOK,
                    "target": settings.global_webhook_url,
                }
            )
        for team_id in sorted(teams & set(slack), key=str):
            rows.append(
                {
                    **base,
                    "id": uuid.uuid4(),
                    "webhook_id": None,
                    "channel": DeliveryChannel.SLACK,
                    "target": slack[team_id],
                }
            )
        recipients = sorted({e for t in teams for e in emails.get(t, [])})
        if recipients:
            rows.append(
                {
                    **base,
                    "id": uuid.uuid4(),
                    "webhook_id": None,
                    "channel": DeliveryChannel.EMAIL,
                    "target": ",".join(recipients),
                }
            )
        m.dispatched_at = now
    await repository.insert_deliveries(session, rows)
    await session.flush()
    return len(messages)
