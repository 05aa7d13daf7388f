"""Delivery status is one of the DeliveryStatus values: the API filter and the database both say so."""

from __future__ import annotations

import uuid

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.base import WORKFLOW, utcnow
from tessera.db.models import WebhookDelivery
from tessera.enums import DeliveryChannel, DeliveryStatus
from tessera.resources import app_resources
from tessera.worker.channels import Channels
from tessera.worker.runner import sweep_once
from tests.assertions import assert_error
from tests.helpers import Api, record_schema, shared_asset
from tests.notifications.receivers import HttpReceiver, Reply

BREAKING = record_schema({"id": "integer"})


def _row(status: str = "pending", channel: str = "webhook") -> dict[str, object]:
    now = utcnow()
    return {
        "id": uuid.uuid4(),
        "webhook_id": None,
        "channel": channel,
        "target": "https://example.com/hook",
        "event_id": f"evt_{uuid.uuid4().hex}",
        "event_type": "proposal.created",
        "payload": {},
        "status": status,
        "attempts": 0,
        "history": [],
        "created_at": now,
        "updated_at": now,
    }


@pytest.mark.parametrize("bad", [{"status": "sent"}, {"channel": "sms"}], ids=["status", "channel"])
async def test_the_database_refuses_an_unknown_status_or_channel(
    session: AsyncSession, bad: dict[str, str]
) -> None:
    # The same table with plain string columns, so the CHECK constraints (not SQLAlchemy) are tested.
    columns = WebhookDelivery.__table__.columns
    table = sa.Table(
        "webhook_deliveries",
        sa.MetaData(),
        *(sa.Column(c.name, sa.String() if c.name in ("status", "channel") else c.type) for c in columns),
        schema=WORKFLOW,
    )
    await session.execute(sa.insert(table).values(_row(DeliveryStatus.PAUSED, DeliveryChannel.SLACK)))
    with pytest.raises(IntegrityError):
        await session.execute(sa.insert(table).values(_row(**bad)))
    await session.rollback()
    assert (await session.execute(sa.select(sa.func.count()).select_from(table))).scalar_one() == 0


async def test_deliveries_filter_by_status_and_refuse_unknown_ones(
    client: httpx.AsyncClient, app: FastAPI, settings: object
) -> None:
    receiver = HttpReceiver().start()
    channels = Channels(app_resources(app).settings)
    try:
        api = Api(client)
        s = await shared_asset(api)
        owner, consumer, asset = s.owner, s.consumer, s.asset
        hook = await api.call("POST", "/webhooks", 201, consumer.write, json={"url": receiver.url()})
        receiver.default = Reply(status=410)
        await api.publish(owner, asset["id"], BREAKING, expect=202)
        for _ in range(3):
            await sweep_once(app_resources(app).session_factory, app_resources(app).settings, channels)
    finally:
        await channels.aclose()
        receiver.stop()
    url = f"/webhooks/{hook['id']}/deliveries"
    failed = await api.call("GET", url, 200, consumer.read, params={"status": "failed"})
    assert failed["total"] >= 1
    assert {d["status"] for d in failed["items"]} == {"failed"}
    delivered = await api.call("GET", url, 200, consumer.read, params={"status": "delivered"})
    assert delivered["total"] == 0
    resp = await client.get(f"/api/v1{url}", headers=consumer.read, params={"status": "sent"})
    assert_error(resp, 422, "validation_error")
