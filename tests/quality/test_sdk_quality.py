"""The async SDK's ``client.quality`` against the real app (in-process transport)."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tessera_sdk import AsyncTesseraClient
from tests.helpers import Api
from tests.quality.artifacts import BUILD, MANIFEST, SOURCES


async def test_async_client_uploads_results_and_reads_guarantees(api: Api, app: FastAPI) -> None:
    owner = await api.team()
    orders = await api.asset(owner, "quality.main.orders")
    await api.asset(owner, "quality.feeds.stale_feed")
    key = owner.write["Authorization"].removeprefix("Bearer ")
    transport = httpx.ASGITransport(app=app)
    async with AsyncTesseraClient("http://tessera.test", key, transport=transport) as client:
        recorded = await client.quality.dbt_results(BUILD, MANIFEST)
        assert [r.fqn for r in recorded.recorded] == ["quality.main.orders"]
        assert "quality.main.orders / accepted_values:status" in recorded.failed
        fresh = await client.quality.dbt_freshness(SOURCES, MANIFEST)
        assert fresh.failed == ["quality.feeds.stale_feed / freshness"]
        health = await client.quality.guarantees(orders["id"])
        status = {g.guarantee: g.status for g in health.guarantees}
        assert status["accepted_values:status"] == "failed" and status["not_null:coupon_code"] == "warned"
        again = await client.quality.dbt_results(BUILD.read_bytes(), MANIFEST.read_bytes())
        assert again.recorded[0].duplicate is True
