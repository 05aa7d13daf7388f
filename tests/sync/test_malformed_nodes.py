"""A node the sync cannot read is reported and left as it is: never published as a contract without its
columns, never taken for a removed model."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.helpers import ADMIN, Api
from tests.ingest.dbt.builders import manifest, model

UID = "model.shop.orders"
GOOD = manifest(model("orders", columns={"id": "integer", "amount": "integer"}))


def malformed(columns: object) -> dict[str, Any]:
    data = copy.deepcopy(GOOD)
    data["nodes"][UID]["columns"] = columns
    return data


async def post(api: Api, path: str, data: dict[str, Any], team_id: str) -> Any:
    return await api.call(
        "POST",
        f"/sync/dbt{path}?owner_team_id={team_id}" if not path else f"/sync/dbt{path}",
        200,
        {**ADMIN, "Content-Type": "application/json"},
        content=json.dumps(data).encode(),
    )


@pytest.mark.parametrize(
    ("columns", "why"),
    [
        ("id, amount", "`columns` is a str"),
        (["id", "amount"], "`columns` is a list"),
        ({"id": "integer", "amount": {"name": "amount"}}, "column `id` is a str"),
        ({"id": None, "amount": {"name": "amount"}}, "column `id` is a NoneType"),
    ],
)
async def test_malformed_columns_are_reported_and_change_nothing(api: Api, columns: object, why: str) -> None:
    team = await api.team()
    await post(api, "", GOOD, team.id)
    asset = (await api.call("GET", "/assets?q=orders", 200, ADMIN))["items"][0]
    impact = await post(api, "/impact", malformed(columns), team.id)
    assert all(not m["breaking_changes"] for m in impact["models"])
    result = await post(api, "", malformed(columns), team.id)
    warning = next(w for w in result["warnings"] if w["node"] == UID)
    assert warning["code"] == "malformed_columns" and why in warning["message"]
    assert result["summary"]["removed"] == 0
    contracts = await api.call("GET", f"/assets/{asset['id']}/contracts", 200, ADMIN)
    assert [c["version"] for c in contracts["items"]] == ["1.0.0"]
    assert set(contracts["items"][0]["schema"]["properties"]) == {"id", "amount"}
    proposals = await api.call("GET", f"/proposals?asset_id={asset['id']}", 200, ADMIN)
    assert proposals["items"] == []


async def test_a_model_without_columns_key_is_still_a_model_of_no_columns(api: Api) -> None:
    team = await api.team()
    data = copy.deepcopy(GOOD)
    del data["nodes"][UID]["columns"]
    result = await post(api, "", data, team.id)
    assert not [w for w in result["warnings"] if w["code"] == "malformed_columns"]
    assert result["summary"]["created"] == 1
