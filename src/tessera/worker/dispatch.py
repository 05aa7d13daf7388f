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
from tessera.teams import repository as teams_repo
from tessera.webhooks import repository

OWNER_ONLY = {"proposal.acknowledged", "proposal.blocked"}


def interested_teams(event_type: str, data: Mapping[str, Any]) -> set[uuid.UUID]:
    """Teams an event concerns, read from its payload."""
    teams: set[str] = set()
    asset = data.get("asset") or {}
    for owner in (data.get("owner_team_id"), asset.get("owner_team_id") if isinstance(asset, dict) else None):
        if owner:
            teams.add(str(owner))
    if event_type not in OWNER_ONLY:
        for team in data.get("affected_teams") or []:
            if isinstance(team, dict) and team.get("id"):
                teams.add(str(team["id"]))
        teams.update(str(t) for t in data.get("consumer_team_ids") or [])
        consumer = data.get("consumer_team")
        if isinstance(consumer, dict) and consumer.get("id"):
            teams.add(str(consumer["id"]))
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
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "updated_at": now,
            "history": [],
        }
        for hook in hooks:
            if hook.team_id in teams and (not hook.events or m.event_type in hook.events):
                rows.append(
                    {
                        **base,
                        "id": uuid.uuid4(),
                        "webhook_id": hook.id,
                        "channel": "webhook",
                        "target": hook.url,
                    }
                )
        if settings.global_webhook_url:
            rows.append(
                {
                    **base,
                    "id": uuid.uuid4(),
                    "webhook_id": None,
                    "channel": "webhook",
                    "target": settings.global_webhook_url,
                }
            )
        for team_id in sorted(teams & set(slack), key=str):
            rows.append(
                {**base, "id": uuid.uuid4(), "webhook_id": None, "channel": "slack", "target": slack[team_id]}
            )
        recipients = sorted({e for t in teams for e in emails.get(t, [])})
        if recipients:
            rows.append(
                {
                    **base,
                    "id": uuid.uuid4(),
                    "webhook_id": None,
                    "channel": "email",
                    "target": ",".join(recipients),
                }
            )
        m.dispatched_at = now
    await repository.insert_deliveries(session, rows)
    await session.flush()
    return len(messages)
