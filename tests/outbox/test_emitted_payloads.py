"""What real API actions write to the outbox validates against the model of its event type."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
import sqlalchemy as sa
from fastapi import FastAPI

from tessera.db.models import OutboxMessage
from tessera.notifications.events import Event, EventType
from tessera.notifications.payloads import parse_data
from tessera.notifications.rendering import TemplateRenderer
from tessera.resources import app_resources
from tests.helpers import ADMIN, V1, Api, record_schema, shared_asset
from tests.sync.lineage_world import Lineage
from tests.sync.lineage_world import manifest as lineage_manifest
from tests.sync.test_dbt_sync import manifest

BREAKING = record_schema({"id": "integer"})
RENDERER = TemplateRenderer()
ADDITIVE = record_schema({"id": "integer", "email": "string", "name": "string"}, ["id", "email"])


async def _outbox(app: FastAPI) -> list[OutboxMessage]:
    async with app_resources(app).session_factory() as session:
        stmt = sa.select(OutboxMessage).order_by(OutboxMessage.created_at, OutboxMessage.id)
        return list((await session.execute(stmt)).scalars())


def _check(rows: list[OutboxMessage]) -> dict[str, list[dict[str, Any]]]:
    """Each row's data parses as its type's model and is exactly that model's JSON; data by type.

    Every row also renders as email and Slack text naming what it is about (templates read the same keys).
    """
    by_type: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        assert row.payload["type"] == row.event_type
        assert row.payload["id"] == row.event_id
        data = row.payload["data"]
        assert parse_data(row.event_type, data).model_dump(mode="json") == data, row.event_type
        by_type.setdefault(row.event_type, []).append(data)
        event = Event.from_payload(row.payload)
        email, slack = RENDERER.render_email(event), RENDERER.render_slack(event)
        subject = data["asset"]["fqn"] if "asset" in data else data["project"]
        assert subject in email.subject and subject in slack.title, row.event_type
        assert "None" not in email.text + slack.body, row.event_type
    return by_type


async def test_every_proposal_and_contract_event_matches_its_model(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    api = Api(client)
    s = await shared_asset(api, V1, register_with=[{"pinned_version": "1.0.0"}])
    owner, consumer, asset = s.owner, s.consumer, s.asset
    # blocked, then withdrawn
    first = (await api.publish(owner, asset["id"], BREAKING, expect=202))["proposal"]
    await api.ack(consumer, first["id"], "blocked", reason="we read email")
    await api.call("POST", f"/proposals/{first['id']}/withdraw", 200, owner.write, json={"reason": "rethink"})
    # acknowledged, approved and published (which deprecates 1.0.0)
    second = (await api.publish(owner, asset["id"], BREAKING, expect=202))["proposal"]
    await api.ack(consumer, second["id"], "approved")
    # force-approved by an administrator
    await api.publish(owner, asset["id"], V1, expect=202)
    current = await api.call("GET", f"/assets/{asset['id']}", 200, owner.read)
    forced = await api.call("GET", f"/proposals?asset_id={asset['id']}&status=open", 200, owner.read)
    await api.call(
        "POST", f"/proposals/{forced['items'][0]['id']}/force-approve", 200, ADMIN, json={"reason": "exec"}
    )
    # stale: the contract moved on before the answer
    stale = (await api.publish(owner, asset["id"], BREAKING, expect=202))["proposal"]
    await api.publish(owner, asset["id"], ADDITIVE)
    assert (await api.ack(consumer, stale["id"]))["status"] == "stale"
    # expired: found past its deadline when the next proposal is opened
    soon = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
    await api.publish(owner, asset["id"], record_schema({"id": "integer"}), expect=202, expires_at=soon)
    await asyncio.sleep(1.1)
    await api.publish(owner, asset["id"], record_schema({"id": "string"}), expect=202)
    # a guarantee fails, then recovers
    for status in ("failed", "passed"):
        result = {"guarantee": "not_null:id", "status": status, "failing_rows": 2}
        body = {"status": status, "results": [result]}
        await api.call("POST", f"/assets/{asset['id']}/audit", 201, owner.write, json=body)

    by_type = _check(await _outbox(app))
    sync_only = {EventType.SYNC_COMPLETED, EventType.REGISTRATION_RETIRED, EventType.DEFINITION_CHANGED}
    assert set(by_type) == {t.value for t in EventType} - {t.value for t in sync_only}
    assert current["current_version"] == "2.0.0"
    blocked = by_type["proposal.blocked"][0]
    assert blocked["answer"]["team"] == {"id": consumer.id, "name": consumer.name}
    assert (blocked["answer"]["response"], blocked["answer"]["reason"]) == ("blocked", "we read email")
    assert blocked["versions"] == {"from": "1.0.0", "to": "2.0.0"}
    assert by_type["proposal.withdrawn"][0]["reason"] == "rethink"
    assert by_type["proposal.force_approved"][0]["reason"] == "exec"
    registration = by_type["registration.created"][0]["registration"]
    assert (registration["consumer_team"]["id"], registration["pinned_version"]) == (consumer.id, "1.0.0")
    deprecated = by_type["contract.deprecated"][0]
    assert (deprecated["contract"]["version"], deprecated["superseded_by"]) == ("1.0.0", "2.0.0")
    assert by_type["contract.published"][1]["consumer_teams"] == [{"id": consumer.id, "name": consumer.name}]


async def test_sync_events_match_their_models(client: httpx.AsyncClient, app: FastAPI) -> None:
    api = Api(client)
    platform = await api.team("platform")
    for name in ("analytics", "finance", "ingest"):
        await api.team(name)
    for name in ("base", "renamed_model"):
        resp = await client.post(
            f"/api/v1/sync/dbt?owner_team_id={platform.id}",
            content=manifest(name),
            headers={**ADMIN, "Content-Type": "application/json"},
        )
        assert resp.status_code == 200, resp.text
    by_type = _check(await _outbox(app))
    assert len(by_type["sync.completed"]) == 2
    assert by_type["sync.completed"][0]["team"] == {"id": platform.id, "name": "platform"}
    assert by_type["sync.completed"][0]["summary"]["created"] > 0
    assert {"contract.published", "registration.created", "proposal.created"} <= set(by_type), set(by_type)


async def test_lineage_sync_events_match_their_models(client: httpx.AsyncClient, app: FastAPI) -> None:
    world = await Lineage.create(Api(client))
    await world.sync("base")
    await world.sync("changed_avg_amount")
    data = orjson.loads(lineage_manifest("base"))
    del data["nodes"]["model.lineage.loyalty_members"]  # growth no longer reads stg_customers
    await world.sync("removed", body=orjson.dumps(data))
    by_type = _check(await _outbox(app))
    [retired] = by_type["registration.retired"]
    assert retired["registration"]["consumer_team"]["name"] == "growth"
    # avg(amount) -> median(amount), then back with the third manifest: two notices.
    assert len(by_type["column.definition_changed"]) == 2
    redefined = by_type["column.definition_changed"][0]
    assert redefined["columns"] == ["avg_amount"]
    assert [t["name"] for t in redefined["consumer_teams"]] == ["marketing"]
