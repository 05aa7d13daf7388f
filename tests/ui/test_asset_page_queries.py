"""The asset page's tabs and the comparison cost the same number of queries with little and much data."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tests.helpers import BOOTSTRAP_KEY, Api
from tests.ui.asset_world import World, add_versions, link, orders_world, quality_run
from tests.ui.helpers import sign_in
from tests.ui.query_budget import count_queries

TABS = ("", "/versions", "/consumers", "/lineage", "/quality", "/audit", "/compare", "/compare?from=1.0.0")
# Every tab: the session and key (3), the header (asset, version, owner, steward, open proposal) and at
# most a few statements for its own data.
CEILING = 14


async def _costs(client: httpx.AsyncClient, app: FastAPI, asset_id: str) -> dict[str, int]:
    costs = {}
    for tab in TABS:
        async with count_queries(app) as counted:
            response = await client.get(f"/assets/{asset_id}{tab}")
        assert response.status_code == 200, (tab, response.text)
        costs[tab] = counted.total
    return costs


async def _grow(api: Api, world: World) -> None:
    """30 more versions, consumers, runs; 20 assets upstream and downstream at each of 3 levels."""
    await add_versions(api, world, 30)
    for _ in range(30):
        await api.register(await api.team(), world.id)
    for i in range(30):
        await quality_run(api, world.owner, world.id, "passed" if i % 3 else "failed")
    previous_up = previous_down = world.id
    for level in range(3):
        ups = [await api.asset(world.owner, f"wh.up{level}.t{i:02d}") for i in range(20)]
        downs = [await api.asset(world.owner, f"wh.down{level}.t{i:02d}") for i in range(20)]
        for up in ups:
            await link(api, world.owner, previous_up, up["id"])
        for down in downs:
            await link(api, world.owner, down["id"], previous_down)
        previous_up, previous_down = ups[0]["id"], downs[0]["id"]


async def test_each_tab_costs_a_fixed_number_of_queries(
    client: httpx.AsyncClient, api: Api, app: FastAPI
) -> None:
    world = await orders_world(api, propose=False)
    # A little lineage: one asset two levels up and two levels down (the walk reads every level).
    chain = [await api.asset(world.owner, f"wh.chain.t{i}") for i in range(4)]
    await link(api, world.owner, world.id, chain[0]["id"])
    await link(api, world.owner, chain[0]["id"], chain[1]["id"])
    await link(api, world.owner, chain[2]["id"], world.id)
    await link(api, world.owner, chain[3]["id"], chain[2]["id"])
    await sign_in(client, BOOTSTRAP_KEY)
    small = await _costs(client, app, world.id)
    await _grow(api, world)
    large = await _costs(client, app, world.id)
    assert small == large
    assert max(large.values()) <= CEILING, large
