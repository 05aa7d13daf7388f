"""The asset page: header, current contract, versions, consumers, lineage, quality, audit; bad input."""

from __future__ import annotations

import html as htmllib
import json
import re

import httpx

from tests.helpers import ADMIN, BOOTSTRAP_KEY, Api
from tests.quality.gx_results import validation_result
from tests.ui.asset_world import add_versions, link, orders_world, quality_run
from tests.ui.helpers import raw_key, sign_in


def text_of(html: str) -> str:
    """The page's text with tags removed and spaces collapsed (for readable assertions)."""
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


async def test_overview_shows_the_header_and_the_current_contract(
    client: httpx.AsyncClient, api: Api
) -> None:
    world = await orders_world(api)
    await sign_in(client, BOOTSTRAP_KEY)
    response = await client.get(f"/assets/{world.id}")
    assert response.status_code == 200
    html, text = response.text, text_of(response.text)
    assert "<h1>wh.sales.orders</h1>" in html
    # Owner with contact, steward with contacts, modes, tags, description.
    assert f'<a href="/teams/{world.owner.id}">{world.owner.name}</a> · #sales-data' in html
    assert f'<a href="mailto:{world.steward["email"]}">' in html and "Slack U024BE7LH" in text
    assert "<code>backward</code>" in html and "<code>notify</code>" in html
    assert '<span class="tag">pii</span>' in html and "One row per order." in text
    # The open proposal's banner links to it; the actions are there.
    proposal = (await api.call("GET", f"/proposals?asset_id={world.id}", 200, ADMIN))["items"][0]
    assert f'href="/proposals/{proposal["id"]}"' in html and "0 of 1 team answered" in text
    assert f'href="/assets/{world.id}/check">Check a change' in html
    assert f'href="/assets/{world.id}/compare">Compare versions' in html
    # The current contract (1.1.0: the breaking 3rd version waits) as a table of columns.
    assert "version 1.1.0" in text
    rows = re.findall(r"<tr>\s*<th scope=\"row\"><code>(\w+)</code>", html)
    assert rows == ["order_id", "email", "status", "customer_id", "amount"]
    assert "The order's key" in text
    assert "not null" in text and "unique" in text
    assert 'accepted values: "placed", "shipped"' in text
    assert "relationship: wh.core.customers.id" in text
    email_row = html[html.index("<code>email</code>") :].split("</tr>")[0]
    assert "(optional)" in email_row and "<td>yes</td>" in email_row
    # Table guarantees: freshness and volume.
    assert "Freshness: warn after" in text and "12h" in text and "1,000 rows" in text


async def test_an_asset_without_contract_says_so(client: httpx.AsyncClient, api: Api) -> None:
    owner = await api.team()
    asset = await api.asset(owner, "wh.empty.table")
    await sign_in(client, raw_key(owner.read))
    text = text_of((await client.get(f"/assets/{asset['id']}")).text)
    assert "No contract yet" in text and "no contract yet" in text


def next_link(page: str, rel: str = "next") -> str:
    """The URL of a page's pagination link ``rel`` (next, prev)."""
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', page)
    assert found, f"no {rel} link"
    return htmllib.unescape(found.group(1))


async def test_versions_link_each_to_its_predecessor_and_page(client: httpx.AsyncClient, api: Api) -> None:
    world = await orders_world(api, propose=False)
    await add_versions(api, world, 26)  # 28 versions: 1.0.0 ... 1.27.0
    await sign_in(client, BOOTSTRAP_KEY)
    first = await client.get(f"/assets/{world.id}/versions")
    assert first.status_code == 200
    versions = re.findall(r'<th scope="row">([\d.]+)</th>', first.text)
    assert versions[:2] == ["1.27.0", "1.26.0"] and len(versions) == 25
    assert "from=1.26.0&amp;to=1.27.0" in first.text
    # The last row of page 1 links to the first row of page 2.
    assert "from=1.2.0&amp;to=1.3.0" in first.text
    second = await client.get(f"/assets/{world.id}/versions", params={"page": "2"})
    assert re.findall(r'<th scope="row">([\d.]+)</th>', second.text) == ["1.2.0", "1.1.0", "1.0.0"]
    assert "from=1.0.0&amp;to=1.1.0" in second.text and "first version" in second.text
    oldest = await client.get(f"/assets/{world.id}/versions", params={"sort": "published_at", "page": "2"})
    assert re.findall(r'<th scope="row">([\d.]+)</th>', oldest.text)[0] == "1.25.0"
    assert "from=1.24.0&amp;to=1.25.0" in oldest.text
    # The Next and Previous links (cursors) lead to the same pages.
    by_cursor = await client.get(next_link(first.text))
    assert by_cursor.text.count('<th scope="row">') == 3 and "from=1.0.0&amp;to=1.1.0" in by_cursor.text
    back = await client.get(next_link(by_cursor.text, "prev"))
    assert re.findall(r'<th scope="row">([\d.]+)</th>', back.text) == versions
    oldest_first = await client.get(f"/assets/{world.id}/versions", params={"sort": "published_at"})
    oldest_next = await client.get(next_link(oldest_first.text))
    assert re.findall(r'<th scope="row">([\d.]+)</th>', oldest_next.text)[0] == "1.25.0"
    assert "from=1.24.0&amp;to=1.25.0" in oldest_next.text
    active = await client.get(f"/assets/{world.id}/versions", params={"status": "active"})
    assert re.findall(r'<th scope="row">([\d.]+)</th>', active.text) == ["1.27.0"]
    assert "compare?to=1.27.0" in active.text


