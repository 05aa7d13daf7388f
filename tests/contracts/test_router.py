"""Contracts over HTTP: publish and its version rules, list, get, diff, guarantees patch, transitive modes."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.models import AuditEvent, OutboxMessage
from tests.assertions import assert_error
from tests.conftest import MakeShared
from tests.helpers import ADMIN, API, V1, V1_PLUS, Api, TeamCtx, record_schema, shared_asset

DROPPED = record_schema({"id": "integer"})
NOT_NULL_EMAIL = {"columns": {"email": {"not_null": True}}}


async def _published(api: Api, owner: TeamCtx, *schemas: dict[str, Any], **asset: Any) -> dict[str, Any]:
    """An asset of ``owner`` with each schema published in turn (no consumers, so all publish)."""
    created = await api.asset(owner, **asset)
    for schema in schemas:
        await api.publish(owner, created["id"], schema)
    return created


async def test_list_versions_newest_first_with_pagination(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner = await api.team()
    asset = await _published(api, owner, V1, V1_PLUS, DROPPED)
    listed = await api.call("GET", f"/assets/{asset['id']}/contracts", 200, owner.read)
    assert [c["version"] for c in listed["items"]] == ["2.0.0", "1.1.0", "1.0.0"]
    assert [c["status"] for c in listed["items"]] == ["active", "deprecated", "deprecated"]
    assert listed["items"][0]["deprecated_at"] is None
    assert all(c["deprecated_at"] for c in listed["items"][1:])
    assert [c["bump"] for c in listed["items"]] == ["major", "minor", "major"]
    page = await api.call("GET", f"/assets/{asset['id']}/contracts?limit=1&offset=1", 200, owner.read)
    assert ([c["version"] for c in page["items"]], page["total"]) == (["1.1.0"], 3)
    empty = await api.asset(owner)
    assert (await api.call("GET", f"/assets/{empty['id']}/contracts", 200, owner.read))["total"] == 0
    assert_error(
        await client.get(f"{API}/assets/{uuid.uuid4()}/contracts", headers=owner.read), 404, "asset_not_found"
    )


async def test_get_contract(client: httpx.AsyncClient) -> None:
    api = Api(client)
    s = await shared_asset(api, V1, consumers=0, guarantees=NOT_NULL_EMAIL)
    owner = s.owner
    contract = await api.call("GET", f"/contracts/{s.contract['id']}", 200, owner.read)
    assert contract == s.contract
    assert contract["schema"]["properties"] == V1["properties"]
    assert contract["guarantees"] == NOT_NULL_EMAIL
    assert contract["published_by_team_id"] == owner.id
    assert (contract["forced"], contract["force_reason"], contract["proposal_id"]) == (False, None, None)
    assert_error(
        await client.get(f"{API}/contracts/{uuid.uuid4()}", headers=owner.read), 404, "contract_not_found"
    )


async def test_diff_between_versions(client: httpx.AsyncClient) -> None:
    api = Api(client)
    s = await shared_asset(api, V1, consumers=0)
    owner, asset = s.owner, s.asset
    await api.publish(owner, asset["id"], V1_PLUS, guarantees=NOT_NULL_EMAIL)
    await api.publish(owner, asset["id"], DROPPED, guarantees=NOT_NULL_EMAIL)
    url = f"/assets/{asset['id']}/contracts/diff"
    additive = await api.call("GET", f"{url}?from_version=1.0.0&to_version=1.1.0", 200, owner.read)
    assert additive["compatible"] is True
    assert additive["compatibility_mode"] == "backward"
    assert additive["suggested_bump"] == "minor"
    assert [c["kind"] for c in additive["changes"]] == ["property_added"]
    assert additive["breaking_changes"] == []
    assert [g["kind"] for g in additive["guarantee_changes"]] == ["not_null_added"]
    breaking = await api.call("GET", f"{url}?from_version=1.0.0&to_version=2.0.0", 200, owner.read)
    assert breaking["compatible"] is False
    assert breaking["suggested_bump"] == "major"
    assert {c["kind"] for c in breaking["breaking_changes"]} == {"property_removed"}
    same = await api.call("GET", f"{url}?from_version=2.0.0&to_version=2.0.0", 200, owner.read)
    assert (same["changes"], same["guarantee_changes"], same["compatible"]) == ([], [], True)


# Refused diffs: query, status, code, and what the message must mention.
INVALID_DIFFS: list[tuple[str, int, str, str]] = [
    ("from_version=1.0.0&to_version=9.9.9", 404, "contract_version_not_found", "9.9.9"),
    ("from_version=0.0.1&to_version=1.0.0", 404, "contract_version_not_found", "0.0.1"),
    ("to_version=1.0.0", 422, "validation_error", "from_version"),
    ("from_version=1.0.0", 422, "validation_error", "to_version"),
]


async def test_diff_errors(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner = await api.team()
    asset = await _published(api, owner, V1)
    for query, status, code, mentions in INVALID_DIFFS:
        resp = await client.get(f"{API}/assets/{asset['id']}/contracts/diff?{query}", headers=owner.read)
        assert mentions in assert_error(resp, status, code)["message"], query


async def test_diff_on_unknown_asset(client: httpx.AsyncClient) -> None:
    resp = await client.get(
        f"{API}/assets/{uuid.uuid4()}/contracts/diff?from_version=1.0.0&to_version=1.0.0", headers=ADMIN
    )
    assert_error(resp, 404, "asset_not_found")


async def test_explicit_versions_are_validated(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner, consumer = await api.team(), await api.team()
    asset = await api.asset(owner)
    first = await api.publish(owner, asset["id"], V1, version="0.3.0")
    assert first["contract"]["version"] == "0.3.0"
    url = f"{API}/assets/{asset['id']}/contracts"
    for version in ("0.2.0", "v0.4.0", "1.0", "banana"):
        resp = await client.post(url, headers=owner.write, json={"schema": V1_PLUS, "version": version})
        assert version in assert_error(resp, 422, "invalid_version")["message"]
    # The current version again is a version that exists (as in docs/api.md), not a malformed one.
    resp = await client.post(url, headers=owner.write, json={"schema": V1_PLUS, "version": "0.3.0"})
    assert "0.3.0" in assert_error(resp, 409, "version_exists")["message"]
    chosen = await api.publish(owner, asset["id"], V1_PLUS, version="0.7.1")
    assert chosen["contract"]["version"] == "0.7.1"
    await api.register(consumer, asset["id"])
    # A breaking change needs a major bump, also when it would only open a proposal (nothing is opened).
    resp = await client.post(url, headers=owner.write, json={"schema": DROPPED, "version": "0.8.0"})
    assert "major" in assert_error(resp, 422, "invalid_version")["message"]
    assert (await api.call("GET", f"/proposals?asset_id={asset['id']}", 200, owner.read))["total"] == 0
    resp = await client.post(
        url, headers=owner.admin, json={"schema": DROPPED, "version": "0.8.0", "force": True, "reason": "x"}
    )
    assert_error(resp, 422, "invalid_version")
    # A pre-release of the required major version is fine.
    forced = await api.call(
        "POST",
        f"/assets/{asset['id']}/contracts",
        201,
        owner.admin,
        json={"schema": DROPPED, "version": "1.0.0-rc.1", "force": True, "reason": "migration"},
    )
    assert forced["contract"]["version"] == "1.0.0-rc.1"
    proposal = await api.publish(
        owner, asset["id"], record_schema({"id": "string"}), expect=202, version="2.0.0"
    )
    assert proposal["proposal"]["proposed_version"] == "2.0.0"
    await api.ack(consumer, proposal["proposal"]["id"])
    assert (await api.call("GET", f"/assets/{asset['id']}", 200, owner.read))["current_version"] == "2.0.0"


async def test_first_version_may_be_any_semver_but_not_garbage(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner = await api.team()
    asset = await api.asset(owner)
    resp = await client.post(
        f"{API}/assets/{asset['id']}/contracts", headers=owner.write, json={"schema": V1, "version": "one"}
    )
    assert_error(resp, 422, "invalid_version")
    assert (await api.publish(owner, asset["id"], V1, version="3.1.4"))["contract"]["version"] == "3.1.4"


# Refused publish requests: body, code (always 422), and what the message must mention.
INVALID_PUBLISHES: list[tuple[dict[str, Any], str, str]] = [
    ({}, "validation_error", "schema"),
    ({"schema": "not an object"}, "validation_error", "schema"),
    ({"schema": {"type": "object", "properties": {"id": {"type": "integr"}}}}, "invalid_schema", "integr"),
    (
        {"schema": V1, "guarantees": {"columns": {"email": {"not_null": "yes"}}}},
        "invalid_guarantees",
        "not_null",
    ),
    ({"schema": V1, "force": True}, "reason_required", "reason"),
    ({"schema": V1, "force": True, "reason": "  "}, "reason_required", "reason"),
    ({"schema": V1, "expires_at": "2030-01-01T00:00:00"}, "validation_error", "expires_at"),
    ({"schema": V1, "compatibility_mode": "none"}, "validation_error", "compatibility_mode"),
]


async def test_publish_validation_publishes_nothing(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner = await api.team()
    asset = await api.asset(owner)
    for body, code, mentions in INVALID_PUBLISHES:
        key = owner.admin if body.get("force") else owner.write
        resp = await client.post(f"{API}/assets/{asset['id']}/contracts", headers=key, json=body)
        assert mentions in assert_error(resp, 422, code)["message"], body
    assert (await api.call("GET", f"/assets/{asset['id']}/contracts", 200, owner.read))["total"] == 0


async def test_publish_to_unknown_asset(client: httpx.AsyncClient) -> None:
    resp = await client.post(f"{API}/assets/{uuid.uuid4()}/contracts", headers=ADMIN, json={"schema": V1})
    assert_error(resp, 404, "asset_not_found")


async def test_omitted_guarantees_keep_the_active_ones(client: httpx.AsyncClient) -> None:
    api = Api(client)
    s = await shared_asset(api, V1, consumers=0, guarantees=NOT_NULL_EMAIL)
    owner, asset = s.owner, s.asset
    kept = await api.publish(owner, asset["id"], V1_PLUS)
    assert kept["contract"]["guarantees"] == NOT_NULL_EMAIL
    assert kept["guarantee_changes"] == []


async def test_patch_guarantees(client: httpx.AsyncClient) -> None:
    api = Api(client)
    s = await shared_asset(api, V1, consumers=0)
    owner, first = s.owner, s.contract
    tightened = await api.call(
        "PATCH", f"/contracts/{first['id']}/guarantees", 201, owner.write, json={"guarantees": NOT_NULL_EMAIL}
    )
    assert tightened["outcome"] == "published"
    assert tightened["contract"]["version"] == "1.1.0"
    assert tightened["contract"]["schema"] == first["schema"]
    assert tightened["contract"]["guarantees"] == NOT_NULL_EMAIL
    # Patching again with the same guarantees changes nothing.
    same = await api.call(
        "PATCH",
        f"/contracts/{tightened['contract']['id']}/guarantees",
        200,
        owner.write,
        json={"guarantees": NOT_NULL_EMAIL},
    )
    assert same["outcome"] == "unchanged"
    # The old contract is deprecated now: only the active one can be patched.
    resp = await client.patch(
        f"{API}/contracts/{first['id']}/guarantees", headers=owner.write, json={"guarantees": {}}
    )
    assert_error(resp, 409, "contract_not_active")
    resp = await client.patch(
        f"{API}/contracts/{uuid.uuid4()}/guarantees", headers=owner.write, json={"guarantees": {}}
    )
    assert_error(resp, 404, "contract_not_found")
    resp = await client.patch(
        f"{API}/contracts/{tightened['contract']['id']}/guarantees",
        headers=owner.write,
        json={"guarantees": {"volume": {"min_rows": -1}}},
    )
    assert_error(resp, 422, "invalid_guarantees")
    resp = await client.patch(
        f"{API}/contracts/{tightened['contract']['id']}/guarantees", headers=owner.write, json={}
    )
    assert "guarantees" in assert_error(resp, 422, "validation_error")["message"]
    resp = await client.patch(
        f"{API}/contracts/{tightened['contract']['id']}/guarantees",
        headers=owner.write,
        json={"guarantees": {}, "version": "1.1.1"},
    )
    assert_error(resp, 422, "invalid_version")  # relaxing not_null is breaking under strict: a major bump


async def test_forced_guarantee_patch_is_recorded(api: Api, make_shared_asset: MakeShared) -> None:
    shared = await make_shared_asset(guarantees=NOT_NULL_EMAIL)
    owner, contract = shared.owner, shared.contract
    forced = await api.call(
        "PATCH",
        f"/contracts/{contract['id']}/guarantees",
        201,
        owner.admin,
        json={"guarantees": {}, "force": True, "reason": "column is nullable upstream"},
    )
    assert forced["outcome"] == "force_published"
    assert (forced["contract"]["forced"], forced["contract"]["force_reason"]) == (
        True,
        "column is nullable upstream",
    )
    assert forced["contract"]["version"] == "2.0.0"


async def _history(api: Api, owner: TeamCtx, mode: str) -> dict[str, Any]:
    """v1 {id, email}, then v2 without email (under mode none); then the asset switches to ``mode``."""
    asset = await api.asset(owner, compatibility_mode="none")
    await api.publish(owner, asset["id"], V1)
    await api.publish(owner, asset["id"], DROPPED)
    await api.call("PATCH", f"/assets/{asset['id']}", 200, owner.write, json={"compatibility_mode": mode})
    return asset


async def test_transitive_mode_checks_every_earlier_version(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner, consumer = await api.team(), await api.team()
    plain = await _history(api, owner, "backward")
    transitive = await _history(api, owner, "backward_transitive")
    # email comes back as an integer: compatible with the latest version (a new optional column), but not
    # with 1.0.0, where email was a string.
    readded = record_schema({"id": "integer", "email": "integer"}, ["id"])
    compatible = await api.publish(owner, plain["id"], readded)
    assert (compatible["outcome"], compatible["contract"]["version"]) == ("published", "2.1.0")

    await api.register(consumer, transitive["id"])
    impact = await api.call(
        "POST", f"/assets/{transitive['id']}/impact", 200, consumer.read, json={"schema": readded}
    )
    assert impact["safe_to_publish"] is False
    proposed = await api.publish(owner, transitive["id"], readded, expect=202)
    assert proposed["outcome"] == "proposed"
    assert proposed["suggested_version"] == "3.0.0"
    assert any(c["path"].endswith("email") for c in proposed["breaking_changes"])
    assert [c["kind"] for c in proposed["changes"]] == ["property_added"]  # against the latest version only


async def test_publishing_is_audited_with_actor_and_request_id(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner = await api.team()
    asset = await api.asset(owner)
    resp = await client.post(
        f"{API}/assets/{asset['id']}/contracts",
        headers={**owner.write, "X-Request-ID": "req-publish-1"},
        json={"schema": V1},
    )
    assert resp.status_code == 201
    contract_id = resp.json()["contract"]["id"]
    event = (await api.call("GET", f"/audit/events?target_id={contract_id}", 200, ADMIN))["items"][0]
    assert (event["action"], event["target_type"], event["request_id"]) == (
        "contract.published",
        "contract",
        "req-publish-1",
    )
    assert event["actor_team_id"] == owner.id
    assert event["details"]["version"] == "1.0.0" and event["details"]["previous_version"] is None


async def _trail(session: AsyncSession) -> tuple[int, int]:
    """How many audit events and outbox messages exist."""
    events = await session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    messages = await session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    await session.rollback()  # end the read, so SQLite lets the app write
    return int(events or 0), int(messages or 0)


async def test_same_guarantees_spelled_with_a_float_or_reordered_are_unchanged(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    # 1 and 1.0 are the same JSON number: publishing [1.0] after [1] used to create 1.0.1 with no changes.
    api = Api(client)
    ints = {"columns": {"id": {"accepted_values": [1, 2]}}}
    s = await shared_asset(api, V1, consumers=0, guarantees=ints)
    owner, asset, first = s.owner, s.asset, s.contract
    trail = await _trail(session)
    # Accepted values are a set: their order and repeats change nothing either.
    for spelling in ([1.0, 2.0], [1, 2.0], [2, 1], [2.0, 1, 1.0]):
        floats = {"columns": {"id": {"accepted_values": spelling}}}
        again = await api.publish(owner, asset["id"], V1, expect=200, guarantees=floats)
        assert again["outcome"] == "unchanged"
        assert again["contract"]["id"] == first["id"]
        assert again["contract"]["version"] == "1.0.0"
    listed = await api.call("GET", f"/assets/{asset['id']}/contracts", 200, owner.read)
    assert [c["version"] for c in listed["items"]] == ["1.0.0"]
    assert await _trail(session) == trail


async def test_true_is_not_one_in_guarantees(client: httpx.AsyncClient) -> None:
    api = Api(client)
    s = await shared_asset(api, V1, consumers=0, guarantees={"columns": {"id": {"accepted_values": [1]}}})
    owner, asset = s.owner, s.asset
    changed = await api.publish(
        owner, asset["id"], V1, guarantees={"columns": {"id": {"accepted_values": [True]}}}
    )
    assert changed["outcome"] != "unchanged"
    assert changed["guarantee_changes"]


async def test_nan_is_not_json_and_publishes_nothing(client: httpx.AsyncClient) -> None:
    # Python's JSON parser reads NaN; the canonical encoder refuses it with the right error code.
    api = Api(client)
    owner = await api.team()
    asset = await api.asset(owner)
    url = f"{API}/assets/{asset['id']}/contracts"
    headers = {**owner.write, "Content-Type": "application/json"}
    schema = '{"type": "object", "properties": {"x": {"type": "number", "default": NaN}}}'
    resp = await client.post(url, headers=headers, content=f'{{"schema": {schema}}}')
    assert_error(resp, 422, "invalid_schema")
    guarantees = '{"columns": {"x": {"accepted_values": [1, NaN]}}}'
    body = f'{{"schema": {{"type": "object"}}, "guarantees": {guarantees}}}'
    assert_error(await client.post(url, headers=headers, content=body), 422, "invalid_guarantees")
    assert (await api.call("GET", f"/assets/{asset['id']}/contracts", 200, owner.read))["total"] == 0
