"""The outbox and the delivery worker against real local receivers (HTTP on 127.0.0.1, SMTP)."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from datetime import timedelta

import httpx
import orjson
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from tessera.auth.principal import Principal
from tessera.config import Settings
from tessera.contracts.publishing import PublishCommand, publish
from tessera.db.base import utcnow
from tessera.db.models import OutboxMessage, WebhookDelivery
from tessera.enums import Scope
from tessera.notifications.signing import verify
from tessera.resources import app_resources
from tessera.worker.channels import Channels
from tessera.worker.delivery import PAUSE_AFTER_FAILING_FOR, claim, deliver_due, should_pause
from tessera.worker.dispatch import dispatch_outbox
from tessera.worker.runner import sweep_once
from tests.conftest import ON_POSTGRES
from tests.helpers import ADMIN, V1, Api, clock_ahead, record_schema, shared_asset
from tests.notifications.receivers import HttpReceiver, Reply, SmtpReceiver

BREAKING = record_schema({"id": "integer"})


async def _proposal_setup(
    client: httpx.AsyncClient, receiver: HttpReceiver
) -> tuple[Api, object, object, dict, str]:
    """A shared asset whose consumer has a webhook for ``proposal.created`` only."""
    api = Api(client)
    s = await shared_asset(api)
    hook = await api.call(
        "POST",
        "/webhooks",
        201,
        s.consumer.write,
        json={"url": receiver.url(), "events": ["proposal.created"]},
    )
    return api, s.owner, s.consumer, s.asset, hook


async def _drain(app: FastAPI, channels: Channels, rounds: int = 3) -> None:
    for _ in range(rounds):
        await sweep_once(app_resources(app).session_factory, app_resources(app).settings, channels)


async def test_consumer_webhook_receives_signed_proposal_created(
    client: httpx.AsyncClient, app: FastAPI, channels: Channels, receiver: HttpReceiver
) -> None:
    api, owner, consumer, asset, hook = await _proposal_setup(client, receiver)
    result = await api.publish(owner, asset["id"], BREAKING, expect=202)
    await _drain(app, channels)
    assert len(receiver.requests) == 1
    req = receiver.requests[0]
    verify(hook["secret"], req.headers, req.body)  # raises if the signature is wrong
    body = orjson.loads(req.body)
    assert body["type"] == "proposal.created"
    assert body["data"]["proposal"]["id"] == result["proposal"]["id"]
    assert body["data"]["asset"]["fqn"] == asset["fqn"]
    assert req.headers["webhook-id"] == body["id"]
    deliveries = await api.call("GET", f"/webhooks/{hook['id']}/deliveries", 200, consumer.read)
    assert deliveries["items"][0]["status"] == "delivered"
    assert deliveries["items"][0]["last_status_code"] == 200


async def test_rolled_back_publish_sends_nothing(
    client: httpx.AsyncClient, app: FastAPI, channels: Channels, receiver: HttpReceiver
) -> None:
    api, owner, consumer, asset, hook = await _proposal_setup(client, receiver)
    await _drain(app, channels)
    receiver.requests.clear()
    principal = Principal(uuid.UUID(owner.id), None, "test", frozenset({Scope.WRITE}))
    async with app_resources(app).session_factory() as session:
        out = await publish(session, principal, uuid.UUID(asset["id"]), PublishCommand(schema=BREAKING))
        assert out.proposal is not None
        await session.rollback()
    await _drain(app, channels)
    assert receiver.requests == []
    async with app_resources(app).session_factory() as session:
        types = (await session.execute(sa.select(OutboxMessage.event_type))).scalars().all()
    assert "proposal.created" not in types


async def test_receiver_down_then_back_gets_every_event(
    client: httpx.AsyncClient, app: FastAPI, channels: Channels, receiver: HttpReceiver
) -> None:
    api, owner, consumer, asset, hook = await _proposal_setup(client, receiver)
    receiver.default = Reply(status=503)
    await api.publish(owner, asset["id"], BREAKING, expect=202)
    await _drain(app, channels)
    async with app_resources(app).session_factory() as session:
        delivery = (await session.execute(sa.select(WebhookDelivery))).scalars().one()
        assert delivery.status == "retrying" and delivery.attempts == 1
        assert delivery.next_attempt_at > utcnow()
    receiver.default = Reply(status=200)
    # Time passes: the retry becomes due.
    async with app_resources(app).session_factory() as session, session.begin():
        await session.execute(
            sa.update(WebhookDelivery).values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
    await _drain(app, channels)
    assert len(receiver.requests) == 2
    async with app_resources(app).session_factory() as session:
        delivery = (await session.execute(sa.select(WebhookDelivery))).scalars().one()
    assert delivery.status == "delivered" and delivery.attempts == 2
    assert [h["status_code"] for h in delivery.history] == [503, 200]


async def test_worker_killed_mid_delivery_redelivers_after_lease(
    client: httpx.AsyncClient, app: FastAPI, channels: Channels, receiver: HttpReceiver
) -> None:
    api, owner, consumer, asset, hook = await _proposal_setup(client, receiver)
    await api.publish(owner, asset["id"], BREAKING, expect=202)
    factory = app_resources(app).session_factory
    async with factory() as session, session.begin():
        await dispatch_outbox(session, app_resources(app).settings)
    # A worker claims the attempt and dies before sending or recording anything.
    async with factory() as session, session.begin():
        jobs = await claim(session, utcnow(), 10, None)
    assert len(jobs) == 1
    # While the lease holds, nobody else takes it.
    assert await deliver_due(factory, channels) == 0
    async with factory() as session, session.begin():
        await session.execute(sa.update(WebhookDelivery).values(locked_until=utcnow() - timedelta(seconds=1)))
    assert await deliver_due(factory, channels) == 1
    assert len(receiver.requests) == 1
    async with factory() as session:
        delivery = (await session.execute(sa.select(WebhookDelivery))).scalars().one()
    assert delivery.status == "delivered"


async def test_permanent_4xx_stops_and_redeliver_requeues(
    client: httpx.AsyncClient, app: FastAPI, channels: Channels, receiver: HttpReceiver
) -> None:
    api, owner, consumer, asset, hook = await _proposal_setup(client, receiver)
    receiver.default = Reply(status=410)
    await api.publish(owner, asset["id"], BREAKING, expect=202)
    await _drain(app, channels)
    listed = await api.call("GET", f"/webhooks/{hook['id']}/deliveries", 200, consumer.read)
    delivery = listed["items"][0]
    assert delivery["status"] == "failed" and delivery["last_status_code"] == 410
    receiver.default = Reply(status=204)
    again = await api.call(
        "POST", f"/webhooks/{hook['id']}/deliveries/{delivery['id']}/redeliver", 200, consumer.write
    )
    assert again["status"] == "pending"
    await _drain(app, channels)
    listed = await api.call("GET", f"/webhooks/{hook['id']}/deliveries", 200, consumer.read)
    assert listed["items"][0]["status"] == "delivered"
    assert len({orjson.loads(r.body)["id"] for r in receiver.requests}) == 1  # same event id both times


async def test_endpoint_failing_persistently_is_paused_and_audited(
    client: httpx.AsyncClient, app: FastAPI, channels: Channels, receiver: HttpReceiver
) -> None:
    api, owner, consumer, asset, hook = await _proposal_setup(client, receiver)
    receiver.default = Reply(status=500)
    await api.call("PATCH", f"/webhooks/{hook['id']}", 200, consumer.write, json={"events": []})
    await api.call(
        "PATCH",
        f"/teams/{consumer.id}",
        200,
        consumer.write,
        json={"slack_webhook_url": receiver.url("/team-slack")},
    )
    await api.publish(owner, asset["id"], BREAKING, expect=202)

    async def fail_once() -> None:
        async with app_resources(app).session_factory() as session, session.begin():
            await session.execute(
                sa.update(WebhookDelivery).values(next_attempt_at=utcnow() - timedelta(seconds=1))
            )
        await _drain(app, channels, rounds=1)

    # Many failed attempts within a short outage do not pause the endpoint ...
    for _ in range(10):
        await fail_once()
    assert (await api.call("GET", f"/webhooks/{hook['id']}", 200, consumer.read))["paused_at"] is None
    # ... failing for hours does.
    with clock_ahead(PAUSE_AFTER_FAILING_FOR + timedelta(minutes=1)):
        await fail_once()
    state = await api.call("GET", f"/webhooks/{hook['id']}", 200, consumer.read)
    assert state["paused_at"] is not None
    events = await api.call("GET", "/audit/events?action=webhook.paused", 200, ADMIN)
    assert events["total"] == 1
    # The team is told on its Slack channel.
    posts = [orjson.loads(r.body) for r in receiver.requests if r.path == "/team-slack"]
    assert len([p for p in posts if "paused your webhook" in p["text"]]) == 1
    # Re-activating resumes delivery.
    receiver.default = Reply(status=200)
    await api.call("PATCH", f"/webhooks/{hook['id']}", 200, consumer.write, json={"active": True})
    await _drain(app, channels)
    assert (await api.call("GET", f"/webhooks/{hook['id']}", 200, consumer.read))["paused_at"] is None


@pytest.mark.parametrize(
    "url", ["http://10.0.0.1/hook", "http://169.254.169.254/latest", "ftp://example.com/x", "http://[::1]/x"]
)
async def test_webhook_urls_to_private_addresses_are_refused(client: httpx.AsyncClient, url: str) -> None:
    api = Api(client)
    team = await api.team()
    resp = await client.post("/api/v1/webhooks", headers=team.write, json={"url": url})
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"]["code"] == "url_refused"


async def test_email_and_global_webhook_channels(
    client: httpx.AsyncClient, app: FastAPI, settings: Settings, receiver: HttpReceiver
) -> None:
    smtp = SmtpReceiver().start()
    try:
        settings = settings.model_copy(
            update={
                "smtp_host": "127.0.0.1",
                "smtp_port": smtp.port,
                "global_webhook_url": receiver.url("/global"),
                "global_webhook_secret": "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            }
        )
        app.state.resources = dataclasses.replace(app_resources(app), settings=settings)
        channels = Channels(settings)
        api = Api(client)
        s = await shared_asset(api)
        await api.call(
            "POST",
            "/users",
            201,
            ADMIN,
            json={"email": "c@corp.example", "name": "C", "team_ids": [s.consumer.id]},
        )
        asset = s.asset
        await api.publish(s.owner, asset["id"], BREAKING, expect=202)
        for _ in range(3):
            await sweep_once(app_resources(app).session_factory, settings, channels)
        await channels.aclose()
        assert any(r.path == "/global" for r in receiver.requests)
        subjects = [m["Subject"] for _, m in smtp.messages]
        assert any("proposal" in s.lower() or asset["fqn"] in s for s in subjects), subjects
    finally:
        smtp.stop()


@pytest.mark.skipif(not ON_POSTGRES, reason="SKIP LOCKED claims need PostgreSQL; SQLite has one writer")
async def test_concurrent_workers_never_send_the_same_attempt_twice(
    client: httpx.AsyncClient, app: FastAPI, channels: Channels, receiver: HttpReceiver
) -> None:
    api = Api(client)
    owner = await api.team()
    await api.call("POST", "/webhooks", 201, owner.write, json={"url": receiver.url()})
    for _ in range(40):
        await api.asset(owner)  # each emits nothing; publish emits contract.published
    assets = await api.call("GET", "/assets?limit=100", 200, owner.read)
    for a in assets["items"]:
        await api.publish(owner, a["id"], V1)
    async with app_resources(app).session_factory() as session, session.begin():
        await dispatch_outbox(session, app_resources(app).settings)
    counts = await asyncio.gather(
        *(deliver_due(app_resources(app).session_factory, channels, limit=15) for _ in range(4))
    )
    assert sum(counts) == 40  # four concurrent workers split the 40 attempts, none taken twice
    for _ in range(5):  # anything the small test receiver refused under load is retried
        async with app_resources(app).session_factory() as session, session.begin():
            await session.execute(
                sa.update(WebhookDelivery)
                .where(WebhookDelivery.status == "retrying")
                .values(next_attempt_at=utcnow())
            )
        await deliver_due(app_resources(app).session_factory, channels)
    ids = [orjson.loads(r.body)["id"] for r in receiver.requests]
    assert len(set(ids)) == 40
    async with app_resources(app).session_factory() as session:
        statuses = (await session.execute(sa.select(WebhookDelivery.status))).scalars().all()
    assert statuses == ["delivered"] * 40


async def test_slack_message_mentions_consumers_by_member_id(
    client: httpx.AsyncClient, app: FastAPI, channels: Channels, receiver: HttpReceiver
) -> None:
    api = Api(client)
    s = await shared_asset(api)
    owner, consumer, asset = s.owner, s.consumer, s.asset
    await api.call(
        "PATCH",
        f"/teams/{consumer.id}",
        200,
        consumer.write,
        json={"slack_webhook_url": receiver.url("/slack")},
    )
    await api.call(
        "POST",
        "/users",
        201,
        ADMIN,
        json={
            "email": "dana@corp.example",
            "name": "Dana",
            "slack_member_id": "U024BE7LH",
            "team_ids": [consumer.id],
        },
    )
    await api.publish(owner, asset["id"], BREAKING, expect=202)
    await _drain(app, channels)
    slack = [orjson.loads(r.body) for r in receiver.requests if r.path == "/slack"]
    created = [m for m in slack if "<@U024BE7LH>" in orjson.dumps(m).decode()]
    assert created, slack
    assert isinstance(created[0]["blocks"], list) and created[0]["blocks"]
    assert asset["fqn"] in orjson.dumps(created[0]).decode()


@pytest.mark.parametrize(
    ("failures", "failing_for", "paused"),
    [
        (200, timedelta(minutes=30), False),  # a 30-minute outage with many queued events
        (4, timedelta(hours=7), False),  # too few attempts to judge
        (5, timedelta(hours=6), True),
        (0, None, False),
    ],
)
def test_pausing_is_on_time_failing(failures: int, failing_for: timedelta | None, paused: bool) -> None:
    now = utcnow()
    since = None if failing_for is None else now - failing_for
    assert should_pause(failures, since, now) is paused
