"""A paused endpoint is probed with its oldest parked event and resumes by itself once it answers."""

from __future__ import annotations

import random
from datetime import timedelta

import httpx
import orjson
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from tessera.db.base import utcnow
from tessera.db.models import Webhook, WebhookDelivery
from tessera.notifications.retry import PROBE_MAX_DELAY, PROBE_MIN_DELAY, next_probe_delay
from tessera.resources import app_resources
from tessera.worker.channels import Channels
from tessera.worker.delivery import PAUSE_AFTER_FAILING_FOR
from tessera.worker.probe import probe_paused
from tessera.worker.runner import sweep_once
from tests.helpers import ADMIN, V1, Api, TeamCtx, clock_ahead
from tests.notifications.receivers import HttpReceiver, Reply


async def _publish_assets(api: Api, team: TeamCtx, count: int) -> None:
    """``count`` new assets of ``team``, each published once: one contract.published event each."""
    for _ in range(count):
        asset = await api.asset(team)
        await api.publish(team, asset["id"], V1)


async def _sweep(app: FastAPI, channels: Channels, rounds: int = 1) -> None:
    for _ in range(rounds):
        await sweep_once(app_resources(app).session_factory, app_resources(app).settings, channels)


async def _make_due(app: FastAPI) -> None:
    async with app_resources(app).session_factory() as session, session.begin():
        await session.execute(
            sa.update(WebhookDelivery)
            .where(WebhookDelivery.status == "retrying")
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )


async def _paused_endpoint(
    api: Api, app: FastAPI, channels: Channels, receiver: HttpReceiver
) -> tuple[TeamCtx, dict]:
    """A team whose endpoint failed for hours and was paused, with one event parked."""
    team = await api.team()
    hook = await api.call("POST", "/webhooks", 201, team.write, json={"url": receiver.url()})
    receiver.default = Reply(status=500)
    await _publish_assets(api, team, 1)
    for _ in range(5):
        await _make_due(app)
        await _sweep(app, channels)
    with clock_ahead(PAUSE_AFTER_FAILING_FOR + timedelta(minutes=1)):
        await _make_due(app)
        await _sweep(app, channels)
    state = await api.call("GET", f"/webhooks/{hook['id']}", 200, team.read)
    assert state["paused_at"] is not None
    return team, hook


async def _deliveries(app: FastAPI) -> list[WebhookDelivery]:
    async with app_resources(app).session_factory() as session:
        rows = await session.execute(sa.select(WebhookDelivery).order_by(WebhookDelivery.created_at))
        return list(rows.scalars())


async def test_paused_endpoint_keeps_new_events_and_resumes_after_a_successful_probe(
    client: httpx.AsyncClient, app: FastAPI, channels: Channels, receiver: HttpReceiver
) -> None:
    api = Api(client)
    team, hook = await _paused_endpoint(api, app, channels, receiver)
    # Events of a paused endpoint are kept (parked), not dropped.
    await _publish_assets(api, team, 3)
    await _sweep(app, channels, rounds=2)
    deliveries = await _deliveries(app)
    # (the failing one waits for its next attempt, which parks it too)
    assert [d.status for d in deliveries] == ["retrying", "paused", "paused", "paused"]
    oldest = deliveries[0].event_id

    receiver.requests.clear()
    receiver.default = Reply(status=200)
    # The first probe is due a minute after the pause.
    with clock_ahead(PAUSE_AFTER_FAILING_FOR + timedelta(minutes=3)):
        await probe_paused(app_resources(app).session_factory, channels)
        assert [orjson.loads(r.body)["id"] for r in receiver.requests] == [oldest]
        state = await api.call("GET", f"/webhooks/{hook['id']}", 200, team.read)
        assert state["paused_at"] is None and state["consecutive_failures"] == 0
        resumed = await api.call("GET", "/audit/events?action=webhook.resumed", 200, ADMIN)
        assert resumed["total"] == 1
        # The queue drains with the worker's ordinary passes: every parked event arrives, each once.
        await _sweep(app, channels, rounds=2)
    received = [orjson.loads(r.body)["id"] for r in receiver.requests]
    assert sorted(received) == sorted(d.event_id for d in deliveries)
    assert {d.status for d in await _deliveries(app)} == {"delivered"}


async def test_failed_probe_keeps_the_endpoint_paused_and_backs_off(
    client: httpx.AsyncClient, app: FastAPI, channels: Channels, receiver: HttpReceiver
) -> None:
    api = Api(client)
    team, hook = await _paused_endpoint(api, app, channels, receiver)
    factory = app_resources(app).session_factory
    receiver.requests.clear()
    with clock_ahead(PAUSE_AFTER_FAILING_FOR + timedelta(minutes=3)):
        assert await probe_paused(factory, channels) == 1
        # Not due again at once: the next probe waits.
        assert await probe_paused(factory, channels) == 0
    assert len(receiver.requests) == 1
    state = await api.call("GET", f"/webhooks/{hook['id']}", 200, team.read)
    assert state["paused_at"] is not None
    (delivery,) = await _deliveries(app)
    assert delivery.status == "paused" and delivery.locked_by is None
    async with factory() as session:
        probe_at = (await session.execute(sa.select(Webhook.next_probe_at))).scalar_one()
    assert probe_at is not None and probe_at > utcnow() + PAUSE_AFTER_FAILING_FOR


async def test_deactivated_paused_endpoint_is_not_probed(
    client: httpx.AsyncClient, app: FastAPI, channels: Channels, receiver: HttpReceiver
) -> None:
    api = Api(client)
    team, hook = await _paused_endpoint(api, app, channels, receiver)
    await api.call("DELETE", f"/webhooks/{hook['id']}", 204, team.write)
    receiver.requests.clear()
    with clock_ahead(PAUSE_AFTER_FAILING_FOR + timedelta(hours=2)):
        assert await probe_paused(app_resources(app).session_factory, channels) == 0
    assert receiver.requests == []


@pytest.mark.parametrize(
    ("paused_for", "base"),
    [
        (timedelta(0), PROBE_MIN_DELAY),
        (timedelta(minutes=30), timedelta(minutes=15)),
        (timedelta(hours=7), PROBE_MAX_DELAY),
        (timedelta(days=30), PROBE_MAX_DELAY),
    ],
)
def test_probe_delay_grows_with_the_pause_and_is_capped(paused_for: timedelta, base: timedelta) -> None:
    rng = random.Random(7)
    for _ in range(50):
        delay = next_probe_delay(paused_for, rng)
        assert base * 0.9 <= delay <= base * 1.1
