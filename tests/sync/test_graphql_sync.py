"""GraphQL sync and impact over the API, and the SDK and CLI over the real app."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.helpers import ADMIN, Api, TeamCtx
from tests.ingest.graphql.pairs import BASE, edit

USER = "shop.User"


class Shop:
    """The schema's owner team and a client team registered on its types."""

    def __init__(self, api: Api, owner: TeamCtx, web: TeamCtx) -> None:
        self.api, self.owner, self.web = api, owner, web

    async def sync(self, sdl: str, expect: int = 200) -> Any:
        resp = await self.api.client.post(
            "/api/v1/sync/graphql",
            params={"owner_team_id": self.owner.id, "project": "shop"},
            content=sdl.encode(),
            headers={**ADMIN, "Content-Type": "application/graphql"},
        )
        assert resp.status_code == expect, resp.text
        return resp.json()

    async def impact(self, sdl: str) -> Any:
        resp = await self.api.client.post(
            "/api/v1/sync/graphql/impact",
            params={"project": "shop"},
            content=sdl.encode(),
            headers=self.web.read,
        )
        assert resp.status_code == 200, resp.text
        return resp.json()

    async def asset(self, fqn: str) -> Any:
        found = await self.api.call("GET", "/assets?limit=200", 200, ADMIN)
        return next(a for a in found["items"] if a["fqn"] == fqn)


def status(result: Any, fqn: str) -> Any:
    return next(a for a in result["assets"] if a["fqn"] == fqn)


@pytest.fixture
async def shop(client: httpx.AsyncClient) -> Shop:
    api = Api(client)
    return Shop(api, await api.team("graph"), await api.team("web"))


async def test_first_sync_creates_every_type_and_a_resync_changes_nothing(shop: Shop) -> None:
    first = await shop.sync(BASE)
    assert (first["source"], first["project_name"], first["summary"]["created"]) == ("graphql", "shop", 13)
    assert first["summary"]["dependencies_created"] > 0
    user = await shop.asset(USER)
    assert (user["owner_team_id"], user["current_version"]) == (shop.owner.id, "1.0.0")
    again = await shop.sync(BASE)
    assert again["summary"]["unchanged"] == 13


async def test_a_field_made_nullable_is_proposed_to_registered_readers(shop: Shop) -> None:
    await shop.sync(BASE)
    await shop.api.register(shop.web, (await shop.asset(USER))["id"])
    new = edit("  email: String!\n", "  email: String\n")
    check = await shop.impact(new)
    row = next(m for m in check["models"] if m["fqn"] == USER)
    assert check["verdict"] == "fail" and row["breaking"]
    assert any(c["kind"] == "not_null_removed" and c["category"] == "guarantee" for c in row["changes"])
    result = await shop.sync(new)
    assert status(result, USER)["status"] == "proposed"


async def test_safe_changes_publish_and_a_removed_type_is_retired(shop: Shop) -> None:
    await shop.sync(BASE + "type Extra { x: Int }\n")
    new = edit("  role: Role\n  created", "  role: Role\n  age: Int\n  created")
    result = await shop.sync(new)
    assert (status(result, USER)["status"], status(result, USER)["version"]) == ("updated", "1.1.0")
    assert status(result, "shop.Extra")["status"] == "removed"


async def test_an_invalid_schema_is_a_400_and_writes_nothing(shop: Shop) -> None:
    body = await shop.sync("type Query { a: Missing }", expect=400)
    assert body["error"]["code"] == "invalid_graphql" and "Missing" in body["error"]["message"]
    assert (await shop.api.call("GET", "/assets", 200, ADMIN))["items"] == []
