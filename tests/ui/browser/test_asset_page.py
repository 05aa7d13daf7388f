"""The asset page in a browser: columns, tabs, the lineage graph's links, comparing two versions."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.helpers import BOOTSTRAP_KEY, Api
from tests.ui.asset_world import ORDERS_V3, link, orders_world, quality_run
from tests.ui.browser.conftest import SyncApi, assert_accessible, sign_in


@dataclass
class Built:
    asset_id: str
    upstream_id: str
    downstream_id: str


@pytest.fixture(scope="module")
def built(ui_api: SyncApi) -> Built:
    async def build(api: Api) -> Built:
        world = await orders_world(api, "wh.browser.orders", propose=False)
        # 2.0.0 drops email: a breaking change the consumer approved.
        await api.publish(world.owner, world.id, ORDERS_V3, expect=202)
        proposals = await api.call("GET", f"/proposals?asset_id={world.id}", 200, world.owner.read)
        await api.ack(world.consumer, proposals["items"][0]["id"])
        raw = await api.asset(world.owner, "wh.browser.raw_orders")
        mart = await api.asset(world.owner, "wh.browser.order_mart")
        await link(api, world.owner, world.id, raw["id"])
        await link(api, world.owner, mart["id"], world.id)
        for status in ("passed", "failed", "passed"):
            await quality_run(api, world.owner, world.id, status)
        return Built(world.id, raw["id"], mart["id"])

    return ui_api.run(build)


def test_open_the_asset_and_compare_two_versions(page: Page, ui_url: str, built: Built) -> None:
    sign_in(page, ui_url, BOOTSTRAP_KEY, next_url="/assets")
    page.get_by_role("link", name="wh.browser.orders").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("wh.browser.orders")
    columns = page.locator("table.columns tbody th[scope=row]")
    expect(columns).to_have_text(["order_id", "status", "customer_id", "amount (optional)"])
    expect(page.locator("table.columns")).to_contain_text("accepted values")

    page.get_by_role("link", name="Compare versions").click()
    expect(page).to_have_url(re.compile(rf"/assets/{built.asset_id}/compare$"))
    page.get_by_label("From version").select_option("1.0.0")
    page.get_by_label("To version").select_option("2.0.0")
    page.get_by_role("button", name="Compare").click()
    expect(page).to_have_url(re.compile(r"from=1\.0\.0&to=2\.0\.0"))
    email = page.locator("table.changes tbody", has=page.locator("code", has_text=re.compile("^email$")))
    expect(email.locator("tr.change-breaking")).to_contain_text("Property removed")

    page.get_by_role("link", name="Swap from and to").click()
    expect(page).to_have_url(re.compile(r"from=2\.0\.0&to=1\.0\.0"))
    expect(page.locator("table.changes")).to_contain_text("Property added")


def test_lineage_graph_nodes_are_links(page: Page, ui_url: str, built: Built) -> None:
    sign_in(page, ui_url, BOOTSTRAP_KEY, next_url=f"/assets/{built.asset_id}")
    page.get_by_role("navigation", name="Asset sections").get_by_role("link", name="Lineage").click()
    graph = page.locator("svg.lineage-graph")
    expect(graph).to_be_visible()
    expect(graph.locator("g.node-current")).to_contain_text("wh.browser.orders")
    nodes = graph.locator("a.node-link")
    expect(nodes).to_have_count(2)
    graph.get_by_role("link", name="wh.browser.order_mart").click()
    expect(page).to_have_url(f"{ui_url}/assets/{built.downstream_id}/lineage")
    expect(page.get_by_role("heading", level=1)).to_have_text("wh.browser.order_mart")
    # From the mart, the orders table is upstream and its own source two levels up.
    expect(page.locator("svg.lineage-graph a.node-link")).to_have_count(2)


@pytest.mark.parametrize(
    "tab", ["", "/versions", "/consumers", "/lineage", "/quality", "/audit", "/compare?from=1.0.0&to=2.0.0"]
)
def test_asset_pages_have_no_serious_accessibility_violations(
    axe_page: Page, ui_url: str, built: Built, tab: str
) -> None:
    sign_in(axe_page, ui_url, BOOTSTRAP_KEY)
    axe_page.goto(f"{ui_url}/assets/{built.asset_id}{tab}")
    assert_accessible(axe_page)
