"""Sign-in, sessions and sign-out (in-process, no browser)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from tessera.app import create_app
from tessera.config import Settings
from tessera.db.models import UiSession
from tessera.openapi import DOCS_CONTENT_SECURITY_POLICY
from tessera.resources import app_resources
from tessera.ui.security import CSRF_COOKIE, SESSION_COOKIE
from tests.helpers import ADMIN, API, BOOTSTRAP_KEY, Api
from tests.ui.helpers import csrf_of, page_csrf, raw_key, sign_in


async def _sessions(app: FastAPI) -> int:
    async with app_resources(app).session_factory() as s:
        return int((await s.execute(sa.select(sa.func.count()).select_from(UiSession))).scalar_one())


async def test_pages_send_a_stranger_to_signin_with_next(client: httpx.AsyncClient) -> None:
    response = await client.get("/assets?q=orders")
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/assets%3Fq%3Dorders"


async def test_htmx_requests_are_redirected_with_a_header(client: httpx.AsyncClient) -> None:
    response = await client.get("/assets", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["hx-redirect"].startswith("/signin?next=")


async def test_signing_in_opens_a_session_that_shows_the_team(client: httpx.AsyncClient, api: Api) -> None:
    team = await api.team("orders-team")
    response = await sign_in(client, raw_key(team.read), next_url="/assets")
    assert response.status_code == 303
    assert response.headers["location"] == "/assets"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    home = await client.get("/")
    assert home.status_code == 200
    assert "orders-team" in home.text and "badge-read" in home.text
    assert 'href="/keys"' not in home.text  # the API keys page is for admins only


async def test_the_session_cookie_is_secure_when_served_over_https(settings: Settings, api: Api) -> None:
    app = create_app(settings.model_copy(update={"base_url": "https://tessera.example.com"}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://tessera.test") as c:
            response = await sign_in(c, BOOTSTRAP_KEY)
    assert response.status_code == 303
    assert "secure" in response.headers["set-cookie"].lower()


async def test_a_wrong_key_is_refused_with_the_apis_message(client: httpx.AsyncClient, app: FastAPI) -> None:
    response = await sign_in(client, "tess_0123456789ab_" + "x" * 40)
    assert response.status_code == 401
    assert "unknown or revoked" in response.text
    assert client.cookies.get(SESSION_COOKIE) is None
    assert await _sessions(app) == 0


async def test_next_cannot_leave_the_site(client: httpx.AsyncClient) -> None:
    response = await sign_in(client, BOOTSTRAP_KEY, next_url="https://evil.example/")
    assert response.headers["location"] == "/"


async def test_a_revoked_key_ends_the_session_at_once(
    client: httpx.AsyncClient, api: Api, app: FastAPI
) -> None:
    team = await api.team()
    created = await api.call(
        "POST", "/api-keys", 201, ADMIN, json={"name": "k", "team_id": team.id, "scopes": ["read"]}
    )
    await sign_in(client, created["key"])
    assert (await client.get("/assets")).status_code == 200
    await api.call("DELETE", f"/api-keys/{created['id']}", 200, ADMIN)
    response = await client.get("/assets")
    assert response.status_code == 303 and response.headers["location"].startswith("/signin")
    assert await _sessions(app) == 0


async def test_signing_out_deletes_the_session(client: httpx.AsyncClient, app: FastAPI) -> None:
    await sign_in(client, BOOTSTRAP_KEY)
    token = client.cookies[SESSION_COOKIE]
    response = await client.post("/signout", data={"csrf_token": await page_csrf(client)})
    assert response.status_code == 303 and response.headers["location"] == "/signin"
    assert await _sessions(app) == 0
    client.cookies.set(SESSION_COOKIE, token)  # a copied cookie is worthless afterwards
    assert (await client.get("/")).status_code == 303


async def test_signin_attempts_are_rate_limited(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"ui_signin_per_minute": 2}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://tessera.test") as c:
            codes = [(await sign_in(c, "tess_wrong")).status_code for _ in range(3)]
    assert codes == [401, 401, 429]


async def test_without_auth_there_is_no_signin(settings: Settings, tmp_path: Path) -> None:
    app = create_app(settings.model_copy(update={"auth_disabled": True}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://tessera.test") as c:
            home = await c.get("/")
            assert home.status_code == 200 and "AUTH_DISABLED" in home.text
            assert (await c.get("/signin")).headers["location"] == "/"
            # Forms still carry a CSRF token (the double-submit cookie).
            assert c.cookies.get(CSRF_COOKIE) == csrf_of(home.text)
            assert (await c.post("/signout", data={})).status_code == 403
            assert (await c.post("/signout", data={"csrf_token": csrf_of(home.text)})).status_code == 303


@pytest.mark.parametrize("path", [f"{API}/teams", "/docs"])
async def test_api_and_docs_keep_their_behaviour(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path, headers=ADMIN)
    assert response.status_code == 200
    # The UI's policy is not applied to them: the API sends none, /docs its own (files from here only).
    expected = DOCS_CONTENT_SECURITY_POLICY if path == "/docs" else None
    assert response.headers.get("content-security-policy") == expected
    assert response.headers["x-content-type-options"] == "nosniff"
