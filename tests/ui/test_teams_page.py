"""Team pages: the list, a team's assets, members and webhook health, and redelivering a failed delivery."""

from __future__ import annotations

import re

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from tessera.db.models import AuditEvent, WebhookDelivery
from tessera.enums import DeliveryChannel, DeliveryStatus
from tessera.resources import app_resources
from tests.helpers import ADMIN, BOOTSTRAP_KEY, Api, TeamCtx, shared_asset
from tests.ui.admin_data import add_deliveries
from tests.ui.helpers import page_csrf, raw_key, sign_in
from tests.ui.query_budget import count_queries

TEAM_ROW = re.compile(r'<th scope="row"><a href="/teams/[^"]+">([^<]+)</a></th>')
HOOK_URL = "http://127.0.0.1:9/hook"


async def _hook(api: Api, team: TeamCtx) -> str:
    hook = await api.call("POST", "/webhooks", 201, team.write, json={"url": HOOK_URL})
    return str(hook["id"])


async def _deliveries(app: FastAPI, hook_id: str, statuses: list[DeliveryStatus]) -> list[str]:
    async with app_resources(app).session_factory() as session:
        return [str(i) for i in await add_deliveries(session, hook_id, HOOK_URL, statuses)]


async def _status(app: FastAPI, delivery_id: str) -> DeliveryStatus:
    async with app_resources(app).session_factory() as session:
        row = await session.get(WebhookDelivery, __import__("uuid").UUID(delivery_id))
        assert row is not None
        return row.status


async def test_the_list_filters_sorts_and_counts_owned_assets(client: httpx.AsyncClient, api: Api) -> None:
    alpha, beta = await api.team("alpha-data"), await api.team("beta-data")
    await api.team("gamma-ops")
    await api.asset(alpha, "wh.a.one")
    await api.asset(alpha, "wh.a.two")
    await sign_in(client, BOOTSTRAP_KEY)

    html = (await client.get("/teams", params={"q": "-DATA"})).text
    assert TEAM_ROW.findall(html) == ["alpha-data", "beta-data"]
    assert f'<a href="/assets?owner={alpha.id}">2</a>' in html
    flipped = (await client.get("/teams", params={"q": "data", "sort": "-name"})).text
    assert TEAM_ROW.findall(flipped) == ["beta-data", "alpha-data"]
    assert beta.name in flipped
    assert "No teams match" in (await client.get("/teams", params={"q": "zzz"})).text
    assert (await client.get("/teams", params={"sort": "secret"})).status_code == 422


