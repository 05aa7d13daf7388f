"""Who the outbox dispatcher contacts: never a deleted team, never a deactivated user."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import FastAPI

from tessera.config import Settings
from tessera.db.models import OutboxMessage, WebhookDelivery
from tessera.outbox import payloads
from tessera.resources import app_resources
from tessera.worker.dispatch import dispatch_outbox
from tests.helpers import ADMIN, V1, Api, TeamCtx, record_schema

BREAKING = record_schema({"id": "integer"})


async def _member(api: Api, team: TeamCtx, email: str, slack_id: str) -> str:
    body = {"email": email, "name": email, "slack_member_id": slack_id, "team_ids": [team.id]}
    user: dict[str, Any] = await api.call("POST", "/users", 201, ADMIN, json=body)
    return str(user["id"])


async def _consumer(api: Api, name: str) -> TeamCtx:
    team = await api.team(name)
    slack = {"slack_webhook_url": f"https://hooks.slack.example/{name}"}
    await api.call("PATCH", f"/teams/{team.id}", 200, ADMIN, json=slack)
    return team


async def test_deleted_teams_and_deactivated_users_are_never_contacted(
    client: httpx.AsyncClient, app: FastAPI, settings: Settings
) -> None:
    api = Api(client)
    owner, live, deleted = await api.team(), await _consumer(api, "live"), await _consumer(api, "deleted")
    await _member(api, live, "ana@corp.example", "UANA00001")
    quitter = await _member(api, live, "quit@corp.example", "UQUIT0001")
    await _member(api, deleted, "dee@corp.example", "UDEE00001")
    await api.call("POST", f"/users/{quitter}/deactivate", 200, ADMIN)
    for team in (live, deleted):
        await api.call(
            "POST", "/webhooks", 201, team.write, json={"url": f"https://{team.name}.example/hook"}
        )
    asset = await api.asset(owner)
    await api.publish(owner, asset["id"], V1)
    await api.register(live, asset["id"])
    await api.register(deleted, asset["id"])
    await api.call("DELETE", f"/teams/{deleted.id}", 204, ADMIN)
    result = await api.publish(owner, asset["id"], BREAKING, expect=202)

    async with app_resources(app).session_factory() as session, session.begin():
        await session.execute(sa.update(OutboxMessage).values(dispatched_at=sa.func.now()))
    async with app_resources(app).session_factory() as session, session.begin():
        # The proposal's event, as a fresh outbox message naming both consumers.
        ids = [uuid.UUID(live.id), uuid.UUID(deleted.id)]
        refs = await payloads.team_refs(session, ids)
        affected = [ref.model_dump(mode="json") for ref in refs.values()]
        data = {"proposal": {"id": result["proposal"]["id"]}, "affected_teams": affected}
        data["mentions"] = await payloads.slack_mentions(session, ids)
        session.add(
            OutboxMessage(
                event_id=uuid.uuid4().hex,
                event_type="proposal.created",
                payload={"type": "proposal.created", "data": data},
            )
        )
    smtp = settings.model_copy(update={"smtp_host": "127.0.0.1"})
    async with app_resources(app).session_factory() as session, session.begin():
        assert await dispatch_outbox(session, smtp) == 1
    async with app_resources(app).session_factory() as session:
        rows = (await session.execute(sa.select(WebhookDelivery.channel, WebhookDelivery.target))).all()

    assert sorted(rows) == [
        ("email", "ana@corp.example"),
        ("slack", "https://hooks.slack.example/live"),
        ("webhook", "https://live.example/hook"),
    ]
    # The Slack payload mentions only active members of live teams; the deleted team keeps a ref.
    assert data["mentions"] == ["UANA00001"]
    # The deleted team keeps a ref, named by its id.
    assert [r.name for r in refs.values()] == ["live", deleted.id]
