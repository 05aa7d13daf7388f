"""The inbox: waiting for the team's answer (deadline first), the team's own proposals, recent activity,
every open proposal for an admin without a team, and the first steps on an empty database."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI

from tessera.app import create_app
from tessera.config import Settings
from tests.helpers import BOOTSTRAP_KEY, ID_ONLY, V1, Api, TeamCtx
from tests.ui.helpers import raw_key, sign_in
from tests.ui.query_budget import count_queries
from tests.ui.test_proposal_page import browser_of

ROW = re.compile(r'<th scope="row"><a href="/proposals/[^"]+">([^<]+)</a>')


def assets_in(html: str) -> list[str]:
    """Asset names of the proposal rows, in table order."""
    return ROW.findall(html)


async def _proposals(
    api: Api, owner: TeamCtx, consumer: TeamCtx, deadlines: dict[str, timedelta | None]
) -> dict[str, str]:
    """One asset per name, read by ``consumer``, with an open proposal due after its delta (or never)."""
    ids = {}
    for fqn, delta in deadlines.items():
        asset = await api.asset(owner, fqn)
        await api.publish(owner, asset["id"], V1)
        await api.register(consumer, asset["id"], columns=["email"])
        extra = {"expires_at": (datetime.now(UTC) + delta).isoformat()} if delta else {}
        opened = await api.publish(owner, asset["id"], ID_ONLY, expect=202, **extra)
        ids[fqn] = opened["proposal"]["id"]
    return ids


async def test_a_newcomer_on_an_empty_database_gets_the_first_steps(client: httpx.AsyncClient) -> None:
    await sign_in(client, BOOTSTRAP_KEY)
    html = (await client.get("/")).text
    assert "three steps to your first contracts" in html
    assert "tessera team create analytics" in html
    assert "tessera api-key create --team analytics --name dbt-sync --scope write" in html
    assert "tessera dbt sync --manifest target/manifest.json" in html
    assert "export TESSERA_URL=http://tessera.test\n" in html  # BASE_URL
    assert "curl -X POST http://tessera.test/api/v1/sync/dbt" in html
    assert "<table" not in html


async def test_without_base_url_the_first_steps_call_the_address_the_page_was_opened_at(
    settings: Settings,
) -> None:
    unset = Settings(**{name: getattr(settings, name) for name in settings.model_fields_set - {"base_url"}})
    application = create_app(unset)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://10.1.2.3:8733") as client:
            await sign_in(client, BOOTSTRAP_KEY)
            html = (await client.get("/")).text
    assert "export TESSERA_URL=http://10.1.2.3:8733\n" in html
    assert "127.0.0.1:8000" not in html


async def test_waiting_for_the_team_deadline_first_filterable_and_sortable(app: FastAPI, api: Api) -> None:
    owner, consumer = await api.team("producers"), await api.team("readers")
    await _proposals(
        api,
        owner,
        consumer,
        {
            "wh.late": timedelta(days=20),
            "wh.none": None,
            "wh.soon": timedelta(days=2),
            "wh.mid": timedelta(days=9),
        },
    )
    async with browser_of(app, raw_key(consumer.read)) as reader:
        html = (await reader.get("/")).text
        assert assets_in(html) == ["wh.soon", "wh.mid", "wh.late", "wh.none"]
        assert "producers" in html and "readers <span" in html  # proposer; who has not answered
        assert 'aria-sort="ascending"' in html
        newest = (await reader.get("/", params={"sort": "-created_at"})).text
        assert assets_in(newest) == ["wh.mid", "wh.soon", "wh.none", "wh.late"]
        only = (await reader.get("/", params={"q": "late"})).text
        assert assets_in(only) == ["wh.late"]
        partial = await reader.get("/", headers={"HX-Request": "true", "HX-Target": "results"})
        assert "<html" not in partial.text and assets_in(partial.text)
        bad = await reader.get("/", params={"sort": "secret"})
        assert bad.status_code == 422
    async with browser_of(app, raw_key(owner.read)) as producer:
        # Nothing waits for the owner's answer; its own proposals list names who has not answered.
        assert assets_in((await producer.get("/")).text) == []
        mine = (await producer.get("/inbox/proposed", params={"status": "open"})).text
        assert sorted(assets_in(mine)) == ["wh.late", "wh.mid", "wh.none", "wh.soon"]
        assert "readers" in mine and "(0 of 1 answered)" in mine
        assert assets_in((await producer.get("/inbox/proposed", params={"status": "withdrawn"})).text) == []
        assert (await producer.get("/inbox/proposed", params={"status": "nope"})).status_code == 422


async def test_an_answered_proposal_leaves_the_inbox(app: FastAPI, api: Api) -> None:
    owner, consumer = await api.team(), await api.team()
    ids = await _proposals(api, owner, consumer, {"wh.a": None, "wh.b": None})
    await api.ack(consumer, ids["wh.a"])
    async with browser_of(app, raw_key(consumer.read)) as reader:
        assert assets_in((await reader.get("/")).text) == ["wh.b"]


async def test_an_admin_without_a_team_sees_every_open_proposal(client: httpx.AsyncClient, api: Api) -> None:
    owner, consumer = await api.team(), await api.team()
    ids = await _proposals(api, owner, consumer, {"wh.x": None, "wh.y": None})
    await api.call("POST", f"/proposals/{ids['wh.y']}/withdraw", 200, owner.write)
    await sign_in(client, BOOTSTRAP_KEY)
    html = (await client.get("/")).text
    assert "Open proposals" in html and assets_in(html) == ["wh.x"]


async def test_activity_lists_events_on_the_teams_assets_and_proposals(app: FastAPI, api: Api) -> None:
    owner, consumer, stranger = await api.team(), await api.team(), await api.team()
    ids = await _proposals(api, owner, consumer, {"wh.act": None})
    await api.asset(stranger, "wh.elsewhere")
    await api.ack(consumer, ids["wh.act"], "blocked", reason="we read email")
    async with browser_of(app, raw_key(owner.read)) as producer:
        html = (await producer.get("/inbox/activity")).text
        assert "proposal.blocked" in html and "we read email" in html
        assert f'href="/proposals/{ids["wh.act"]}"' in html
        assert "contract.published" in html and "asset.created" in html
        assert "wh.elsewhere" not in html
        proposals_only = (await producer.get("/inbox/activity", params={"action": "proposal.*"})).text
        assert "proposal.blocked" in proposals_only and "contract.published" not in proposals_only
        oldest = (await producer.get("/inbox/activity", params={"sort": "occurred_at"})).text
        assert oldest.index("asset.created") < oldest.index("proposal.blocked")
        assert (await producer.get("/inbox/activity", params={"action": "drop"})).status_code == 422
    async with browser_of(app, raw_key(stranger.read)) as other:
        html = (await other.get("/inbox/activity")).text
        assert "wh.elsewhere" in html or "asset.created" in html
        assert "proposal.blocked" not in html


async def test_the_inbox_costs_the_same_queries_with_few_or_many_proposals(app: FastAPI, api: Api) -> None:
    owner, consumer = await api.team(), await api.team()
    await _proposals(api, owner, consumer, {"wh.one": None})
    async with (
        browser_of(app, raw_key(consumer.read)) as reader,
        browser_of(app, raw_key(owner.read)) as producer,
    ):
        async with count_queries(app) as few:
            await reader.get("/")
            await producer.get("/inbox/proposed")
            await producer.get("/inbox/activity")
        await _proposals(api, owner, consumer, {f"wh.many{i}": timedelta(days=i + 1) for i in range(6)})
        async with count_queries(app) as many:
            assert len(assets_in((await reader.get("/")).text)) == 7
            assert len(assets_in((await producer.get("/inbox/proposed")).text)) == 7
            await producer.get("/inbox/activity")
    assert few.total == many.total, (few.statements, many.statements)
    assert many.total <= 3 * 12
