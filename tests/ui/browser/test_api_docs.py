"""/docs and /redoc in Chromium with every request off this server refused: they render, Swagger's
Authorize button carries the key into "Try it out", and ReDoc's search works."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Route

from tests.helpers import BOOTSTRAP_KEY

# ReDoc's menu asks for its vendor's logo on cdn.redoc.ly; the docs' CSP blocks it (nothing else may be).
REDOC_LOGO = "cdn.redoc.ly/redoc/logo-mini.svg"


class Offline:
    """A page whose context refuses every request that does not go to ``base``; records what was tried."""

    def __init__(self, browser: Browser, base: str) -> None:
        self.base = base
        self.context = browser.new_context()
        self.context.set_default_timeout(60_000)  # two big bundles and a 70-operation document, on a busy CI
        self.elsewhere: list[str] = []
        self.violations: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", self._console)

    def _route(self, route: Route) -> None:
        if route.request.url.startswith(self.base):
            route.continue_()
        else:
            self.elsewhere.append(route.request.url)
            route.abort()

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text and REDOC_LOGO not in message.text:
            self.violations.append(message.text)


@pytest.fixture
def offline(browser: Browser, ui_url: str) -> Iterator[Offline]:
    state = Offline(browser, ui_url)
    yield state
    state.context.close()
    assert state.elsewhere == [], f"requests left the server: {state.elsewhere}"
    assert state.violations == [], f"CSP violations: {state.violations}"


def test_swagger_ui_works_offline_and_authorize_sends_the_key(offline: Offline, ui_url: str) -> None:
    page: Page = offline.page
    page.goto(f"{ui_url}/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() > 30
    page.click("button.authorize")
    page.locator(".modal-ux input").first.fill(BOOTSTRAP_KEY)
    page.click(".modal-ux button.authorize")
    page.click(".modal-ux button.close-modal")
    teams = page.locator(".opblock-get", has_text="/api/v1/teams").first
    teams.locator(".opblock-summary").click()
    teams.locator("button.try-out__btn").click()
    teams.locator("button.execute").click()
    status = teams.locator(".live-responses-table .response .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "200"  # without the key it would be 401


def test_redoc_works_offline_and_searches(offline: Offline, ui_url: str) -> None:
    page: Page = offline.page
    page.goto(f"{ui_url}/redoc")
    page.wait_for_selector("h2")
    assert page.locator("h2").count() > 30
    page.get_by_label("Search").fill("proposal")
    results = page.locator("[data-role='search:results'] [role=menuitem]")
    results.first.wait_for()  # the search runs in a blob: worker, which the CSP allows
    assert "propos" in results.first.inner_text().lower()
