"""The assets list page: filters, sort, pagination, htmx partials, and a bounded number of queries."""

from __future__ import annotations

import html
import re

import httpx
from fastapi import FastAPI

from tests.helpers import BOOTSTRAP_KEY, Api, TeamCtx
from tests.ui.helpers import sign_in
from tests.ui.query_budget import count_queries

ROW = re.compile(r'<th scope="row"><a href="/assets/[^"]+"[^>]*>([^<]+)</a>')


def names(page: str) -> list[str]:
    """Asset names in table order."""
    return ROW.findall(page)


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


def link(html_text: str, rel: str) -> str:
    """The URL of the pagination link ``rel`` (next, prev) in a page."""
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', html_text)
    assert found, f"no {rel} link"
    return html.unescape(found.group(1))


async def test_sorts_and_paginates_keeping_the_filters(client: httpx.AsyncClient, api: Api) -> None:
    team = await api.team()
    await _assets(api, team, 30, "wh.a.t")
    await _assets(api, team, 2, "wh.b.other")
    await sign_in(client, BOOTSTRAP_KEY)

    first = await client.get("/assets", params={"q": "wh.a.", "sort": "-fqn"})
    assert names(first.text)[:2] == ["wh.a.t029", "wh.a.t028"] and len(names(first.text)) == 25
    assert "Showing 25 of 30" in first.text and 'rel="prev"' not in first.text
    assert 'aria-sort="descending"' in first.text
    # The page links keep the filter and the sort, and continue by cursor.
    next_url = link(first.text, "next")
    assert next_url.startswith("/assets?q=wh.a.&sort=-fqn&cursor=")
    second = await client.get(next_url)
    assert names(second.text) == [f"wh.a.t{i:03d}" for i in range(4, -1, -1)]
    assert "Showing 5 of 30" in second.text and 'rel="next"' not in second.text
    # Clicking the sorted header flips the direction and goes back to page 1.
    assert 'href="/assets?q=wh.a.&amp;sort=fqn"' in second.text
    # Previous walks back by cursor to the same first page; First drops the cursor.
    back = await client.get(link(second.text, "prev"))
    assert names(back.text) == names(first.text) and 'rel="prev"' not in back.text
    assert 'href="/assets?q=wh.a.&amp;sort=-fqn">First' in second.text
    # Older links by page number still work.
    by_number = await client.get("/assets", params={"q": "wh.a.", "sort": "-fqn", "page": "2"})
    assert names(by_number.text) == names(second.text)


async def test_a_cursor_of_another_sort_or_list_is_the_users_mistake(
    client: httpx.AsyncClient, api: Api
) -> None:
    await _assets(api, await api.team(), 30, "wh.c.t")
    await sign_in(client, BOOTSTRAP_KEY)
    first = await client.get("/assets", params={"q": "wh.c.", "sort": "-fqn"})
    cursor = link(first.text, "next").split("cursor=")[1]
    other_sort = await client.get("/assets", params={"q": "wh.c.", "sort": "fqn", "cursor": cursor})
    assert other_sort.status_code == 422 and "<code>invalid_cursor</code>" in other_sort.text
    garbage = await client.get("/assets", params={"cursor": "x" * 3000})
    assert garbage.status_code == 422 and "<code>invalid_cursor</code>" in garbage.text


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