async def test_a_team_page_shows_assets_members_and_contacts(client: httpx.AsyncClient, api: Api) -> None:
    s = await shared_asset(api, consumers=1, register_with=[{"columns": ["email"], "purpose": "billing"}])
    reader = s.consumer
    await api.call(
        "POST",
        "/users",
        201,
        ADMIN,
        json={
            "email": "ana@example.com",
            "name": "Ana",
            "slack_member_id": "U024BE7LH",
            "team_ids": [reader.id],
        },
    )
    await sign_in(client, BOOTSTRAP_KEY)

    owner_page = (await client.get(f"/teams/{s.owner.id}")).text
    assert f'href="/assets/{s.asset["id"]}">{s.asset["fqn"]}</a>' in owner_page
    reader_page = (await client.get(f"/teams/{reader.id}")).text
    consumed = reader_page[reader_page.index('id="h-consumed"') : reader_page.index('id="h-members"')]
    assert s.asset["fqn"] in consumed and "<code>email</code>" in consumed and "billing" in consumed
    assert 'href="mailto:ana@example.com"' in reader_page and "U024BE7LH" in reader_page
    missing = await client.get("/teams/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404 and "<code>team_not_found</code>" in missing.text


async def test_webhook_health_lists_failed_deliveries_for_the_team_only(
    client: httpx.AsyncClient, api: Api, app: FastAPI
) -> None:
    team, other = await api.team(), await api.team()
    hook_id = await _hook(api, team)
    await _deliveries(app, hook_id, [DeliveryStatus.DELIVERED, DeliveryStatus.FAILED])
    async with app_resources(app).session_factory() as session:
        await add_deliveries(
            session,
            None,
            "https://hooks.slack.test/x",
            [DeliveryStatus.FAILED],
            channel=DeliveryChannel.SLACK,
        )  # another team's Slack channel: not this team's
    await sign_in(client, raw_key(team.read))

    html = (await client.get(f"/teams/{team.id}")).text
    failed = html[html.index("Failed deliveries <span") : html.index("Recent deliveries <span")]
    assert "HTTP 410 Gone" in failed and "badge-failed" in failed and "(1)" in failed
    assert 'Recent deliveries <span class="muted">(2)</span>' in html
    assert HOOK_URL in html
    assert "Redeliver" not in html  # a read key sees no action
    theirs = (await client.get(f"/teams/{other.id}")).text
    assert "Only " in theirs and "HTTP 410" not in theirs


async def test_delivery_tables_filter_by_event_type_and_sort_by_time(
    client: httpx.AsyncClient, api: Api, app: FastAPI
) -> None:
    team = await api.team()
    hook_id = await _hook(api, team)
    kinds = ["proposal.created", "contract.published", "guarantee.failed"]
    async with app_resources(app).session_factory() as session:
        await add_deliveries(
            session,
            hook_id,
            HOOK_URL,
            [DeliveryStatus.DELIVERED, DeliveryStatus.FAILED, DeliveryStatus.FAILED],
            event_types=kinds,
        )
    await sign_in(client, raw_key(team.read))
    path = f"/teams/{team.id}"

    def events(html: str, start: str, end: str | None = None) -> list[str]:
        part = html[html.index(start) : html.index(end) if end else None]
        return [k for k in re.findall(r'<th scope="row">([a-z_]+\.[a-z_]+)</th>', part) if k in kinds]

    html = (await client.get(path)).text
    assert events(html, 'id="h-recent"') == ["guarantee.failed", "contract.published", "proposal.created"]
    oldest = (await client.get(path, params={"recent_sort": "created_at"})).text
    assert events(oldest, 'id="h-recent"') == ["proposal.created", "contract.published", "guarantee.failed"]
    assert 'aria-sort="ascending"' in oldest[oldest.index('id="h-recent"') :]
    html = (await client.get(path, params={"failed_q": "CONTRACT", "recent_q": "proposal"})).text
    assert events(html, 'id="h-failed"', 'id="h-recent"') == ["contract.published"]
    assert events(html, 'id="h-recent"') == ["proposal.created"]
    assert (await client.get(path, params={"failed_sort": "status"})).status_code == 422


async def test_redeliver_updates_the_row_in_place(client: httpx.AsyncClient, api: Api, app: FastAPI) -> None:
    team = await api.team()
    hook_id = await _hook(api, team)
    (failed_id,) = await _deliveries(app, hook_id, [DeliveryStatus.FAILED])
    await sign_in(client, raw_key(team.write))
    token = await page_csrf(client, f"/teams/{team.id}")
    url = f"/teams/{team.id}/webhooks/{hook_id}/deliveries/{failed_id}/redeliver"

    response = await client.post(url, headers={"HX-Request": "true", "X-CSRF-Token": token})
    assert response.status_code == 200, response.text
    assert response.text.lstrip().startswith("<tr>") and "<html" not in response.text
    assert "badge-pending" in response.text and "queued again" in response.text
    assert await _status(app, failed_id) == DeliveryStatus.PENDING
    async with app_resources(app).session_factory() as session:
        actions = (await session.execute(sa.select(AuditEvent.action))).scalars().all()
    assert "webhook.redelivered" in actions

    plain = await client.post(url, data={"csrf_token": token})
    assert plain.status_code == 303 and plain.headers["location"] == f"/teams/{team.id}"


@pytest.mark.parametrize("who", ["read", "other-team", "no-csrf"])
async def test_redeliver_is_refused_like_the_api(
    client: httpx.AsyncClient, api: Api, app: FastAPI, who: str
) -> None:
    team, other = await api.team(), await api.team()
    hook_id = await _hook(api, team)
    (failed_id,) = await _deliveries(app, hook_id, [DeliveryStatus.FAILED])
    key = {"read": team.read, "other-team": other.write, "no-csrf": team.write}[who]
    await sign_in(client, raw_key(key))
    token = await page_csrf(client, f"/teams/{team.id}")
    url = f"/teams/{team.id}/webhooks/{hook_id}/deliveries/{failed_id}/redeliver"
    data = {"csrf_token": "forged" if who == "no-csrf" else token}

    response = await client.post(url, data=data)
    expected = {"read": (403, "insufficient_scope"), "other-team": (404, "webhook_not_found")}
    status, code = expected.get(who, (403, "csrf_refused"))
    assert response.status_code == status and f"<code>{code}</code>" in response.text
    assert await _status(app, failed_id) == DeliveryStatus.FAILED


async def test_a_team_page_costs_the_same_queries_whatever_the_data_size(
    client: httpx.AsyncClient, api: Api, app: FastAPI
) -> None:
    team = await api.team()
    hook_id = await _hook(api, team)
    await _deliveries(app, hook_id, [DeliveryStatus.FAILED])
    await api.register(team, (await shared_asset(api, consumers=0)).asset["id"])
    await sign_in(client, raw_key(team.admin))
    async with count_queries(app) as small:
        assert (await client.get(f"/teams/{team.id}")).status_code == 200
    for i in range(6):
        await api.asset(team, f"wh.q.t{i}")
        s = await shared_asset(api, consumers=0)
        await api.register(team, s.asset["id"])
    await _hook(api, team)
    await _deliveries(app, hook_id, [DeliveryStatus.FAILED, DeliveryStatus.DELIVERED] * 15)
    async with count_queries(app) as large:
        assert (await client.get(f"/teams/{team.id}")).status_code == 200
    assert small.total == large.total, large.statements
    assert large.total <= 12
    async with count_queries(app) as listing:
        assert (await client.get("/teams")).status_code == 200
    assert listing.total <= 5


def _section(html: str, start: str, end: str) -> str:
    return html[html.index(f'id="h-{start}"') : html.index(f'id="h-{end}"')]


ASSET_LINK = re.compile(r'<a href="/assets/[^"]+">([^<]+)</a>')


async def test_a_team_pages_lists_filter_and_sort_each_on_their_own(
    client: httpx.AsyncClient, api: Api
) -> None:
    team = await api.team("lists")
    other = await api.team("producer")
    for fqn in ("wh.sales.orders", "wh.sales.refunds", "wh.ops.100%_done"):
        await api.asset(team, fqn)
    for fqn in ("wh.src.clicks", "wh.src.orders_raw"):
        asset = await api.asset(other, fqn)
        await api.register(team, asset["id"])
    for name, email in (("Ana Lind", "ana@shop.example"), ("Bo Berg", "bo@lists.example")):
        user = {"email": email, "name": name, "team_ids": [team.id]}
        await api.call("POST", "/users", 201, ADMIN, json=user)
    await sign_in(client, BOOTSTRAP_KEY)
    path = f"/teams/{team.id}"

    html = (await client.get(path, params={"owned_q": "SALES", "owned_sort": "-fqn"})).text
    assert ASSET_LINK.findall(_section(html, "owned", "consumed")) == ["wh.sales.refunds", "wh.sales.orders"]
    assert 'aria-sort="descending"' in _section(html, "owned", "consumed")
    # The other sections keep their whole lists; the filter form carries their state along.
    assert ASSET_LINK.findall(_section(html, "consumed", "members")) == ["wh.src.orders_raw", "wh.src.clicks"]
    literal = (await client.get(path, params={"owned_q": "%_"})).text
    assert ASSET_LINK.findall(_section(literal, "owned", "consumed")) == ["wh.ops.100%_done"]
    none = (await client.get(path, params={"owned_q": "nothing"})).text
    assert "No owned asset matches." in none

    html = (await client.get(path, params={"consumed_q": "orders", "consumed_sort": "created_at"})).text
    assert ASSET_LINK.findall(_section(html, "consumed", "members")) == ["wh.src.orders_raw"]
    oldest = (await client.get(path, params={"consumed_sort": "created_at"})).text
    assert ASSET_LINK.findall(_section(oldest, "consumed", "members")) == [
        "wh.src.clicks",
        "wh.src.orders_raw",
    ]

    html = (await client.get(path, params={"members_q": "LISTS.example"})).text
    members = _section(html, "members", "health")
    assert "Bo Berg" in members and "Ana Lind" not in members
    html = (await client.get(path, params={"members_sort": "-name", "owned_q": "sales"})).text
    members = _section(html, "members", "health")
    assert members.index("Bo Berg") < members.index("Ana Lind")
    # The header's link flips the order and keeps the other sections' state.
    assert f'href="{path}?members_sort=name&amp;owned_q=sales#h-members"' in members

    for bad in ({"owned_sort": "secret"}, {"members_sort": "email"}, {"consumed_q": "x" * 201}):
        assert (await client.get(path, params=bad)).status_code == 422
