"""The assets list page: filters, sort, pagination, htmx partials, and a bounded number of queries."""

from __future__ import annotations

import re

import httpx
from fastapi import FastAPI

from tests.helpers import BOOTSTRAP_KEY, Api, TeamCtx
from tests.ui.helpers import sign_in
from tests.ui.query_budget import count_queries

ROW = re.compile(r'<th scope="row"><a href="/assets/[^"]+"[^>]*>([^<]+)</a>')


def names(html: str) -> list[str]:
    """Asset names in table order."""
    return ROW.findall(html)


async def _assets(api: Api, owner: TeamCtx, count: int, prefix: str = "wh.sales.t", **extra: object) -> None:
    for i in range(count):
        await api.asset(owner, f"{prefix}{i:03d}", **extra)


async def test_filters_by_name_owner_and_kind(client: httpx.AsyncClient, api: Api) -> None:
    sales, finance = await api.team("sales"), await api.team("finance")
    await _assets(api, sales, 2, "wh.sales.orders_")
    await _assets(api, finance, 1, "wh.finance.orders_", resource_type="view")
    await _assets(api, finance, 1, "wh.finance.ledger_")
    await sign_in(client, BOOTSTRAP_KEY)

    assert len(names((await client.get("/assets")).text)) == 4
    assert names((await client.get("/assets", params={"q": "ledger"})).text) == ["wh.finance.ledger_000"]
    # Case is ignored on both databases (PostgreSQL's LIKE alone would not).
    assert names((await client.get("/assets", params={"q": "LEDGER"})).text) == ["wh.finance.ledger_000"]
    by_owner = (await client.get("/assets", params={"owner": sales.id})).text
    assert names(by_owner) == ["wh.sales.orders_000", "wh.sales.orders_001"]
    assert f'<option value="{sales.id}" selected>sales</option>' in by_owner
    assert names((await client.get("/assets", params={"kind": "view"})).text) == ["wh.finance.orders_000"]
    none = (await client.get("/assets", params={"q": "nothing-like-this"})).text
    assert "No assets match" in none and "Clear filters" in none


async def test_sorts_and_paginates_keeping_the_filters(client: httpx.AsyncClient, api: Api) -> None:
    team = await api.team()
    await _assets(api, team, 30, "wh.a.t")
    await _assets(api, team, 2, "wh.b.other")
    await sign_in(client, BOOTSTRAP_KEY)

    first = await client.get("/assets", params={"q": "wh.a.", "sort": "-fqn"})
    assert names(first.text)[:2] == ["wh.a.t029", "wh.a.t028"] and len(names(first.text)) == 25
    assert "Showing 1–25 of 30" in first.text
    assert 'aria-sort="descending"' in first.text
    # The page links keep the filter and the sort.
    assert 'href="/assets?q=wh.a.&amp;sort=-fqn&amp;page=2"' in first.text
    second = await client.get("/assets", params={"q": "wh.a.", "sort": "-fqn", "page": "2"})
    assert names(second.text) == [f"wh.a.t{i:03d}" for i in range(4, -1, -1)]
    assert "Showing 26–30 of 30" in second.text
    # Clicking the sorted header flips the direction and goes back to page 1.
    assert 'href="/assets?q=wh.a.&amp;sort=fqn"' in second.text


async def test_htmx_gets_only_the_results_block(client: httpx.AsyncClient, api: Api) -> None:
    await _assets(api, await api.team(), 1)
    await sign_in(client, BOOTSTRAP_KEY)
    partial = await client.get("/assets", headers={"HX-Request": "true", "HX-Target": "results"})
    assert partial.status_code == 200
    assert "<table>" in partial.text and "<html" not in partial.text and "<form" not in partial.text


async def test_bad_list_parameters_are_explained(client: httpx.AsyncClient) -> None:
    await sign_in(client, BOOTSTRAP_KEY)
    for params, code in [
        ({"page": "0"}, "invalid_page"),
        ({"sort": "secret_hash"}, "invalid_sort"),
        ({"owner": "not-a-team"}, "invalid_filter"),
        ({"kind": "spaceship"}, "invalid_filter"),
    ]:
        response = await client.get("/assets", params=params)
        assert response.status_code == 422, params
        assert f"<code>{code}</code>" in response.text


async def test_the_page_costs_the_same_queries_whatever_the_data_size(
    client: httpx.AsyncClient, api: Api, app: FastAPI
) -> None:
    await sign_in(client, BOOTSTRAP_KEY)
    owners = [await api.team() for _ in range(3)]
    await _assets(api, owners[0], 2, "wh.small.t")
    async with count_queries(app) as small:
        assert (await client.get("/assets")).status_code == 200
    for owner in owners:
        await _assets(api, owner, 15, f"wh.{owner.name}.t")
    async with count_queries(app) as large:
        assert (await client.get("/assets")).status_code == 200
    assert small.total == large.total, large.statements
    assert large.total <= 4
