"""Leases renewed by a heartbeat: a live worker keeps its attempts, a killed one's are taken over at once.

The workers here are real ``tessera worker`` processes with a short lease (4 s, renewed every 0.4 s);
time is never asserted, only what each side did.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import orjson
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from tessera.config import Settings
from tessera.db.base import utcnow
from tessera.db.models import WebhookDelivery
from tessera.resources import app_resources
from tessera.webhooks import repository
from tessera.worker.delivery import claim
from tessera.worker.dispatch import dispatch_outbox
from tests.helpers import V1, Api
from tests.notifications.receivers import HttpReceiver, Reply

LEASE_SECONDS = 4.0
EVENTS = 4


def _tessera() -> str:
    found = Path(sys.executable).with_name("tessera")
    return str(found) if found.exists() else (shutil.which("tessera") or "tessera")


@pytest.fixture
def start_worker(settings: Settings, tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Start real ``tessera worker`` processes on the test database; all are killed afterwards."""
    started: list[subprocess.Popen[bytes]] = []
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "ENVIRONMENT": "test",
        "SECRET_KEY": settings.secret_key,
        "DATA_DIR": str(tmp_path / "worker-data"),
        "WEBHOOK_ALLOWLIST": "127.0.0.1/32",
        "WEBHOOK_TIMEOUT_SECONDS": "120",
        "WORKER_POLL_SECONDS": "0.1",
        "WORKER_LEASE_SECONDS": str(LEASE_SECONDS),
        "WORKER_HEARTBEAT_SECONDS": str(LEASE_SECONDS / 10),
    }

    def start() -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(  # noqa: S603 - our own console script
            [_tessera(), "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)


def _wait_for(condition: Callable[[], bool], what: str, limit: float = 90.0) -> None:
    """Poll until ``condition`` holds (a liveness guard for a slow machine, not a timing check)."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


async def _rows(app: FastAPI) -> list[WebhookDelivery]:
    async with app_resources(app).session_factory() as session:
        return list((await session.execute(sa.select(WebhookDelivery))).scalars())


async def _wait_rows(app: FastAPI, condition: Callable[[list[WebhookDelivery]], bool], what: str) -> None:
    deadline = time.monotonic() + 90.0
    while not condition(await _rows(app)):
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        await asyncio.sleep(0.1)


async def _queued_events(client: httpx.AsyncClient, app: FastAPI, receiver: HttpReceiver) -> None:
    """``EVENTS`` deliveries to the receiver, dispatched and due."""
    api = Api(client)
    team = await api.team()
    await api.call("POST", "/webhooks", 201, team.write, json={"url": receiver.url()})
    for _ in range(EVENTS):
        asset = await api.asset(team)
        await api.publish(team, asset["id"], V1)
    async with app_resources(app).session_factory() as session, session.begin():
        await dispatch_outbox(session, app_resources(app).settings)


async def test_killed_worker_claims_are_taken_over_and_delivered_once(
    client: httpx.AsyncClient,
    app: FastAPI,
    receiver: HttpReceiver,
    start_worker: Callable[[], subprocess.Popen[bytes]],
) -> None:
    await _queued_events(client, app, receiver)
    # The first worker's requests get no answer (it holds its claims while it waits); later ones do.
    receiver.script(*[Reply(delay=60) for _ in range(EVENTS)])
    first = start_worker()
    _wait_for(lambda: len(receiver.requests) == EVENTS, "the first worker to send every event")
    held = await _rows(app)
    claim_of_first = {d.locked_by for d in held}
    assert len(claim_of_first) == 1 and None not in claim_of_first
    first_lease = max(d.locked_until for d in held if d.locked_until)

    # Past the lease it was given at claim time, the live worker still holds every attempt: the heartbeat
    # renewed it. A second worker started meanwhile takes nothing.
    second = start_worker()
    _wait_for(lambda: utcnow() > first_lease + timedelta(seconds=1), "the first lease to run out")
    renewed = await _rows(app)
    assert {d.locked_by for d in renewed} == claim_of_first
    assert all(d.locked_until and d.locked_until > first_lease for d in renewed)
    assert len(receiver.requests) == EVENTS

    # Killed while holding them: the second worker takes them over once the short lease runs out.
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    await _wait_rows(app, lambda rows: all(d.status == "delivered" for d in rows), "every delivery")
    second.kill()

    delivered = await _rows(app)
    assert all(d.attempts == 2 and d.locked_by is None for d in delivered)
    answered = [orjson.loads(r.body)["id"] for r in receiver.requests[EVENTS:]]
    assert sorted(answered) == sorted(d.event_id for d in delivered)  # each event once after the kill


async def test_a_worker_that_lost_its_lease_neither_renews_nor_records(
    client: httpx.AsyncClient, app: FastAPI, receiver: HttpReceiver
) -> None:
    await _queued_events(client, app, receiver)
    factory = app_resources(app).session_factory
    async with factory() as session, session.begin():
        jobs = await claim(session, utcnow(), 10, None, lease=timedelta(seconds=1), claim_id="old")
    ids = [j.delivery_id for j in jobs]
    # The old claim's lease runs out and another worker claims the attempts.
    later = utcnow() + timedelta(seconds=5)
    async with factory() as session, session.begin():
        assert len(await claim(session, later, 10, None, claim_id="new")) == EVENTS
    async with factory() as session, session.begin():
        assert await repository.renew_leases(session, ids, "old", later + timedelta(minutes=5)) == 0
        assert await repository.held_deliveries(session, ids, "old") == {}
        assert len(await repository.held_deliveries(session, ids, "new")) == EVENTS
