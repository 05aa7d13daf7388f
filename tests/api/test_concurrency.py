"""Correctness under concurrency: row locks plus database constraints (meaningful on PostgreSQL)."""

from __future__ import annotations

import asyncio

import httpx

from tessera.config import Settings
from tests.conftest import MakeShared
from tests.helpers import ADMIN, V1_NAMED, Api, record_schema, shared_asset
from tests.server import serve_in_thread


async def test_concurrent_breaking_publishes_open_exactly_one_proposal(
    client: httpx.AsyncClient, api: Api, make_shared_asset: MakeShared
) -> None:
    shared = await make_shared_asset(V1_NAMED)
    owner, asset = shared.owner, shared.asset
    schemas = [record_schema({"id": "integer"}), record_schema({"id": "string"})] * 5
    responses = await asyncio.gather(
        *(
            client.post(f"/api/v1/assets/{asset['id']}/contracts", headers=owner.write, json={"schema": s})
            for s in schemas
        )
    )
    assert all(r.status_code in (202, 409) for r in responses), [r.text for r in responses]
    proposals = await api.call("GET", f"/proposals?asset_id={asset['id']}", 200, ADMIN)
    assert proposals["total"] == 1
    ids = {r.json()["proposal"]["id"] for r in responses if r.status_code == 202}
    assert ids == {proposals["items"][0]["id"]}


async def test_concurrent_acknowledgments_publish_exactly_once(client: httpx.AsyncClient) -> None:
    api = Api(client)
    s = await shared_asset(api, V1_NAMED, consumers=6)
    owner, consumers, asset = s.owner, s.consumers, s.asset
    proposal = (await api.publish(owner, asset["id"], record_schema({"id": "integer"}), expect=202))[
        "proposal"
    ]
    responses = await asyncio.gather(
        *(
            client.post(
                f"/api/v1/proposals/{proposal['id']}/acknowledge",
                headers=c.write,
                json={"response": "approved"},
            )
            for c in consumers
        )
    )
    assert [r.status_code for r in responses] == [200] * len(consumers), [r.text for r in responses]
    final = await api.call("GET", f"/proposals/{proposal['id']}", 200, ADMIN)
    assert final["status"] == "published"
    versions = await api.call("GET", f"/assets/{asset['id']}/contracts", 200, ADMIN)
    assert [v["version"] for v in versions["items"]] == ["2.0.0", "1.0.0"]
    assert [v["status"] for v in versions["items"]] == ["active", "deprecated"]
    published = await api.call("GET", "/audit/events?action=contract.published", 200, ADMIN)
    assert published["total"] == 2


async def test_concurrent_compatible_publishes_keep_one_active_contract(client: httpx.AsyncClient) -> None:
    api = Api(client)
    s = await shared_asset(api, V1_NAMED, consumers=0)
    owner, asset = s.owner, s.asset
    extra = [
        record_schema(
            {"id": "integer", "email": "string", "name": "string", f"c{i}": "string"}, ["id", "email", "name"]
        )
        for i in range(8)
    ]
    responses = await asyncio.gather(
        *(
            client.post(f"/api/v1/assets/{asset['id']}/contracts", headers=owner.write, json={"schema": s})
            for s in extra
        )
    )
    assert all(r.status_code in (201, 409) for r in responses), [r.text for r in responses]
    versions = await api.call("GET", f"/assets/{asset['id']}/contracts?limit=50", 200, ADMIN)
    assert [v["status"] for v in versions["items"]].count("active") == 1
    assert len({v["version"] for v in versions["items"]}) == versions["total"]


async def test_concurrent_publishes_of_one_version_answer_409_version_exists(
    client: httpx.AsyncClient,
) -> None:
    api = Api(client)
    s = await shared_asset(api, V1_NAMED, consumers=0)
    schema = record_schema({"id": "integer", "email": "string", "name": "string", "x": "string"}, ["id"])
    responses = await asyncio.gather(
        *(
            client.post(
                f"/api/v1/assets/{s.asset['id']}/contracts",
                headers=s.owner.write,
                json={"schema": {**schema, "description": f"copy {i}"}, "version": "1.1.0"},
            )
            for i in range(4)
        )
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [201, 409, 409, 409], [r.text for r in responses]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"version_exists"}


def test_read_after_write_over_real_http(settings: Settings) -> None:
    """A 2xx means committed: over a real socket, an immediate read of the new row never 404s."""
    with serve_in_thread(settings) as url, httpx.Client(base_url=url, headers=ADMIN, timeout=30) as http:
        team = http.post("/api/v1/teams", json={"name": "raw"}).json()
        for i in range(150):
            created = http.post("/api/v1/assets", json={"fqn": f"w.s.raw_{i}", "owner_team_id": team["id"]})
            assert created.status_code == 201, created.text
            got = http.get(f"/api/v1/assets/{created.json()['id']}")
            assert got.status_code == 200, (i, got.text)
