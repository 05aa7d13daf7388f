"""A registration's declared columns stay true when a published contract drops or renames them."""

from __future__ import annotations

from typing import Any

import httpx

from tests.helpers import ADMIN, Api


def _schema(*columns: str) -> dict[str, Any]:
    return {"type": "object", "properties": {c: {"type": "string"} for c in columns}}


async def test_a_dropped_declared_column_is_flagged_and_told_then_cleared(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner, reader = await api.team("owner"), await api.team("reader")
    asset = await api.call(
        "POST", "/assets", 201, owner.write, json={"fqn": "w.s.orders", "owner_team_id": owner.id}
    )
    publish = f"/assets/{asset['id']}/contracts"
    await api.call("POST", publish, 201, owner.write, json={"schema": _schema("id", "email", "zip")})
    reg = await api.call(
        "POST",
        "/registrations",
        201,
        reader.write,
        json={"asset_id": asset["id"], "columns": ["email", "id"]},
    )
    assert reg["missing_columns"] == []

    # The owner renames email (breaking: force-published by an admin here) and keeps id.
    await api.call(
        "POST",
        publish,
        201,
        ADMIN,
        json={"schema": _schema("id", "e_mail", "zip"), "force": True, "reason": "rename"},
    )
    after = await api.call("GET", f"/registrations/{reg['id']}", 200, ADMIN)
    assert after["missing_columns"] == ["email"]
    assert after["declared_columns"] == ["email", "id"]  # what the team said stays visible
    events = await api.call("GET", "/audit/events?action=registration.columns_missing", 200, ADMIN)
    [event] = events["items"]
    assert event["details"]["missing"] == ["email"] and event["details"]["team_id"] == reader.id

    # The team updates its columns: nothing is missing any more.
    fixed = await api.call(
        "PATCH", f"/registrations/{reg['id']}", 200, reader.write, json={"columns": ["e_mail", "id"]}
    )
    assert fixed["missing_columns"] == []
    # A later publish that keeps the columns leaves it clear and tells nobody again.
    await api.call("POST", publish, 201, owner.write, json={"schema": _schema("id", "e_mail", "zip", "city")})
    assert (await api.call("GET", f"/registrations/{reg['id']}", 200, ADMIN))["missing_columns"] == []
    assert (await api.call("GET", "/audit/events?action=registration.columns_missing", 200, ADMIN))[
        "total"
    ] == 1


async def test_columns_declared_before_the_first_contract_are_checked_by_it(
    client: httpx.AsyncClient,
) -> None:
    api = Api(client)
    owner, reader = await api.team("owner"), await api.team("reader")
    asset = await api.call(
        "POST", "/assets", 201, owner.write, json={"fqn": "w.s.early", "owner_team_id": owner.id}
    )
    # No contract yet: nothing to check the declared columns against.
    reg = await api.call(
        "POST",
        "/registrations",
        201,
        reader.write,
        json={"asset_id": asset["id"], "columns": ["id", "email"]},
    )
    assert reg["missing_columns"] == []
    await api.call(
        "POST", f"/assets/{asset['id']}/contracts", 201, owner.write, json={"schema": _schema("id")}
    )
    after = await api.call("GET", f"/registrations/{reg['id']}", 200, ADMIN)
    assert after["missing_columns"] == ["email"]
    events = await api.call("GET", "/audit/events?action=registration.columns_missing", 200, ADMIN)
    assert [e["details"]["missing"] for e in events["items"]] == [["email"]]
