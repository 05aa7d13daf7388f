"""Registrations over HTTP: register, list, get, update, delete; success and error paths."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.assertions import assert_error
from tests.helpers import ADMIN, API, V1, Api, TeamCtx, record_schema, shared_asset


async def _world(api: Api) -> tuple[TeamCtx, TeamCtx, dict[str, Any]]:
    shared = await shared_asset(api, register=False)
    return shared.owner, shared.consumer, shared.asset


async def test_register_with_columns_purpose_and_pinned_version(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner, consumer, asset = await _world(api)
    reg = await api.register(
        consumer, asset["id"], columns=["Email", "id", "email"], purpose="churn model", pinned_version="1.0.0"
    )
    assert reg["consumer_team_id"] == consumer.id  # defaults to the key's team
    assert reg["columns"] == ["email", "id"]  # lower-cased, de-duplicated, sorted
    assert (reg["purpose"], reg["pinned_version"], reg["source"]) == ("churn model", "1.0.0", "api")
    assert await api.call("GET", f"/registrations/{reg['id']}", 200, owner.read) == reg
    event = (
        await api.call("GET", f"/audit/events?action=registration.created&target_id={reg['id']}", 200, ADMIN)
    )["items"][0]
    assert event["details"] == {"asset_id": asset["id"], "team_id": consumer.id}
    # The registration is on the asset, so it survives new versions.
    await api.publish(
        owner, asset["id"], record_schema({"id": "integer", "email": "string", "x": "string"}, ["id"])
    )
    assert (await api.call("GET", f"/registrations?asset_id={asset['id']}", 200, owner.read))["total"] == 1


async def test_admin_registers_a_named_team(client: httpx.AsyncClient) -> None:
    api = Api(client)
    _, consumer, asset = await _world(api)
    resp = await client.post(f"{API}/registrations", headers=ADMIN, json={"asset_id": asset["id"]})
    assert_error(resp, 422, "team_required")  # the bootstrap key has no team
    reg = await api.call(
        "POST", "/registrations", 201, ADMIN, json={"asset_id": asset["id"], "consumer_team_id": consumer.id}
    )
    assert reg["consumer_team_id"] == consumer.id


async def test_owner_cannot_register_on_its_own_asset(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner, _, asset = await _world(api)
    resp = await client.post(f"{API}/registrations", headers=owner.write, json={"asset_id": asset["id"]})
    assert_error(resp, 422, "owner_cannot_register")
    resp = await client.post(
        f"{API}/registrations", headers=ADMIN, json={"asset_id": asset["id"], "consumer_team_id": owner.id}
    )
    assert_error(resp, 422, "owner_cannot_register")


async def test_duplicate_registration_conflicts_and_re_register_after_delete_works(
    client: httpx.AsyncClient,
) -> None:
    api = Api(client)
    owner, consumer, asset = await _world(api)
    first = await api.register(consumer, asset["id"])
    resp = await client.post(
        f"{API}/registrations", headers=consumer.write, json={"asset_id": asset["id"], "columns": ["id"]}
    )
    assert_error(resp, 409, "registration_exists")
    await api.call("DELETE", f"/registrations/{first['id']}", 204, consumer.write)
    assert_error(
        await client.get(f"{API}/registrations/{first['id']}", headers=owner.read),
        404,
        "registration_not_found",
    )
    assert_error(
        await client.delete(f"{API}/registrations/{first['id']}", headers=consumer.write),
        404,
        "registration_not_found",
    )
    second = await api.register(consumer, asset["id"], columns=["id"])
    assert second["id"] != first["id"]
    listed = await api.call("GET", f"/registrations?asset_id={asset['id']}", 200, owner.read)
    assert [r["id"] for r in listed["items"]] == [second["id"]]
    deleted = await api.call(
        "GET", f"/audit/events?action=registration.deleted&target_id={first['id']}", 200, ADMIN
    )
    assert deleted["total"] == 1


# Refused registrations (``asset_id`` None stands for the real asset) and the status and code of each.
INVALID_REGISTRATIONS: list[tuple[dict[str, Any], int, str]] = [
    ({"asset_id": "00000000-0000-0000-0000-000000000000"}, 404, "asset_not_found"),
    ({}, 422, "validation_error"),
    ({"asset_id": "nope"}, 422, "validation_error"),
    ({"asset_id": None, "columns": "email"}, 422, "validation_error"),
    ({"asset_id": None, "purpose": "x" * 2001}, 422, "validation_error"),
    ({"asset_id": None, "contract_id": "00000000-0000-0000-0000-000000000000"}, 422, "validation_error"),
    # A pinned version must be one the asset has.
    ({"asset_id": None, "pinned_version": "9.9.9"}, 422, "unknown_version"),
    ({"asset_id": None, "pinned_version": "not-a-version"}, 422, "unknown_version"),
    ({"asset_id": None, "pinned_version": "1.0"}, 422, "unknown_version"),
]


async def test_register_errors_create_nothing(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner, consumer, asset = await _world(api)
    for row, status, code in INVALID_REGISTRATIONS:
        body = {**row, "asset_id": asset["id"]} if "asset_id" in row and row["asset_id"] is None else row
        error = assert_error(
            await client.post(f"{API}/registrations", headers=consumer.write, json=body), status, code
        )
        if "pinned_version" in row:
            assert row["pinned_version"] in error["message"]
    assert (await api.call("GET", "/registrations", 200, owner.read))["total"] == 0


async def test_register_on_deleted_asset_or_for_unknown_team(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner, consumer = await api.team(), await api.team()
    asset = await api.asset(owner)
    resp = await client.post(
        f"{API}/registrations",
        headers=ADMIN,
        json={"asset_id": asset["id"], "consumer_team_id": str(uuid.uuid4())},
    )
    assert_error(resp, 404, "team_not_found")
    await api.call("DELETE", f"/assets/{asset['id']}", 204, owner.write)
    resp = await client.post(f"{API}/registrations", headers=consumer.write, json={"asset_id": asset["id"]})
    assert_error(resp, 404, "asset_not_found")


async def test_list_filters_paginates_and_hides_deleted(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner, c1, c2 = await api.team(), await api.team(), await api.team()
    a1, a2, a3 = await api.asset(owner), await api.asset(owner), await api.asset(owner)
    r11 = await api.register(c1, a1["id"])
    r12 = await api.register(c1, a2["id"])
    r21 = await api.register(c2, a1["id"])
    r23 = await api.register(c2, a3["id"])
    everything = await api.call("GET", "/registrations", 200, c1.read)
    assert [r["id"] for r in everything["items"]] == [
        r23["id"],
        r21["id"],
        r12["id"],
        r11["id"],
    ]  # newest first
    page = await api.call("GET", "/registrations?limit=2&offset=1", 200, c1.read)
    assert ([r["id"] for r in page["items"]], page["total"]) == ([r21["id"], r12["id"]], 4)
    by_team = await api.call("GET", f"/registrations?consumer_team_id={c1.id}", 200, c1.read)
    assert {r["id"] for r in by_team["items"]} == {r11["id"], r12["id"]}
    both = await api.call("GET", f"/registrations?consumer_team_id={c2.id}&asset_id={a1['id']}", 200, c1.read)
    assert [r["id"] for r in both["items"]] == [r21["id"]]
    # Deleted registrations and registrations on deleted assets drop out.
    await api.call("DELETE", f"/registrations/{r12['id']}", 204, c1.write)
    await api.call("DELETE", f"/assets/{a3['id']}?force=true", 204, ADMIN)
    remaining = await api.call("GET", "/registrations", 200, c1.read)
    assert {r["id"] for r in remaining["items"]} == {r11["id"], r21["id"]}
    assert remaining["total"] == 2
    assert_error(
        await client.get(f"{API}/registrations?asset_id=x", headers=c1.read), 422, "validation_error"
    )


async def test_get_unknown_registration(client: httpx.AsyncClient) -> None:
    assert_error(
        await client.get(f"{API}/registrations/{uuid.uuid4()}", headers=ADMIN), 404, "registration_not_found"
    )


async def test_update_registration(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner, consumer, asset = await _world(api)
    await api.publish(
        owner,
        asset["id"],
        record_schema({"id": "integer", "email": "string", "n": "string"}, ["id", "email"]),
    )
    reg = await api.register(consumer, asset["id"], columns=["id"], purpose="p")
    url = f"/registrations/{reg['id']}"
    pinned = await api.call(
        "PATCH", url, 200, consumer.write, json={"pinned_version": "1.0.0", "columns": ["ID", "email"]}
    )
    assert (pinned["pinned_version"], pinned["columns"], pinned["purpose"]) == ("1.0.0", ["email", "id"], "p")
    unpinned = await api.call(
        "PATCH", url, 200, consumer.write, json={"pinned_version": None, "columns": None}
    )
    assert (unpinned["pinned_version"], unpinned["columns"]) == (None, [])
    resp = await client.patch(f"{API}{url}", headers=consumer.write, json={"pinned_version": "3.0.0"})
    assert_error(resp, 422, "unknown_version")
    assert_error(
        await client.patch(f"{API}{url}", headers=consumer.write, json={"asset_id": asset["id"]}),
        422,
        "validation_error",
    )
    assert_error(
        await client.patch(f"{API}{url}", headers=owner.write, json={"purpose": "x"}), 403, "not_team_member"
    )
    assert_error(
        await client.patch(f"{API}{url}", headers=consumer.read, json={"purpose": "x"}),
        403,
        "insufficient_scope",
    )
    resp = await client.patch(f"{API}/registrations/{uuid.uuid4()}", headers=ADMIN, json={"purpose": "x"})
    assert_error(resp, 404, "registration_not_found")
    await api.call("PATCH", url, 200, ADMIN, json={"purpose": "set by admin"})
    events = await api.call(
        "GET", f"/audit/events?action=registration.updated&target_id={reg['id']}", 200, ADMIN
    )
    # Refused updates rolled back without an event.
    fields = [["purpose"], ["columns", "pinned_version"], ["columns", "pinned_version"]]
    assert [e["details"]["fields"] for e in events["items"]] == fields


async def test_delete_registration_only_by_the_consumer(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner, consumer, asset = await _world(api)
    reg = await api.register(consumer, asset["id"])
    assert_error(
        await client.delete(f"{API}/registrations/{reg['id']}", headers=owner.write), 403, "not_team_member"
    )
    assert_error(
        await client.delete(f"{API}/registrations/{reg['id']}", headers=consumer.read),
        403,
        "insufficient_scope",
    )
    await api.call("DELETE", f"/registrations/{reg['id']}", 204, consumer.write)
    # Without registrations the owner may delete its asset again.
    await api.call("DELETE", f"/assets/{asset['id']}", 204, owner.write)


async def test_columns_declared_by_hand_and_the_read_scope(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner, consumer, asset = await _world(api)
    reg = await api.register(consumer, asset["id"])
    # No columns: unknown, and such a team is asked about every breaking change.
    assert (reg["column_scope"], reg["columns"], reg["declared_columns"]) == ("unknown", [], [])
    assert "declare the columns" in reg["scope_reason"]
    assert (reg["derived_columns"], reg["derived_by"]) == ([], None)
    updated = await api.call(
        "PATCH", f"/registrations/{reg['id']}", 200, consumer.write, json={"columns": ["ID", "email"]}
    )
    assert (updated["column_scope"], updated["scope_reason"]) == ("columns", None)
    assert updated["columns"] == updated["declared_columns"] == ["email", "id"]
    listed = await api.call("GET", f"/registrations?asset_id={asset['id']}", 200, owner.read)
    assert listed["items"] == [updated]


async def test_columns_must_exist_in_the_active_contract(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner, consumer = await api.team(), await api.team()
    asset = await api.asset(owner)
    await api.publish(owner, asset["id"], V1)
    body = {"asset_id": asset["id"], "columns": ["id", "emial", "Phone"]}
    resp = await client.post(f"{API}/registrations", headers=consumer.write, json=body)
    error = assert_error(resp, 422, "unknown_columns")
    assert error["details"]["unknown"] == ["emial", "phone"] and "email, id" in error["message"]
    reg = await api.register(consumer, asset["id"], columns=["id"])
    resp = await client.patch(
        f"{API}/registrations/{reg['id']}", headers=consumer.write, json={"columns": ["x"]}
    )
    assert_error(resp, 422, "unknown_columns")
