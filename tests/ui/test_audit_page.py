"""The audit log page: filters, time order, readable details, links to targets, bounded queries."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI

from tessera.ui.pages.audit import detail_items, target_link
from tests.helpers import BOOTSTRAP_KEY, Api
from tests.ui.helpers import raw_key, sign_in
from tests.ui.query_budget import count_queries

ACTION = re.compile(r'<th scope="row"><code>([a-z_.]+)</code></th>')


def actions(html: str) -> list[str]:
    """Actions in table order."""
    return ACTION.findall(html)


async def test_filters_by_action_family_target_type_and_actor(client: httpx.AsyncClient, api: Api) -> None:
    team = await api.team("audited")
    asset = await api.asset(team, "wh.audit.t1")
    await sign_in(client, BOOTSTRAP_KEY)

    by_family = (await client.get("/audit", params={"action": "asset.*"})).text
    assert actions(by_family) == ["asset.created"]
    assert f'href="/assets/{asset["id"]}"' in by_family
    assert f'<a href="/teams/{team.id}">audited</a>' in by_family  # the actor: the team's write key
    teams_only = actions((await client.get("/audit", params={"target_type": "team"})).text)
    assert teams_only == ["team.created"]
    by_actor = actions((await client.get("/audit", params={"actor": team.id})).text)
    assert by_actor == ["asset.created"]
    # "_" is literal: "asset_.*" would match "asset.created" if it were a LIKE wildcard.
    assert "No events match" in (await client.get("/audit", params={"action": "asset_.*"})).text


async def test_date_range_and_time_order(client: httpx.AsyncClient, api: Api) -> None:
    await api.team()
    await api.team()
    await sign_in(client, BOOTSTRAP_KEY)
    today = datetime.now(UTC).date()
    newest = actions((await client.get("/audit", params={"since": today.isoformat()})).text)
    oldest = actions((await client.get("/audit", params={"sort": "occurred_at"})).text)
    assert newest and newest == list(reversed(oldest))
    assert newest[-1] == "team.created"
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert "No events match" in (await client.get("/audit", params={"since": tomorrow})).text
    yesterday = (today - timedelta(days=1)).isoformat()
    assert "No events match" in (await client.get("/audit", params={"until": yesterday})).text
    assert actions((await client.get("/audit", params={"until": today.isoformat()})).text) == newest
    for params in ({"since": "yesterday"}, {"since": tomorrow, "until": yesterday}, {"target_type": "x"}):
        bad = await client.get("/audit", params=params)
        assert bad.status_code == 422 and "<code>invalid_filter</code>" in bad.text


async def test_details_are_key_value_pairs(client: httpx.AsyncClient, api: Api) -> None:
    team = await api.team("detailed")
    await sign_in(client, BOOTSTRAP_KEY)
    html = (await client.get("/audit", params={"target_type": "team", "actor": ""})).text
    assert "<dt>name</dt><dd>detailed</dd>" in html
    assert f'href="/teams/{team.id}"' in html


def test_detail_values_are_readable_and_linked() -> None:
    items = detail_items({"scopes": ["read", "write"], "asset_id": "a1", "extra": {"b": 1}, "none": None})
    assert items == [
        {"key": "asset id", "value": "a1", "link": "/assets/a1"},
        {"key": "extra", "value": '{"b": 1}', "link": None},
        {"key": "none", "value": "—", "link": None},
        {"key": "scopes", "value": "read, write", "link": None},
    ]
    assert target_link("proposal", "p1") == "/proposals/p1"
    assert target_link("api_key", "k") == "/keys" and target_link("user", "u") is None


async def test_a_read_key_sees_the_log_like_the_api(client: httpx.AsyncClient, api: Api) -> None:
    team = await api.team()
    await sign_in(client, raw_key(team.read))
    assert (await client.get("/audit")).status_code == 200


async def test_the_page_costs_the_same_queries_whatever_the_data_size(
    client: httpx.AsyncClient, api: Api, app: FastAPI
) -> None:
    await api.team()
    await sign_in(client, BOOTSTRAP_KEY)
    async with count_queries(app) as small:
        assert (await client.get("/audit")).status_code == 200
    for _ in range(5):
        team = await api.team()
        for i in range(4):
            await api.asset(team, f"wh.{team.name}.t{i}")
    async with count_queries(app) as large:
        assert (await client.get("/audit")).status_code == 200
    assert small.total == large.total, large.statements
    assert large.total <= 4
