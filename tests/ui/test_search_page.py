"""The search page: assets, columns with the teams reading them, teams; literal wildcards; bounded queries."""

from __future__ import annotations

import re
from html import unescape

import httpx
from fastapi import FastAPI

from tessera.search.service import Reader, readers_of
from tests.helpers import BOOTSTRAP_KEY, Api, record_schema, shared_asset
from tests.ui.helpers import sign_in
from tests.ui.query_budget import count_queries

COLUMN_ROW = re.compile(
    r'<th scope="row"><code>([^<]+)</code></th>\s*<td><a href="/assets/[^"]+">([^<]+)</a>'
)


def section(html: str, heading_id: str) -> str:
    """The HTML of one result section."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    end = html.find("</section>", start)
    return html[start:end]


async def test_who_reads_a_column(client: httpx.AsyncClient, api: Api) -> None:
    schema = record_schema({"id": "integer", "customer_email": "string", "total": "number"})
    s = await shared_asset(
        api,
        schema,
        consumers=3,
        register_with=[{"columns": ["customer_email"]}, {"columns": ["total"]}],
        asset_fields={"fqn": "wh.shop.orders"},
    )
    email_reader, total_reader, whole_reader = s.consumers
    await sign_in(client, BOOTSTRAP_KEY)

    html = (await client.get("/search", params={"q": "EMAIL"})).text
    columns = section(html, "h-columns")
    assert COLUMN_ROW.findall(columns) == [("customer_email", "wh.shop.orders")]
    assert email_reader.name in columns and whole_reader.name in columns
    assert total_reader.name not in columns  # its registration names other columns
    assert "(whole asset)" in columns
    assert s.owner.name in columns


async def test_assets_by_description_and_teams_by_name(client: httpx.AsyncClient, api: Api) -> None:
    team = await api.team("payments-core")
    await api.asset(team, "wh.pay.ledger", description="Every settled payment")
    await api.asset(team, "wh.pay.refunds")
    await sign_in(client, BOOTSTRAP_KEY)

    html = (await client.get("/search", params={"q": "settled"})).text
    assert "wh.pay.ledger" in section(html, "h-assets") and "wh.pay.refunds" not in html
    teams = section((await client.get("/search", params={"q": "PAYMENTS"})).text, "h-teams")
    assert f'href="/teams/{team.id}">payments-core</a>' in teams


async def test_like_wildcards_are_literal(client: httpx.AsyncClient, api: Api) -> None:
    team = await api.team()
    plain = await api.asset(team, "wh.x.orders_2024")
    await api.publish(team, plain["id"], record_schema({"a_b": "string", "axb": "string", "pct%": "number"}))
    await api.asset(team, "wh.x.ordersX2024")
    await sign_in(client, BOOTSTRAP_KEY)

    underscore = (await client.get("/search", params={"q": "orders_"})).text
    assert "wh.x.orders_2024" in underscore and "wh.x.ordersX2024" not in underscore
    columns = section((await client.get("/search", params={"q": "a_b"})).text, "h-columns")
    assert [c for c, _ in COLUMN_ROW.findall(columns)] == ["a_b"]
    percent = section((await client.get("/search", params={"q": "%"})).text, "h-columns")
    assert [c for c, _ in COLUMN_ROW.findall(percent)] == ["pct%"]


async def test_columns_with_characters_json_escapes_are_found(client: httpx.AsyncClient, api: Api) -> None:
    team = await api.team()
    asset = await api.asset(team, "wh.x.odd")
    await api.publish(team, asset["id"], record_schema({'say"hi': "string", "naïve_score": "number"}))
    await sign_in(client, BOOTSTRAP_KEY)
    for text, column in [('y"h', "say&#34;hi"), ("ïve_sc", "naïve_score")]:
        html = section((await client.get("/search", params={"q": text})).text, "h-columns")
        assert [c for c, _ in COLUMN_ROW.findall(html)] == [column], text


async def test_only_current_contracts_count(client: httpx.AsyncClient, api: Api) -> None:
    s = await shared_asset(api, record_schema({"id": "integer", "legacy_flag": "string"}), consumers=0)
    await api.publish(s.owner, s.asset["id"], record_schema({"id": "integer"}))  # no consumer: publishes
    await sign_in(client, BOOTSTRAP_KEY)
    html = (await client.get("/search", params={"q": "legacy_flag"})).text
    assert COLUMN_ROW.findall(section(html, "h-columns")) == []


async def test_sections_page_independently(client: httpx.AsyncClient, api: Api) -> None:
    team = await api.team()
    for i in range(27):
        await api.asset(team, f"wh.many.t{i:02d}")
    await sign_in(client, BOOTSTRAP_KEY)
    first = (await client.get("/search", params={"q": "wh.many"})).text
    assert "Showing 25 of 27" in section(first, "h-assets")
    found = re.search(r'<a href="(/search\?q=wh\.many&amp;assets_cursor=[^"]+)" rel="next">', first)
    assert found
    second = (await client.get(unescape(found.group(1)))).text
    assert "Showing 2 of 27" in section(second, "h-assets")
    by_number = (await client.get("/search", params={"q": "wh.many", "assets_page": "2"})).text
    assert "Showing 2 of 27" in section(by_number, "h-assets")
    back = re.search(r'<a href="([^"]+)" rel="prev">', section(second, "h-assets"))
    assert back and "assets_cursor=" in back.group(1)
    again = (await client.get(unescape(back.group(1)))).text
    assert section(again, "h-assets") == section(first, "h-assets")
    bad = await client.get("/search", params={"q": "x", "teams_page": "0"})
    assert bad.status_code == 422 and "<code>invalid_page</code>" in bad.text
    long = await client.get("/search", params={"q": "x" * 201})
    assert long.status_code == 422 and "<code>query_too_long</code>" in long.text


async def test_each_section_sorts_by_name_either_way(client: httpx.AsyncClient, api: Api) -> None:
    schema = record_schema({"zone_code": "string", "area_code": "string"})
    team = await api.team("code-owners")
    for fqn in ("wh.code.alpha", "wh.code.beta"):
        await api.asset(team, fqn)
    await shared_asset(api, schema, asset_fields={"fqn": "wh.geo.places"})
    await sign_in(client, BOOTSTRAP_KEY)

    html = (await client.get("/search", params={"q": "code", "assets_sort": "-fqn", "teams_page": "1"})).text
    assets = section(html, "h-assets")
    assert assets.index("wh.code.beta") < assets.index("wh.code.alpha")
    assert 'aria-sort="descending"' in assets
    columns = section(html, "h-columns")  # the other sections keep their order
    assert [c for c, _ in COLUMN_ROW.findall(columns)] == ["area_code", "zone_code"]
    assert (
        'href="/search?q=code&amp;assets_sort=-fqn&amp;teams_page=1&amp;columns_sort=-column#h-columns"'
        in columns
    )
    flipped = section(
        (await client.get("/search", params={"q": "code", "columns_sort": "-column"})).text, "h-columns"
    )
    assert [c for c, _ in COLUMN_ROW.findall(flipped)] == ["zone_code", "area_code"]
    bad = await client.get("/search", params={"q": "code", "teams_sort": "description"})
    assert bad.status_code == 422 and "<code>invalid_sort</code>" in bad.text


async def test_an_empty_query_shows_the_form_only(client: httpx.AsyncClient) -> None:
    await sign_in(client, BOOTSTRAP_KEY)
    html = (await client.get("/search")).text
    assert 'id="search-q"' in html and "h-columns" not in html


async def test_a_read_key_may_search(client: httpx.AsyncClient, api: Api) -> None:
    team = await api.team()
    await sign_in(client, team.read["Authorization"].removeprefix("Bearer "))
    assert (await client.get("/search", params={"q": "x"})).status_code == 200


async def test_search_costs_the_same_queries_whatever_the_data_size(
    client: httpx.AsyncClient, api: Api, app: FastAPI
) -> None:
    await sign_in(client, BOOTSTRAP_KEY)
    await shared_asset(api, record_schema({"id": "integer", "email": "string"}), consumers=1)
    async with count_queries(app) as small:
        assert (await client.get("/search", params={"q": "e"})).status_code == 200
    for _ in range(4):
        await shared_asset(
            api, record_schema({"id": "integer", "email": "string", "email_2": "string"}), consumers=3
        )
    async with count_queries(app) as large:
        assert (await client.get("/search", params={"q": "e"})).status_code == 200
    assert small.total == large.total, large.statements
    assert large.total <= 8


class _Reg:
    def __init__(self, team: str, columns: list[str]) -> None:
        self.consumer_team_id = team
        self.columns = columns


def test_readers_follow_registration_columns() -> None:
    names = {"a": "Alpha", "b": "beta", "c": "Gamma"}
    regs = [_Reg("c", []), _Reg("a", ["email"]), _Reg("b", ["id"]), _Reg("gone", [])]
    assert readers_of("email", regs, names) == [  # type: ignore[arg-type]
        Reader("a", "Alpha", whole_asset=False),  # type: ignore[arg-type]
        Reader("c", "Gamma", whole_asset=True),  # type: ignore[arg-type]
    ]
