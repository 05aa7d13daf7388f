"""The assets list in a browser: filter as you type, sort by a header, page through (htmx + history)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.helpers import BOOTSTRAP_KEY, TeamCtx
from tests.ui.browser.conftest import SyncApi, assert_accessible, sign_in


@pytest.fixture(scope="module")
def owner(ui_api: SyncApi) -> TeamCtx:
    async def build(api):  # type: ignore[no-untyped-def]
        team = await api.team("browser-owner")
        for i in range(30):
            await api.asset(team, f"wh.browser.t{i:03d}")
        await api.asset(team, "wh.browser.view_x", resource_type="view")
        return team

    return ui_api.run(build)


def rows(page: Page) -> list[str]:
    return page.locator("#results tbody th[scope=row]").all_inner_texts()


def test_filter_sort_and_paginate(page: Page, ui_url: str, owner: TeamCtx) -> None:
    sign_in(page, ui_url, BOOTSTRAP_KEY, next_url="/assets")
    page.get_by_label("Name contains").fill("wh.browser.t")
    expect(page).to_have_url(re.compile(r"q=wh\.browser\.t"))
    expect(page.locator(".pagination .total")).to_have_text("Showing 25 of 30")
    assert rows(page)[0] == "wh.browser.t000"

    page.locator("#results thead").get_by_role("link", name="Name").click()
    expect(page.locator("#results tbody th[scope=row]").first).to_have_text("wh.browser.t029")
    expect(page).to_have_url(re.compile(r"sort=-fqn"))

    page.get_by_role("link", name="Next").click()
    expect(page.locator(".pagination .total")).to_have_text("Showing 5 of 30")
    assert rows(page) == [f"wh.browser.t{i:03d}" for i in range(4, -1, -1)]
    expect(page).to_have_url(re.compile(r"q=wh\.browser\.t.*sort=-fqn.*cursor="))

    page.get_by_role("link", name="Previous").click()
    expect(page.locator("#results tbody th[scope=row]").first).to_have_text("wh.browser.t029")
    expect(page.locator(".pagination .total")).to_have_text("Showing 25 of 30")
    page.get_by_role("link", name="Next").click()
    expect(page.locator(".pagination .total")).to_have_text("Showing 5 of 30")

    page.get_by_label("Kind").select_option("view")
    expect(page.locator("#results")).to_contain_text("No assets match")
    expect(page).not_to_have_url(re.compile(r"cursor="))
    page.go_back()
    expect(page).to_have_url(re.compile(r"cursor="))


@pytest.mark.parametrize("path", ["/signin", "/", "/assets"])
def test_pages_have_no_serious_accessibility_violations(
    axe_page: Page, ui_url: str, owner: TeamCtx, path: str
) -> None:
    if path != "/signin":
        sign_in(axe_page, ui_url, BOOTSTRAP_KEY)
    axe_page.goto(f"{ui_url}{path}")
    assert_accessible(axe_page)