async def test_consumers_show_the_columns_they_read(client: httpx.AsyncClient, api: Api) -> None:
    world = await orders_world(api)
    others = [await api.team() for _ in range(2)]
    for team in others:
        await api.register(team, world.id)
    await sign_in(client, BOOTSTRAP_KEY)
    html = (await client.get(f"/assets/{world.id}/consumers")).text
    assert f'<a href="/teams/{world.consumer.id}">{world.consumer.name}</a>' in html
    row = html[html.index(world.consumer.name) :].split("</tr>")[0]
    assert "<code>email</code>" in row and "weekly churn report" in row
    assert "Showing 3 of 3" in html
    oldest = (await client.get(f"/assets/{world.id}/consumers", params={"sort": "created_at"})).text
    assert oldest.index(world.consumer.name) < oldest.index(others[0].name)

    named = await api.team("Fin_Ops")
    await api.register(named, world.id)
    found = (await client.get(f"/assets/{world.id}/consumers", params={"q": "fin_o"})).text
    assert "Showing 1 of 1" in found and f'<a href="/teams/{named.id}">Fin_Ops</a>' in found
    literal = (await client.get(f"/assets/{world.id}/consumers", params={"q": "n_o"})).text
    assert "Showing 1 of 1" in literal  # "_" is a character, not a wildcard
    none = (await client.get(f"/assets/{world.id}/consumers", params={"q": "zzz"})).text
    assert "No consumer team matches" in none


async def test_lineage_graph_and_lists_are_bounded(client: httpx.AsyncClient, api: Api) -> None:
    world = await orders_world(api, propose=False)
    owner = world.owner
    raw = await api.asset(owner, "wh.raw.orders")
    await link(api, owner, world.id, raw["id"])
    readers = [await api.asset(owner, f"wh.marts.reader_{i:02d}") for i in range(10)]
    for reader in readers:
        await link(api, owner, reader["id"], world.id)
    second = await api.asset(owner, "wh.marts.second_level")
    await link(api, owner, second["id"], readers[0]["id"])
    third = await api.asset(owner, "wh.marts.third_level")
    await link(api, owner, third["id"], second["id"])
    await sign_in(client, BOOTSTRAP_KEY)
    html = (await client.get(f"/assets/{world.id}/lineage")).text
    svg = html[html.index("<svg") : html.index("</svg>")]
    # Nodes are links to the neighbours' lineage; 8 readers drawn at level 1, the other 2 counted.
    assert f'href="/assets/{raw["id"]}/lineage"' in svg
    assert f'href="/assets/{readers[0]["id"]}/lineage"' in svg
    assert f'href="/assets/{readers[9]["id"]}/lineage"' not in svg
    assert "2 more" in svg and svg.count('<path class="edge"') == 1 + 8 + 1
    assert f'href="/assets/{second["id"]}/lineage"' in svg and "third_level" not in svg
    text = text_of(html)
    assert "2 more at level 1 not shown." in text and "1 more beyond 2 levels." in text
    lists = html[html.index('class="lineage-lists"') :]
    assert f'<a href="/assets/{raw["id"]}">wh.raw.orders</a>' in lists
    # A deleted neighbour is gone from the graph and the lists.
    await api.call("DELETE", f"/assets/{raw['id']}", 204, owner.write)
    after = (await client.get(f"/assets/{world.id}/lineage")).text
    assert raw["id"] not in after and "wh.raw.orders" not in after


async def test_quality_trend_and_runs(client: httpx.AsyncClient, api: Api) -> None:
    world = await orders_world(api, propose=False)
    await quality_run(api, world.owner, world.id, "passed", run_id="run-1")
    await quality_run(
        api,
        world.owner,
        world.id,
        "failed",
        run_id="run-2",
        results=[{"guarantee": "not_null:order_id", "status": "failed", "message": "3 nulls"}],
    )
    await sign_in(client, BOOTSTRAP_KEY)
    html = (await client.get(f"/assets/{world.id}/quality")).text
    assert '<svg class="sparkline"' in html and "<polyline points=" in html
    assert "50% of 2 runs passed" in text_of(html)
    assert "run-1" in html and "<code>not_null:order_id</code>" in html and "3 nulls" in html
    failed = (await client.get(f"/assets/{world.id}/quality", params={"status": "failed"})).text
    assert "run-2" in failed and "run-1" not in failed


