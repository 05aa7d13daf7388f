"""Sign-in, sign-out, refused keys, revoked keys, CSRF and CSP, in a real browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import ON_POSTGRES
from tests.helpers import ADMIN, BOOTSTRAP_KEY, TeamCtx
from tests.server import serve_in_thread
from tests.ui.browser.conftest import SyncApi, sign_in, ui_settings
from tests.ui.helpers import raw_key


@pytest.fixture(scope="module")
def team(ui_api: SyncApi) -> TeamCtx:
    return ui_api.run(lambda api: api.team())


def test_sign_in_and_out(page: Page, ui_url: str, team: TeamCtx) -> None:
    page.goto(f"{ui_url}/assets")
    expect(page).to_have_url(f"{ui_url}/signin?next=/assets")
    sign_in(page, ui_url, raw_key(team.write), next_url="/assets")
    expect(page.locator("header .who")).to_contain_text(team.name)
    expect(page.get_by_role("link", name="API keys")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{ui_url}/signin")
    expect(page.locator(".flash")).to_have_text("You have signed out.")
    page.goto(f"{ui_url}/")
    expect(page).to_have_url(f"{ui_url}/signin?next=/")


def test_a_wrong_key_shows_why(page: Page, ui_url: str) -> None:
    page.goto(f"{ui_url}/signin")
    page.get_by_label("API key").fill("tess_0123456789ab_" + "x" * 40)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("unknown or revoked")
    expect(page.get_by_label("API key")).to_have_attribute("aria-invalid", "true")


def test_revoking_the_key_ends_the_session(page: Page, ui_url: str, ui_api: SyncApi, team: TeamCtx) -> None:
    created = ui_api.run(
        lambda api: api.call(
            "POST", "/api-keys", 201, ADMIN, json={"name": "b", "team_id": team.id, "scopes": ["read"]}
        )
    )
    sign_in(page, ui_url, created["key"])
    ui_api.run(lambda api: api.call("DELETE", f"/api-keys/{created['id']}", 200, ADMIN))
    page.goto(f"{ui_url}/assets")
    expect(page).to_have_url(f"{ui_url}/signin?next=/assets")
    expect(page.locator(".flash")).to_contain_text("revoked")


def test_a_forged_post_is_refused_and_the_session_survives(page: Page, ui_url: str) -> None:
    sign_in(page, ui_url, BOOTSTRAP_KEY)
    # The browser's cookies ride along, as they would on a cross-site form; the token does not.
    forged = page.request.post(f"{ui_url}/signout", form={"csrf_token": "guess"}, max_redirects=0)
    assert forged.status == 403
    assert "did not come from this site" in forged.text()
    page.goto(f"{ui_url}/")
    expect(page).to_have_url(f"{ui_url}/")


def test_pages_carry_the_csp_and_break_none_of_it(page: Page, ui_url: str) -> None:
    # The page fixture fails the test on any CSP violation reported in the console.
    response = page.goto(f"{ui_url}/signin")
    assert response is not None
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    sign_in(page, ui_url, BOOTSTRAP_KEY)
    for path in ("/", "/assets"):
        page.goto(f"{ui_url}{path}")
        page.wait_for_load_state("networkidle")
    assert page.evaluate("() => typeof htmx") == "object"  # the vendored htmx loaded under the CSP


def test_without_auth_there_is_no_sign_in(browser: Browser, ui_database: str, tmp_path: Path) -> None:
    settings = ui_settings(ui_database, tmp_path, auth_disabled=True)
    if not ON_POSTGRES:
        assert settings.is_sqlite
    with serve_in_thread(settings) as url:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{url}/assets")
        expect(page).to_have_url(f"{url}/assets")
        expect(page.locator("header .who")).to_contain_text("AUTH_DISABLED")
        page.goto(f"{url}/signin")
        expect(page).to_have_url(f"{url}/")
        context.close()
