"""The browser harness: Tessera served in a thread, Debian's Chromium driven by Playwright.

Fixtures (package scope = one server and one browser for all browser tests):
    ui_url      base URL of the live server (fresh database, bootstrap admin key BOOTSTRAP_KEY)
    ui_api      build data through the real API: ``ui_api.run(lambda api: api.team())`` (tests.helpers.Api)
    browser     the Playwright Browser
    page        a fresh context and page; fails the test on any Content-Security-Policy violation
    axe_page    a page whose context bypasses CSP, so axe-core can be injected (see ``assert_accessible``)
Helpers: ``sign_in(page, ui_url, key)`` and ``assert_accessible(page)``.

Playwright's own browser download does not work on these machines: the system Chromium is launched. Where
it is missing the tests skip with the install command, except under CI=true, where they fail.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from tessera.config import Environment, Settings
from tests.conftest import ON_POSTGRES, _truncate_all
from tests.helpers import BOOTSTRAP_KEY, Api
from tests.server import serve_in_thread

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe.min.js"
T = TypeVar("T")


def _require_chromium() -> None:
    message = f"{CHROMIUM} is missing: install Debian's Chromium with `apt-get install -y chromium`"
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser tests cannot run in CI: {message}")
        pytest.skip(message)


def ui_settings(database_url: str, data_dir: Path, **overrides: Any) -> Settings:
    """Settings of a browser-test server."""
    values: dict[str, Any] = {
        "environment": Environment.TEST,
        "database_url": database_url,
        "data_dir": data_dir,
        "secret_key": "test-secret-key",
        "bootstrap_api_key": BOOTSTRAP_KEY,
        "worker_enabled": False,
        "rate_limit_per_minute": 0,
        "ui_signin_per_minute": 0,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture(scope="package")
def ui_database(migrated_template: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh migrated database for the browser tests' server."""
    _require_chromium()
    if ON_POSTGRES:
        asyncio.run(_truncate_all(migrated_template))
        return migrated_template
    path = tmp_path_factory.mktemp("ui") / "tessera.db"
    shutil.copy(migrated_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="package")
def ui_url(ui_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The live server's base URL."""
    with serve_in_thread(ui_settings(ui_database, tmp_path_factory.mktemp("ui-data"))) as url:
        yield url


class SyncApi:
    """tests.helpers.Api for synchronous browser tests: each call runs on its own event loop in a worker
    thread, away from Playwright's loop in the test thread."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._pool = ThreadPoolExecutor(max_workers=1)

    def run(self, build: Callable[[Api], Awaitable[T]]) -> T:
        """``build(api)`` against the live server; its result."""

        async def call() -> T:
            async with httpx.AsyncClient(base_url=self.base_url, timeout=30) as client:
                return await build(Api(client))

        return self._pool.submit(asyncio.run, call()).result()

    def close(self) -> None:
        self._pool.shutdown()


@pytest.fixture(scope="package")
def ui_api(ui_url: str) -> Iterator[SyncApi]:
    """Data builders over the live server's API."""
    api = SyncApi(ui_url)
    yield api
    api.close()


@pytest.fixture(scope="package")
def browser(ui_database: str) -> Iterator[Browser]:
    """One headless Chromium for every browser test."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) and page; any CSP violation fails the test."""
    context = browser.new_context()
    context.set_default_timeout(10_000)
    opened = context.new_page()
    violations: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(message.text)

    opened.on("console", on_console)
    yield opened
    context.close()
    assert not violations, f"CSP violations: {violations}"


@pytest.fixture
def axe_page(browser: Browser) -> Iterator[Page]:
    """A page whose context bypasses CSP so axe-core can be injected; use only for accessibility checks."""
    context = browser.new_context(bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def sign_in(page: Page, ui_url: str, key: str, next_url: str = "/") -> None:
    """Sign ``page`` in through the sign-in form and wait for the landing page."""
    page.goto(f"{ui_url}/signin?next={next_url}")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{ui_url}{next_url}")


def assert_accessible(page: Page) -> None:
    """Run axe-core on the current page: no serious or critical violations."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, "\n".join(bad)