async def test_quality_tab_shows_uploaded_results_whose_checks_have_no_message(
    client: httpx.AsyncClient, api: Api
) -> None:
    world = await orders_world(api, propose=False)
    body = json.dumps(validation_result()).encode()  # real Great Expectations: unmet checks carry no message
    uploaded = await client.post(
        "/api/v1/quality/great-expectations/results",
        content=body,
        params={"asset_fqn": "wh.sales.orders"},
        headers=world.owner.write,
    )
    assert uploaded.status_code == 200, uploaded.text
    await sign_in(client, BOOTSTRAP_KEY)
    response = await client.get(f"/assets/{world.id}/quality")
    assert response.status_code == 200
    runs = response.text.split('class="runs"')[1].split("</table>")[0]
    assert "<code>unique:order_id</code>" in runs and "<code>freshness</code>" in runs
    assert "great_expectations" in runs


async def test_quality_tab_shows_each_guarantee_since_when_and_its_last_runs(
    client: httpx.AsyncClient, api: Api
) -> None:
    world = await orders_world(api, propose=False)
    for status in ("failed", "passed", "failed", "failed"):
        results = [
            {
                "guarantee": "unique:order_id",
                "status": status,
                "failing_rows": 4 if status == "failed" else 0,
            },
            {"guarantee": "freshness", "status": "warned"},
        ]
        await quality_run(api, world.owner, world.id, status, results=results)
    await sign_in(client, BOOTSTRAP_KEY)
    html = (await client.get(f"/assets/{world.id}/quality")).text
    assert "unreliable" in html and "fails 3 of the last 4 runs" in html
    assert '<span class="run-dot run-failed" title="failed at' in html
    assert html.count('class="run-dot run-warned"') == 4
    assert "<code>unique:order_id</code>" in html and "<code>freshness</code>" in html
    guarantees = html.split('class="guarantee-health"')[1].split("</table>")[0]
    assert guarantees.index("<code>freshness</code>") < guarantees.index("<code>unique:order_id</code>")
    assert "<time datetime=" in guarantees  # since when


async def test_audit_events_filter_by_action(client: httpx.AsyncClient, api: Api) -> None:
    world = await orders_world(api, propose=False)
    await quality_run(api, world.owner, world.id, "passed")
    await sign_in(client, BOOTSTRAP_KEY)
    html = (await client.get(f"/assets/{world.id}/audit")).text
    assert "<code>asset.created</code>" in html and "<code>quality_run.recorded</code>" in html
    only = (await client.get(f"/assets/{world.id}/audit", params={"action": "quality_run.*"})).text
    assert "<code>quality_run.recorded</code>" in only and "<code>asset.created</code>" not in only


async def test_a_read_key_sees_the_page(client: httpx.AsyncClient, api: Api) -> None:
    world = await orders_world(api)
    outsider = await api.team()
    await sign_in(client, raw_key(outsider.read))
    for tab in ("", "/versions", "/consumers", "/lineage", "/quality", "/audit", "/compare"):
        assert (await client.get(f"/assets/{world.id}{tab}")).status_code == 200, tab


async def test_bad_requests_are_explained(client: httpx.AsyncClient, api: Api) -> None:
    world = await orders_world(api)
    await sign_in(client, BOOTSTRAP_KEY)
    missing = await client.get("/assets/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404 and "<code>asset_not_found</code>" in missing.text
    assert (await client.get("/assets/not-an-id/versions")).status_code == 422
    for path, params, code in [
        ("versions", {"status": "retired"}, "invalid_filter"),
        ("versions", {"sort": "version"}, "invalid_sort"),
        ("quality", {"status": "green"}, "invalid_filter"),
        ("consumers", {"page": "0"}, "invalid_page"),
        ("audit", {"page": "x"}, "invalid_page"),
        ("", {"tab": "secrets"}, "invalid_tab"),
    ]:
        response = await client.get(f"/assets/{world.id}/{path}".rstrip("/"), params=params)
        assert response.status_code == 422, (path, params)
        assert f"<code>{code}</code>" in response.text


async def test_signed_out_visitors_are_sent_to_sign_in(client: httpx.AsyncClient, api: Api) -> None:
    world = await orders_world(api)
    response = await client.get(f"/assets/{world.id}/lineage")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin?next=/assets/")


async def test_htmx_gets_only_the_results_block(client: httpx.AsyncClient, api: Api) -> None:
    world = await orders_world(api)
    await sign_in(client, BOOTSTRAP_KEY)
    partial = await client.get(
        f"/assets/{world.id}/versions", headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert partial.status_code == 200
    assert "<table" in partial.text and "<html" not in partial.text and "<h1>" not in partial.text


async def test_tab_query_links_lead_to_the_sections(client: httpx.AsyncClient, api: Api) -> None:
    world = await orders_world(api)
    await sign_in(client, BOOTSTRAP_KEY)
    response = await client.get(f"/assets/{world.id}", params={"tab": "lineage"})
    assert response.status_code == 303 and response.headers["location"] == f"/assets/{world.id}/lineage"
    contract = await client.get(f"/assets/{world.id}", params={"tab": ""})
    assert contract.headers["location"] == f"/assets/{world.id}"
    html = (await client.get(response.headers["location"])).text
    assert f'<a href="/assets/{world.id}/lineage" aria-current="page">Lineage</a>' in html
