"""POST /sync/sqlmesh: a SQLMesh project sent as source-neutral assets syncs like a dbt project."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from tests.helpers import ADMIN, Api, TeamCtx

ORDERS_COLUMNS = {"order_id": {"type": "integer"}, "amount": {"type": "number"}, "note": {"type": "string"}}


def project(**changes: Any) -> dict[str, Any]:
    """Two models of team core and one of team finance reading core's orders."""
    doc: dict[str, Any] = {
        "project_name": "Shop",
        "version": "0.236.4",
        "assets": [
            {
                "unique_id": "shop.raw_orders",
                "fqn": "db.shop.raw_orders",
                "schema": {"type": "object", "properties": {"order_id": {"type": "integer"}}},
                "owner": "core",
            },
            {
                "unique_id": "shop.orders",
                "fqn": "db.shop.orders",
                "schema": {"type": "object", "properties": dict(ORDERS_COLUMNS), "required": ["order_id"]},
                "guarantees": {"columns": {"order_id": {"not_null": True, "unique": True}}},
                "owner": "core",
                "depends_on": ["shop.raw_orders"],
            },
            {
                "unique_id": "finance.revenue",
                "fqn": "db.finance.revenue",
                "schema": {"type": "object", "properties": {"amount": {"type": "number"}}},
                "owner": "finance",
                "depends_on": ["shop.orders"],
            },
        ],
    }
    doc.update(changes)
    return copy.deepcopy(doc)


class Mesh:
    def __init__(self, api: Api, core: TeamCtx, finance: TeamCtx) -> None:
        self.api, self.core, self.finance = api, core, finance

    async def sync(self, doc: dict[str, Any], expect: int = 200) -> Any:
        resp = await self.api.client.post(
            "/api/v1/sync/sqlmesh", params={"owner_team_id": self.core.id}, json=doc, headers=ADMIN
        )
        assert resp.status_code == expect, resp.text
        return resp.json()

    async def asset(self, fqn: str) -> Any:
        found = await self.api.call("GET", "/assets?limit=200", 200, ADMIN)
        return next(a for a in found["items"] if a["fqn"] == fqn)


@pytest.fixture
async def mesh(client: httpx.AsyncClient) -> Mesh:
    api = Api(client)
    return Mesh(api, await api.team("core"), await api.team("finance"))


async def test_owners_lineage_and_consumers_come_from_the_project(mesh: Mesh) -> None:
    result = await mesh.sync(project())
    assert (result["source"], result["project_name"], result["version"]) == ("sqlmesh", "shop", "0.236.4")
    assert result["summary"]["created"] == 3 and result["summary"]["dependencies_created"] == 2
    orders = await mesh.asset("db.shop.orders")
    revenue = await mesh.asset("db.finance.revenue")
    assert (orders["owner_team_id"], revenue["owner_team_id"]) == (mesh.core.id, mesh.finance.id)
    regs = await mesh.api.call("GET", f"/registrations?asset_id={orders['id']}", 200, ADMIN)
    assert [r["consumer_team_id"] for r in regs["items"]] == [mesh.finance.id]
    assert (await mesh.sync(project()))["summary"]["unchanged"] == 3


async def test_a_dropped_column_read_by_another_team_is_proposed(mesh: Mesh) -> None:
    await mesh.sync(project())
    doc = project()
    del doc["assets"][1]["schema"]["properties"]["amount"]
    result = await mesh.sync(doc)
    orders = next(a for a in result["assets"] if a["fqn"] == "db.shop.orders")
    assert orders["status"] == "proposed"


async def test_a_model_gone_from_the_project_opens_a_removal_for_its_readers(mesh: Mesh) -> None:
    await mesh.sync(project())
    doc = project()
    doc["assets"] = [doc["assets"][0], doc["assets"][2]]
    doc["assets"][1]["depends_on"] = []
    result = await mesh.sync(doc)
    orders = next(a for a in result["assets"] if a["fqn"] == "db.shop.orders")
    assert orders["status"] == "removal_proposed"


@pytest.mark.parametrize(
    ("doc", "code", "fragment"),
    [
        ({"assets": []}, "invalid_assets", "project_name"),
        (
            project(assets=[{"unique_id": "a", "fqn": "has space", "schema": {}}]),
            "invalid_assets",
            "assets/0/fqn",
        ),
        (project(assets=[{"unique_id": "a", "fqn": "a", "schema": {}}] * 2), "invalid_assets", "unique_id"),
    ],
)
async def test_a_bad_document_is_a_400_and_writes_nothing(
    mesh: Mesh, doc: Any, code: str, fragment: str
) -> None:
    body = await mesh.sync(doc, expect=400)
    assert body["error"]["code"] == code and fragment in body["error"]["message"]
    assert (await mesh.api.call("GET", "/assets", 200, ADMIN))["items"] == []


async def test_an_unusable_contract_is_skipped_with_a_warning_not_synced_empty(mesh: Mesh) -> None:
    doc = project()
    doc["assets"][0]["schema"] = {"type": "nonsense"}
    result = await mesh.sync(doc)
    assert [w["code"] for w in result["warnings"]] == ["unreadable_contract"]
    assert {a["fqn"] for a in result["assets"]} == {"db.shop.orders", "db.finance.revenue"}


def _with_lineage(reads: list[str] | None, reason: str | None = None) -> dict[str, Any]:
    doc = project()
    doc["assets"][2]["lineage"] = {
        "reads": {"shop.orders": reads},
        "derives": {"amount": [["shop.orders", "amount"]]},
        "fallback_reason": reason,
    }
    return doc


async def test_column_lineage_of_the_document_gates_only_the_teams_that_read_the_column(mesh: Mesh) -> None:
    first = await mesh.sync(_with_lineage(["amount"]))
    assert first["lineage_fallbacks"] == []
    orders = await mesh.asset("db.shop.orders")
    [reg] = (await mesh.api.call("GET", f"/registrations?asset_id={orders['id']}", 200, ADMIN))["items"]
    assert (reg["derived_columns"], reg["column_scope"]) == (["amount"], "columns")
    # finance reads amount only: dropping note publishes (finance informed), dropping amount waits for it.
    doc = _with_lineage(["amount"])
    del doc["assets"][1]["schema"]["properties"]["note"]
    result = await mesh.sync(doc)
    assert next(a for a in result["assets"] if a["fqn"] == "db.shop.orders")["status"] == "updated"
    del doc["assets"][1]["schema"]["properties"]["amount"]
    result = await mesh.sync(doc)
    assert next(a for a in result["assets"] if a["fqn"] == "db.shop.orders")["status"] == "proposed"


async def test_a_lineage_fallback_is_listed_and_reads_every_column(mesh: Mesh) -> None:
    result = await mesh.sync(_with_lineage(None, "it is a Python model"))
    assert result["lineage_fallbacks"] == [{"node": "finance.revenue", "reason": "it is a Python model"}]
    orders = await mesh.asset("db.shop.orders")
    [reg] = (await mesh.api.call("GET", f"/registrations?asset_id={orders['id']}", 200, ADMIN))["items"]
    assert reg["column_scope"] == "all" and "it is a Python model" in reg["scope_reason"]
