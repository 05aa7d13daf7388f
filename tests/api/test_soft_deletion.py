"""A soft-deleted row of each kind is gone from every list, get and repository lookup."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI

from tessera.assets import repository as assets_repo
from tessera.registrations import repository as registrations_repo
from tessera.resources import app_resources
from tessera.sync import repository as sync_repo
from tessera.teams import repository as teams_repo
from tessera.webhooks import repository as webhooks_repo
from tests.assertions import assert_error
from tests.helpers import ADMIN, Api, TeamCtx

API = "/api/v1"


@dataclass
class Deleted:
    """Live rows and their soft-deleted siblings, deleted through the API."""

    owner: TeamCtx
    consumer: TeamCtx
    team: TeamCtx
    asset: dict[str, Any]
    gone_asset: dict[str, Any]
    registration: dict[str, Any]
    gone_registration: dict[str, Any]
    webhook: dict[str, Any]
    gone_webhook: dict[str, Any]


async def _deleted(api: Api) -> Deleted:
    owner, consumer, team = await api.team("owner"), await api.team("consumer"), await api.team("gone")
    reader = await api.team("reader")
    asset = await api.asset(owner, fqn="db.s.live")
    gone_asset = await api.asset(owner, fqn="db.s.gone")
    deps = {"upstream_asset_id": asset["id"]}  # the deleted asset reads from the live one
    await api.call("POST", f"/assets/{gone_asset['id']}/dependencies", 201, owner.write, json=deps)
    registration = await api.register(reader, asset["id"])
    gone_registration = await api.register(consumer, asset["id"])
    await api.register(team, asset["id"])
    webhook = await api.call("POST", "/webhooks", 201, consumer.write, json={"url": "https://a.example/h"})
    gone_webhook = await api.call(
        "POST", "/webhooks", 201, consumer.write, json={"url": "https://b.example/h"}
    )

    await api.call("DELETE", f"/assets/{gone_asset['id']}", 204, owner.write)
    await api.call("DELETE", f"/registrations/{gone_registration['id']}", 204, consumer.write)
    await api.call("DELETE", f"/webhooks/{gone_webhook['id']}", 204, consumer.write)
    await api.call("DELETE", f"/teams/{team.id}", 204, ADMIN)
    return Deleted(
        owner, consumer, team, asset, gone_asset, registration, gone_registration, webhook, gone_webhook
    )


def _ids(page: dict[str, Any]) -> set[str]:
    return {item["id"] for item in page["items"]}


async def test_deleted_rows_are_gone_from_every_endpoint(client: httpx.AsyncClient) -> None:
    api = Api(client)
    d = await _deleted(api)

    teams = await api.call("GET", "/teams?limit=100", 200, ADMIN)
    assert d.team.id not in _ids(teams) and teams["total"] == len(teams["items"]) == 3
    by_name = await api.call("GET", "/teams?name=gone", 200, ADMIN)
    assert by_name["items"] == [] and by_name["total"] == 0
    assert_error(await client.get(f"{API}/teams/{d.team.id}", headers=ADMIN), 404, "team_not_found")
    assert_error(await client.get(f"{API}/teams/{d.team.id}/members", headers=ADMIN), 404, "team_not_found")
    # The deleted team's keys stop working.
    assert_error(await client.get(f"{API}/teams", headers=d.team.read), 401, "invalid_api_key")

    assets = await api.call("GET", "/assets?limit=100", 200, ADMIN)
    assert _ids(assets) == {d.asset["id"]} and assets["total"] == 1
    by_name = await api.call("GET", "/assets?q=gone", 200, ADMIN)
    assert by_name["items"] == [] and by_name["total"] == 0
    by_owner = await api.call("GET", f"/assets?owner_team_id={d.owner.id}", 200, ADMIN)
    assert _ids(by_owner) == {d.asset["id"]}
    gone = d.gone_asset["id"]
    assert_error(await client.get(f"{API}/assets/{gone}", headers=ADMIN), 404, "asset_not_found")
    edges = await api.call("GET", f"/assets/{d.asset['id']}/dependencies", 200, ADMIN)
    assert edges == {"upstream": [], "downstream": []}

    regs = await api.call("GET", f"/registrations?asset_id={d.asset['id']}&limit=100", 200, ADMIN)
    # The deleted team's registration stays (it is not deleted itself); the deleted one is gone.
    assert d.gone_registration["id"] not in _ids(regs) and d.registration["id"] in _ids(regs)
    assert regs["total"] == len(regs["items"]) == 2
    reg = d.gone_registration["id"]
    assert_error(await client.get(f"{API}/registrations/{reg}", headers=ADMIN), 404, "registration_not_found")

    hooks = await api.call("GET", "/webhooks?limit=100", 200, ADMIN)
    assert _ids(hooks) == {d.webhook["id"]} and hooks["total"] == 1
    hook = d.gone_webhook["id"]
    assert_error(await client.get(f"{API}/webhooks/{hook}", headers=ADMIN), 404, "webhook_not_found")


async def test_deleted_rows_are_gone_from_every_repository_lookup(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    api = Api(client)
    d = await _deleted(api)
    team, asset = uuid.UUID(d.team.id), uuid.UUID(d.gone_asset["id"])
    live_asset, reg = uuid.UUID(d.asset["id"]), uuid.UUID(d.gone_registration["id"])
    hook = uuid.UUID(d.gone_webhook["id"])
    async with app_resources(app).session_factory() as session:
        assert await teams_repo.get(session, team) is None
        assert await teams_repo.get_by_name(session, "gone") is None
        assert await teams_repo.get_many(session, [team]) == {}
        assert await teams_repo.contacts(session, [team]) == {}
        assert await assets_repo.get(session, asset) is None
        assert await assets_repo.get_for_update(session, asset) is None
        assert await assets_repo.get_by_fqn(session, "db.s.gone", "production") is None
        assert await assets_repo.get_many(session, [asset]) == {}
        assert await assets_repo.lineage_graph(session) == {}
        assert await assets_repo.downstream_of(session, [live_asset]) == []
        assert await assets_repo.count_registrations(session, live_asset) == 2
        assert await registrations_repo.get(session, reg) is None
        consumer = uuid.UUID(d.consumer.id)
        assert await registrations_repo.find(session, live_asset, consumer) is None
        assert reg not in {r.id for r in await registrations_repo.for_asset(session, live_asset)}
        assert reg not in {
            r.id for r in (await registrations_repo.for_assets(session, [live_asset]))[live_asset]
        }
        assert await webhooks_repo.get(session, hook) is None
        assert hook not in {w.id for w in await webhooks_repo.active_for_teams(session, {consumer})}
        env = d.asset["environment"]
        assert [a.id for a in await sync_repo.live_assets(session, env, lock=False)] == [live_asset]
        assert (live_asset, consumer) not in await sync_repo.registration_pairs(session, [live_asset])
        users, teams, _ = await sync_repo.owner_candidates(session, set(), {"gone"})
        assert teams == []
        # The reads that opt out on purpose still see deleted rows.
        assert (await webhooks_repo.webhooks_by_id(session, {hook}))[hook].deleted_at is not None
        assert await sync_repo.team_names(session, [team]) == {team: "gone"}
