"""Every unsafe UI request needs the page's CSRF token; a forged one changes nothing."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from tessera.db.models import UiSession
from tessera.resources import app_resources
from tests.helpers import BOOTSTRAP_KEY
from tests.ui.helpers import csrf_of, page_csrf, sign_in


async def _session_count(app: FastAPI) -> int:
    async with app_resources(app).session_factory() as s:
        return int((await s.execute(sa.select(sa.func.count()).select_from(UiSession))).scalar_one())


@pytest.mark.parametrize("token", [None, "forged-token"])
async def test_a_forged_form_post_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, app: FastAPI, token: str | None
) -> None:
    await sign_in(client, BOOTSTRAP_KEY)
    data = {} if token is None else {"csrf_token": token}
    response = await client.post("/signout", data=data)
    assert response.status_code == 403
    assert "did not come from this site" in response.text
    assert await _session_count(app) == 1
    assert (await client.get("/")).status_code == 200  # still signed in


async def test_htmx_sends_the_token_in_a_header(client: httpx.AsyncClient, app: FastAPI) -> None:
    await sign_in(client, BOOTSTRAP_KEY)
    token = await page_csrf(client)
    refused = await client.post("/signout", headers={"HX-Request": "true", "X-CSRF-Token": "nope"})
    assert refused.status_code == 403
    assert refused.headers["hx-retarget"] == "#messages"  # a banner, not a whole page
    accepted = await client.post("/signout", headers={"HX-Request": "true", "X-CSRF-Token": token})
    assert accepted.status_code == 204 and accepted.headers["hx-redirect"] == "/signin"
    assert await _session_count(app) == 0


async def test_the_signin_form_needs_its_double_submit_token(client: httpx.AsyncClient, app: FastAPI) -> None:
    form = await client.get("/signin")
    client.cookies.clear()  # a cross-site post carries no cookie of ours
    response = await client.post("/signin", data={"api_key": BOOTSTRAP_KEY, "csrf_token": csrf_of(form.text)})
    assert response.status_code == 403
    assert await _session_count(app) == 0
