"""Assets over HTTP: create, list (filters, pagination), get, update, soft delete, lineage edges."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.assertions import assert_error
from tests.helpers import ADMIN, API, V1, Api, TeamCtx, shared_asset


async def test_create_asset_with_defaults_and_get_it(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner = await api.team()
    asset = await api.asset(owner, "warehouse.analytics.dim_customers")
    assert asset["environment"] == "production"
    assert asset["owner_team_id"] == owner.id
    assert (asset["compatibility_mode"], asset["guarantee_mode"]) == ("backward", "strict")
    assert asset["resource_type"] == "table"
    assert asset["tags"] == [] and asset["meta"] == {}
    assert asset["require_passing_audit"] is False
    assert asset["current_version"] is None and asset["deleted_at"] is None
    assert await api.call("GET", f"/assets/{asset['id']}", 200, owner.read) == asset
    await api.publish(owner, asset["id"], V1)
    assert (await api.call("GET", f"/assets/{asset['id']}", 200, owner.read))["current_version"] == "1.0.0"
    events = await api.call("GET", f"/audit/events?action=asset.created&target_id={asset['id']}", 200, ADMIN)
    assert events["items"][0]["details"]["fqn"] == "warehouse.analytics.dim_customers"


async def test_create_asset_with_every_field(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner = await api.team()
    steward = await api.call(
        "POST", "/users", 201, ADMIN, json={"email": "s@example.com", "name": "S", "team_ids": [owner.id]}
    )
    asset = await api.asset(
        owner,
        "lake.raw.events",
        environment="staging",
        steward_user_id=steward["id"],
        description="raw events",
        tags=["pii", "raw"],
        resource_type="source",
        compatibility_mode="full_transitive",
        guarantee_mode="notify",
        require_passing_audit=True,
        contact="#data",
        meta={"tier": 1},
    )
    assert asset["steward_user_id"] == steward["id"]
    assert (
        asset["environment"],
        asset["resource_type"],
        asset["compatibility_mode"],
        asset["guarantee_mode"],
    ) == (
        "staging",
        "source",
        "full_transitive",
        "notify",
    )
    assert (asset["tags"], asset["meta"], asset["contact"]) == (["pii", "raw"], {"tier": 1}, "#data")


async def test_list_items_are_exactly_the_single_asset_responses(client: httpx.AsyncClient) -> None:
    """The list writes plain rows with orjson; the single GET goes through the pydantic model."""
    api = Api(client)
    owner = await api.team()
    steward = await api.call("POST", "/users", 201, ADMIN, json={"email": "l@example.com", "name": "L"})
    rich = await api.asset(
        owner,
        "w.s.rich",
        steward_user_id=steward["id"],
        description='Ünïcode "quoted" text',
        tags=["pii", "raw"],
        resource_type="source",
        compatibility_mode="forward",
        contact="#data",
        meta={"tier": 1, "ratio": 0.25, "nested": {"list": [1, "two", None, True]}, "big": 10**15},
    )
    await api.publish(owner, rich["id"], V1)
    await api.asset(owner, "w.s.plain")
    page = await client.get(f"{API}/assets?owner_team_id={owner.id}", headers=owner.read)
    assert page.headers["content-type"] == "application/json"
    items = page.json()["items"]
    assert [i["fqn"] for i in items] == ["w.s.plain", "w.s.rich"]
    for item in items:
        single = await client.get(f"{API}/assets/{item['id']}", headers=owner.read)
        # Same keys in the same order, same values.
        assert list(item.items()) == list(single.json().items())


# Invalid fields of a new asset; the 422 message must name the field.
INVALID_ASSETS: list[tuple[dict[str, Any], str]] = [
    ({"fqn": "has space.t"}, "fqn"),
    ({"fqn": "warehouse..t"}, "fqn"),
    ({"fqn": ".t"}, "fqn"),
    ({"fqn": ""}, "fqn"),
    ({"fqn": "a." + "x" * 500}, "fqn"),
    ({"compatibility_mode": "sideways"}, "compatibility_mode"),
    ({"guarantee_mode": "lax"}, "guarantee_mode"),
    ({"resource_type": "spreadsheet"}, "resource_type"),
    ({"environment": ""}, "environment"),
    ({"tags": "pii"}, "tags"),
    ({"version": "1.0.0"}, "version"),
]


async def test_create_asset_validation_names_the_field(client: httpx.AsyncClient) -> None:
    owner = await Api(client).team()
    for extra, field in INVALID_ASSETS:
        body = {"fqn": "w.s.t", "owner_team_id": owner.id, **extra}
        resp = await client.post(f"{API}/assets", headers=owner.write, json=body)
        assert field in assert_error(resp, 422, "validation_error")["message"], extra


async def test_create_asset_conflicts_and_missing_references(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner = await api.team()
    await api.asset(owner, "w.s.orders")
    dup = await client.post(
        f"{API}/assets", headers=owner.write, json={"fqn": "w.s.orders", "owner_team_id": owner.id}
    )
    assert_error(dup, 409, "asset_exists")
    # The same FQN in another environment is another asset.
    await api.asset(owner, "w.s.orders", environment="staging")
    resp = await client.post(
        f"{API}/assets", headers=ADMIN, json={"fqn": "w.s.x", "owner_team_id": str(uuid.uuid4())}
    )
    assert_error(resp, 404, "team_not_found")
    resp = await client.post(
        f"{API}/assets",
        headers=owner.write,
        json={"fqn": "w.s.y", "owner_team_id": owner.id, "steward_user_id": str(uuid.uuid4())},
    )
    assert_error(resp, 404, "user_not_found")
    assert_error(await client.get(f"{API}/assets/{uuid.uuid4()}", headers=owner.read), 404, "asset_not_found")


async def _assets(api: Api, a: TeamCtx, b: TeamCtx) -> dict[str, dict[str, Any]]:
    specs: dict[str, tuple[TeamCtx, dict[str, Any]]] = {
        "w.mart.orders": (a, {"tags": ["finance", "gold"]}),
        "w.mart.customers": (a, {"tags": ["gold"], "resource_type": "view"}),
        "w.raw.orders": (b, {"resource_type": "source", "tags": ['quo"te', "50%", "gold-ish"]}),
        "w.raw.orders_100%": (b, {"environment": "staging"}),
        "w.mart.refunds": (b, {"tags": ["finance"]}),
    }
    return {fqn: await api.asset(team, fqn, **extra) for fqn, (team, extra) in specs.items()}


# Filters (``owner=a``/``owner=b`` stand for the owner teams' ids) and the FQNs they must list, in order.
LIST_FILTERS: list[tuple[str, list[str]]] = [
    ("", ["w.mart.customers", "w.mart.orders", "w.mart.refunds", "w.raw.orders", "w.raw.orders_100%"]),
    ("owner=a", ["w.mart.customers", "w.mart.orders"]),
    ("environment=staging", ["w.raw.orders_100%"]),
    ("q=orders", ["w.mart.orders", "w.raw.orders", "w.raw.orders_100%"]),
    ("q=100%25", ["w.raw.orders_100%"]),  # LIKE wildcards match literally
    ("q=_", ["w.raw.orders_100%"]),
    ("tag=finance", ["w.mart.orders", "w.mart.refunds"]),
    ("tag=gold&owner=a", ["w.mart.customers", "w.mart.orders"]),
    ("tag=gold", ["w.mart.customers", "w.mart.orders"]),  # whole tags only: not "gold-ish"
    ("tag=fin", []),
    ("tag=GOLD", []),
    ("tag=quo%22te", ["w.raw.orders"]),  # JSON and LIKE special characters match literally
    ("tag=50%25", ["w.raw.orders"]),
    ("tag=%25", []),
    ("resource_type=source", ["w.raw.orders"]),
    ("q=mart&owner=b", ["w.mart.refunds"]),
    ("q=nothing-like-this", []),
]


async def test_list_filters(client: httpx.AsyncClient) -> None:
    api = Api(client)
    a, b = await api.team(), await api.team()
    await _assets(api, a, b)
    for query, expected in LIST_FILTERS:
        url = "/assets?" + query.replace("owner=a", f"owner_team_id={a.id}").replace(
            "owner=b", f"owner_team_id={b.id}"
        )
        found = await api.call("GET", url, 200, b.read)
        assert [x["fqn"] for x in found["items"]] == expected, query
        assert found["total"] == len(expected), query


async def test_list_paginates_with_total_and_current_versions(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner = await api.team()
    created = [await api.asset(owner, f"w.s.t{i:02d}") for i in range(7)]
    await api.publish(owner, created[3]["id"], V1)
    pages = [await api.call("GET", f"/assets?limit=3&offset={off}", 200, owner.read) for off in (0, 3, 6, 9)]
    assert [len(p["items"]) for p in pages] == [3, 3, 1, 0]
    assert {p["total"] for p in pages} == {7}
    assert [x["fqn"] for p in pages for x in p["items"]] == [f"w.s.t{i:02d}" for i in range(7)]
    assert [x["current_version"] for x in pages[1]["items"]] == ["1.0.0", None, None]
    # Tag filtering paginates the same way.
    for asset in created:
        await api.call("PATCH", f"/assets/{asset['id']}", 200, owner.write, json={"tags": ["t"]})
    tagged = await api.call("GET", "/assets?tag=t&limit=2&offset=6", 200, owner.read)
    assert ([x["fqn"] for x in tagged["items"]], tagged["total"]) == (["w.s.t06"], 7)
    assert_error(
        await client.get(f"{API}/assets?resource_type=sheet", headers=owner.read), 422, "validation_error"
    )
    assert_error(await client.get(f"{API}/assets?limit=1000", headers=owner.read), 422, "invalid_limit")


async def test_update_asset_fields_and_modes(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner = await api.team()
    steward = await api.call("POST", "/users", 201, ADMIN, json={"email": "s@example.com", "name": "S"})
    asset = await api.asset(owner, tags=["a"], meta={"k": 1})
    patch = {
        "description": "now documented",
        "compatibility_mode": "backward_transitive",
        "guarantee_mode": "ignore",
        "steward_user_id": steward["id"],
        "tags": None,
        "meta": None,
        "require_passing_audit": True,
    }
    updated = await api.call("PATCH", f"/assets/{asset['id']}", 200, owner.write, json=patch)
    assert updated["description"] == "now documented"
    assert (updated["compatibility_mode"], updated["guarantee_mode"]) == ("backward_transitive", "ignore")
    assert (updated["tags"], updated["meta"], updated["steward_user_id"]) == ([], {}, steward["id"])
    assert updated["fqn"] == asset["fqn"]
    unset = await api.call(
        "PATCH", f"/assets/{asset['id']}", 200, owner.write, json={"steward_user_id": None}
    )
    assert unset["steward_user_id"] is None
    event = (
        await api.call("GET", f"/audit/events?action=asset.updated&target_id={asset['id']}", 200, ADMIN)
    )["items"][-1]
    assert event["details"]["before"]["compatibility_mode"] == "backward"
    assert event["details"]["after"]["compatibility_mode"] == "backward_transitive"


# Refused updates: body, status and code.
INVALID_UPDATES: list[tuple[dict[str, Any], int, str]] = [
    ({"fqn": None}, 422, "invalid_field"),
    ({"compatibility_mode": None}, 422, "invalid_field"),
    ({"owner_team_id": None}, 422, "invalid_field"),
    ({"fqn": "bad fqn"}, 422, "validation_error"),
    ({"compatibility_mode": "loose"}, 422, "validation_error"),
    ({"owner_team_id": "00000000-0000-0000-0000-000000000000"}, 404, "team_not_found"),
    ({"steward_user_id": "00000000-0000-0000-0000-000000000000"}, 404, "user_not_found"),
    ({"fqn": "w.s.taken"}, 409, "asset_exists"),
    ({"id": "00000000-0000-0000-0000-000000000000"}, 422, "validation_error"),
]


async def test_update_asset_errors_change_nothing(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner = await api.team()
    await api.asset(owner, "w.s.taken")
    asset = await api.asset(owner)
    for body, status, code in INVALID_UPDATES:
        resp = await client.patch(f"{API}/assets/{asset['id']}", headers=owner.write, json=body)
        assert_error(resp, status, code)
    assert await api.call("GET", f"/assets/{asset['id']}", 200, owner.read) == asset


async def test_transfer_ownership_hands_over_control(client: httpx.AsyncClient) -> None:
    api = Api(client)
    old, new = await api.team(), await api.team()
    asset = await api.asset(old)
    moved = await api.call("PATCH", f"/assets/{asset['id']}", 200, old.write, json={"owner_team_id": new.id})
    assert moved["owner_team_id"] == new.id
    resp = await client.patch(f"{API}/assets/{asset['id']}", headers=old.write, json={"description": "x"})
    assert_error(resp, 403, "not_asset_owner")
    await api.call("PATCH", f"/assets/{asset['id']}", 200, new.write, json={"description": "ours"})
    assert_error(
        await client.patch(f"{API}/assets/{uuid.uuid4()}", headers=ADMIN, json={}), 404, "asset_not_found"
    )


async def test_soft_delete_hides_the_asset_and_the_fqn_can_be_reused(client: httpx.AsyncClient) -> None:
    api = Api(client)
    s = await shared_asset(api, consumers=0, asset_fields={"fqn": "w.s.recycled", "tags": ["x"]})
    owner, asset = s.owner, s.asset
    await api.call("DELETE", f"/assets/{asset['id']}", 204, owner.write)
    assert_error(await client.get(f"{API}/assets/{asset['id']}", headers=owner.read), 404, "asset_not_found")
    assert_error(
        await client.delete(f"{API}/assets/{asset['id']}", headers=owner.write), 404, "asset_not_found"
    )
    for query in ("", "q=recycled", "tag=x", f"owner_team_id={owner.id}"):
        assert (await api.call("GET", f"/assets?{query}", 200, owner.read))["total"] == 0, query
    resp = await client.post(
        f"{API}/assets/{asset['id']}/contracts", headers=owner.write, json={"schema": V1}
    )
    assert_error(resp, 404, "asset_not_found")
    assert_error(
        await client.get(f"{API}/assets/{asset['id']}/contracts", headers=owner.read), 404, "asset_not_found"
    )
    # Re-creating the same FQN makes a new asset with a fresh history.
    again = await api.asset(owner, "w.s.recycled")
    assert again["id"] != asset["id"]
    assert again["current_version"] is None
    assert (await api.publish(owner, again["id"], V1))["contract"]["version"] == "1.0.0"
    events = await api.call("GET", f"/audit/events?action=asset.deleted&target_id={asset['id']}", 200, ADMIN)
    assert events["items"][0]["details"] == {"fqn": "w.s.recycled", "forced": False}


async def test_delete_with_consumers_needs_admin_force(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner, consumer = await api.team(), await api.team()
    asset = await api.asset(owner)
    await api.register(consumer, asset["id"])
    assert_error(
        await client.delete(f"{API}/assets/{asset['id']}", headers=owner.write), 409, "asset_has_consumers"
    )
    resp = await client.delete(f"{API}/assets/{asset['id']}?force=true", headers=owner.write)
    assert_error(resp, 409, "asset_has_consumers")
    await api.call("DELETE", f"/assets/{asset['id']}?force=true", 204, ADMIN)
    assert (await api.call("GET", f"/registrations?consumer_team_id={consumer.id}", 200, consumer.read))[
        "total"
    ] == 0


async def test_dependencies_add_list_remove(client: httpx.AsyncClient) -> None:
    api = Api(client)
    producer, consumer = await api.team(), await api.team()
    source = await api.asset(producer, "w.raw.orders")
    mart = await api.asset(producer, "w.mart.orders")
    report = await api.asset(consumer, "w.bi.revenue")
    edge = await api.call(
        "POST",
        f"/assets/{mart['id']}/dependencies",
        201,
        producer.write,
        json={"upstream_asset_id": source["id"]},
    )
    assert (edge["downstream_asset_id"], edge["upstream_asset_id"], edge["kind"]) == (
        mart["id"],
        source["id"],
        "reads",
    )
    # A team declares lineage of its own asset, also from another team's asset.
    await api.call(
        "POST",
        f"/assets/{report['id']}/dependencies",
        201,
        consumer.write,
        json={"upstream_asset_id": mart["id"], "kind": "joins"},
    )
    around_mart = await api.call("GET", f"/assets/{mart['id']}/dependencies", 200, consumer.read)
    assert [e["upstream_asset_id"] for e in around_mart["upstream"]] == [source["id"]]
    assert [(e["downstream_asset_id"], e["kind"]) for e in around_mart["downstream"]] == [
        (report["id"], "joins")
    ]
    around_source = await api.call("GET", f"/assets/{source['id']}/dependencies", 200, consumer.read)
    assert (around_source["upstream"], [e["downstream_asset_id"] for e in around_source["downstream"]]) == (
        [],
        [mart["id"]],
    )

    await api.call("DELETE", f"/assets/{report['id']}/dependencies/{mart['id']}", 204, consumer.write)
    assert (await api.call("GET", f"/assets/{mart['id']}/dependencies", 200, consumer.read))[
        "downstream"
    ] == []
    actions = await api.call(
        "GET", f"/audit/events?action=asset.dependency_*&target_id={report['id']}", 200, ADMIN
    )
    assert actions["total"] == 0  # a family filter ends with ".*"
    actions = await api.call("GET", f"/audit/events?action=asset.*&target_id={report['id']}", 200, ADMIN)
    assert [e["action"] for e in actions["items"]][:2] == [
        "asset.dependency_removed",
        "asset.dependency_added",
    ]


async def test_dependency_errors(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner = await api.team()
    a, b = await api.asset(owner), await api.asset(owner)
    url = f"{API}/assets/{a['id']}/dependencies"
    await api.call(
        "POST", f"/assets/{a['id']}/dependencies", 201, owner.write, json={"upstream_asset_id": b["id"]}
    )
    assert_error(
        await client.post(url, headers=owner.write, json={"upstream_asset_id": b["id"]}),
        409,
        "dependency_exists",
    )
    assert_error(
        await client.post(url, headers=owner.write, json={"upstream_asset_id": a["id"]}),
        422,
        "self_dependency",
    )
    resp = await client.post(url, headers=owner.write, json={"upstream_asset_id": str(uuid.uuid4())})
    assert_error(resp, 404, "asset_not_found")
    assert_error(await client.post(url, headers=owner.write, json={}), 422, "validation_error")
    resp = await client.post(
        f"{API}/assets/{uuid.uuid4()}/dependencies", headers=ADMIN, json={"upstream_asset_id": b["id"]}
    )
    assert_error(resp, 404, "asset_not_found")
    assert_error(
        await client.get(f"{API}/assets/{uuid.uuid4()}/dependencies", headers=ADMIN), 404, "asset_not_found"
    )
    resp = await client.delete(f"{API}/assets/{b['id']}/dependencies/{a['id']}", headers=owner.write)
    assert_error(resp, 404, "dependency_not_found")
    # A cycle is fine to record (lineage readers are cycle-safe).
    await api.call(
        "POST", f"/assets/{b['id']}/dependencies", 201, owner.write, json={"upstream_asset_id": a["id"]}
    )


async def test_lineage_hides_deleted_assets(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner = await api.team()
    up, mid, down = await api.asset(owner), await api.asset(owner), await api.asset(owner)
    await api.call(
        "POST", f"/assets/{mid['id']}/dependencies", 201, owner.write, json={"upstream_asset_id": up["id"]}
    )
    await api.call(
        "POST", f"/assets/{down['id']}/dependencies", 201, owner.write, json={"upstream_asset_id": mid["id"]}
    )
    await api.call("DELETE", f"/assets/{up['id']}", 204, owner.write)
    await api.call("DELETE", f"/assets/{down['id']}", 204, owner.write)
    around = await api.call("GET", f"/assets/{mid['id']}/dependencies", 200, owner.read)
    assert (around["upstream"], around["downstream"]) == ([], [])
    resp = await client.post(
        f"{API}/assets/{mid['id']}/dependencies", headers=owner.write, json={"upstream_asset_id": up["id"]}
    )
    assert_error(resp, 404, "asset_not_found")
