"""The API keys page: admins only, create shows the secret once, revoke with confirmation, CSRF, queries."""

from __future__ import annotations

import logging
import re

import httpx
import pytest
from fastapi import FastAPI

from tests.helpers import ADMIN, BOOTSTRAP_KEY, Api, auth
from tests.ui.helpers import page_csrf, raw_key, sign_in
from tests.ui.query_budget import count_queries

NEW_KEY = re.compile(r'id="new-key-value" type="text" value="([^"]+)"')
KEY_ROW = re.compile(r'<th scope="row">([^<]+) <span class="muted"><code>')


async def _create(client: httpx.AsyncClient, team_id: str, **form: object) -> httpx.Response:
    token = await page_csrf(client, "/keys")
    data = {
        "csrf_token": token,
        "name": "ci-publisher",
        "team_id": team_id,
        "scopes": ["read", "write"],
        **form,
    }
    return await client.post("/keys", data=data, headers={"HX-Request": "true", "HX-Target": "new-key"})


async def test_create_shows_the_key_once_and_it_works(
    client: httpx.AsyncClient, api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    team = await api.team("keyed")
    await sign_in(client, BOOTSTRAP_KEY)
    caplog.set_level(logging.DEBUG)

    created = await _create(client, team.id, expires_on="2099-01-31")
    assert created.status_code == 200, created.text
    assert created.headers["cache-control"] == "no-store"
    assert created.headers["hx-trigger"] == "keys-changed"  # the list region reloads itself
    secret = NEW_KEY.search(created.text)
    assert secret and "shown only this once" in created.text and "<html" not in created.text
    key = secret.group(1)
    me = await client.get("/api/v1/teams", headers=auth(key))
    assert me.status_code == 200  # the shown key is the real one
    assert key not in caplog.text  # never logged

    listed = (await client.get("/keys")).text
    assert key not in listed and 'id="new-key-value"' not in listed  # reload: gone for good
    assert "ci-publisher" in KEY_ROW.findall(listed)
    row = listed[listed.index('<th scope="row">ci-publisher') :].split("</tr>")[0]
    assert "badge-read" in row and "badge-write" in row and "2099-01-31" in row
    assert ">keyed</a>" in row


async def test_create_without_htmx_renders_the_whole_page_once(client: httpx.AsyncClient, api: Api) -> None:
    team = await api.team()
    await sign_in(client, BOOTSTRAP_KEY)
    token = await page_csrf(client, "/keys")
    response = await client.post(
        "/keys", data={"csrf_token": token, "name": "plain", "team_id": team.id, "scopes": "read"}
    )
    assert response.status_code == 201 and NEW_KEY.search(response.text) and "<html" in response.text


@pytest.mark.parametrize(
    ("form", "code"),
    [
        ({"name": ""}, "invalid_key_form"),
        ({"team_id": ""}, "invalid_key_form"),
        ({"scopes": []}, "invalid_scopes"),
        ({"scopes": ["root"]}, "invalid_key_form"),
        ({"expires_on": "soon"}, "invalid_expiry"),
        ({"expires_on": "2001-01-01"}, "invalid_expiry"),
    ],
)
async def test_bad_create_forms_are_explained(
    client: httpx.AsyncClient, api: Api, form: dict[str, object], code: str
) -> None:
    team = await api.team()
    await sign_in(client, BOOTSTRAP_KEY)
    response = await _create(client, str(form.pop("team_id", team.id)), **form)
    assert response.status_code == 422 and f"<code>{code}</code>" in response.text
    assert response.headers["hx-retarget"] == "#messages"
    assert "ci-publisher" not in KEY_ROW.findall((await client.get("/keys")).text)


async def test_revoke_asks_first_then_the_key_stops_working(client: httpx.AsyncClient, api: Api) -> None:
    team = await api.team()
    victim = await api.call("POST", "/api-keys", 201, ADMIN, json={"name": "old-ci", "team_id": team.id})
    await sign_in(client, BOOTSTRAP_KEY)
    listed = (await client.get("/keys")).text
    assert f'href="/keys/{victim["id"]}/revoke"' in listed

    confirm = await client.get(f"/keys/{victim['id']}/revoke")
    assert confirm.status_code == 200 and "stops working at once" in confirm.text
    assert (await client.get("/api/v1/teams", headers=auth(victim["key"]))).status_code == 200
    done = await client.post(f"/keys/{victim['id']}/revoke", data={"csrf_token": await page_csrf(client)})
    assert done.status_code == 303 and done.headers["location"] == "/keys"
    assert (await client.get("/api/v1/teams", headers=auth(victim["key"]))).status_code == 401
    after = (await client.get("/keys")).text
    assert "is revoked" in after and "old-ci" not in KEY_ROW.findall(after)
    everything = (await client.get("/keys", params={"state": "all", "q": "old"})).text
    assert KEY_ROW.findall(everything) == ["old-ci"] and "badge-revoked" in everything


async def test_forged_posts_are_refused_and_change_nothing(client: httpx.AsyncClient, api: Api) -> None:
    team = await api.team()
    victim = await api.call("POST", "/api-keys", 201, ADMIN, json={"name": "kept", "team_id": team.id})
    await sign_in(client, BOOTSTRAP_KEY)
    for url, data in [
        ("/keys", {"name": "forged", "team_id": team.id, "scopes": "admin"}),
        (f"/keys/{victim['id']}/revoke", {}),
    ]:
        refused = await client.post(url, data={**data, "csrf_token": "forged"})
        assert refused.status_code == 403 and "<code>csrf_refused</code>" in refused.text
    listed = (await client.get("/keys")).text
    assert "forged" not in listed and "kept" in KEY_ROW.findall(listed)
    assert (await client.get("/api/v1/teams", headers=auth(victim["key"]))).status_code == 200


@pytest.mark.parametrize("scope", ["read", "write"])
async def test_non_admins_get_a_readable_403(client: httpx.AsyncClient, api: Api, scope: str) -> None:
    team = await api.team()
    victim = await api.call("POST", "/api-keys", 201, ADMIN, json={"name": "theirs", "team_id": team.id})
    await sign_in(client, raw_key(getattr(team, scope)))
    home = (await client.get("/")).text
    assert 'href="/keys"' not in home
    page = await client.get("/keys")
    assert (
        page.status_code == 403 and "<code>admin_required</code>" in page.text and "Not allowed" in page.text
    )
    token = await page_csrf(client)
    for url, data in [
        ("/keys", {"name": "x", "team_id": team.id, "scopes": "admin"}),
        (f"/keys/{victim['id']}/revoke", {}),
    ]:
        refused = await client.post(url, data={**data, "csrf_token": token})
        assert refused.status_code == 403 and "<code>admin_required</code>" in refused.text
    assert (await client.get("/api/v1/teams", headers=auth(victim["key"]))).status_code == 200


async def test_sort_filter_and_last_activity(client: httpx.AsyncClient, api: Api) -> None:
    alpha, beta = await api.team("alpha"), await api.team("beta")
    await sign_in(client, BOOTSTRAP_KEY)
    html = (await client.get("/keys", params={"team": beta.id, "sort": "name"})).text
    names = KEY_ROW.findall(html)
    assert len(names) == 3 and names == sorted(names)
    assert alpha.name not in html.split("<tbody")[1]
    # beta's write key acted (an audited change): its last activity is shown; the read key never acted.
    await api.asset(beta, "wh.beta.t")
    body = (await client.get("/keys", params={"team": beta.id})).text.split("<tbody")[1]
    # Cells after the row header: team, scopes, created, last activity, ...
    activity = {
        next(s for s in ("admin", "write", "read") if f"badge-{s}" in row): row.split("<td>")[4]
        for row in body.split("</tr>")
        if "<th" in row
    }
    assert "<time" in activity["write"] and "<time" not in activity["read"]
    bad = await client.get("/keys", params={"state": "gone"})
    assert bad.status_code == 422


async def test_the_page_costs_the_same_queries_whatever_the_data_size(
    client: httpx.AsyncClient, api: Api, app: FastAPI
) -> None:
    await api.team()
    await sign_in(client, BOOTSTRAP_KEY)
    async with count_queries(app) as small:
        assert (await client.get("/keys")).status_code == 200
    for _ in range(8):
        await api.team()
    async with count_queries(app) as large:
        assert (await client.get("/keys")).status_code == 200
    assert small.total == large.total, large.statements
    assert large.total <= 5
