"""The authorization matrix: no team can act for another.

Every mutating action is called by (a) a read key of the team entitled to it (``insufficient_scope``),
(b) write keys of other teams (403 with a stable code, or 404 where the server hides that the thing
exists), then (c) by the entitled key, which succeeds. Refused calls must leave no trace in the audit log.
Actions that need admin scope (force, force-approve, issuing keys, deactivating teams) are refused to
the owner's write key too and succeed with its admin key.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.assertions import assert_error
from tests.helpers import ADMIN, API, V1_PLUS, Api, TeamCtx, record_schema, shared_asset
from tests.ingest.dbt.builders import manifest, model

DROPPED = record_schema({"id": "integer"})
HOOK_URL = "http://127.0.0.1:9/hook"

Ctx = dict[str, Any]


@dataclass
class World:
    """``owner`` owns ``asset`` (contract 1.0.0), ``consumer`` reads it, ``other`` owns ``upstream``."""

    api: Api
    owner: TeamCtx
    consumer: TeamCtx
    other: TeamCtx
    asset: dict[str, Any]
    contract: dict[str, Any]
    upstream: dict[str, Any]

    def key(self, who: str, ctx: Ctx) -> dict[str, str]:
        """``team.scope`` (e.g. ``owner.read``), or ``ctx.<name>`` for a key the case made."""
        holder, scope = who.split(".")
        if holder == "ctx":
            return ctx[scope]  # type: ignore[no-any-return]
        return getattr(getattr(self, holder), scope)  # type: ignore[no-any-return]

    async def request(self, method: str, url: str, key: dict[str, str], **kw: Any) -> httpx.Response:
        return await self.api.client.request(method, f"{API}{url}", headers=key, **kw)

    async def audit_total(self) -> int:
        return (await self.api.call("GET", "/audit/events?limit=1", 200, ADMIN))["total"]  # type: ignore[no-any-return]


@pytest.fixture
async def world(client: httpx.AsyncClient) -> World:
    api = Api(client)
    shared = await shared_asset(api, register=False)
    other = await api.team()
    upstream = await api.asset(other)
    return World(api, shared.owner, shared.consumer, other, shared.asset, shared.contract, upstream)


Prepare = Callable[[World], Awaitable[Ctx]]
Act = Callable[[World, dict[str, str], Ctx], Awaitable[httpx.Response]]


async def nothing(w: World) -> Ctx:
    return {}


async def registered(w: World) -> Ctx:
    return {"registration": await w.api.register(w.consumer, w.asset["id"])}


async def proposal(w: World) -> Ctx:
    ctx = await registered(w)
    ctx["proposal"] = (await w.api.publish(w.owner, w.asset["id"], DROPPED, expect=202))["proposal"]
    return ctx


async def lineage(w: World) -> Ctx:
    body = {"upstream_asset_id": w.upstream["id"]}
    await w.api.call("POST", f"/assets/{w.asset['id']}/dependencies", 201, w.owner.write, json=body)
    return {}


async def owner_key(w: World) -> Ctx:
    return {
        "key": await w.api.call(
            "POST", "/api-keys", 201, ADMIN, json={"name": "spare", "team_id": w.owner.id}
        )
    }


async def owner_webhook(w: World) -> Ctx:
    return {"hook": await w.api.call("POST", "/webhooks", 201, w.owner.write, json={"url": HOOK_URL})}


async def user(w: World) -> Ctx:
    return {
        "user": await w.api.call("POST", "/users", 201, ADMIN, json={"email": "u@example.com", "name": "U"})
    }


async def owner_user_with_key(w: World) -> Ctx:
    body = {"email": "me@example.com", "name": "Me", "team_ids": [w.owner.id]}
    me = await w.api.call("POST", "/users", 201, ADMIN, json=body)
    other_body = {"email": "them@example.com", "name": "Them", "team_ids": [w.owner.id]}
    them = await w.api.call("POST", "/users", 201, ADMIN, json=other_body)
    return {
        "user": me,
        "me": await w.api.key(w.owner.id, ["write"], user_id=me["id"]),
        "them": await w.api.key(w.owner.id, ["write"], user_id=them["id"]),
    }


async def spare_team(w: World) -> Ctx:
    return {
        "team": await w.api.call("POST", "/teams", 201, ADMIN, json={"name": f"spare-{uuid.uuid4().hex[:6]}"})
    }


@dataclass(frozen=True)
class Case:
    """One action: who is refused (and how), who succeeds (and with which status)."""

    name: str
    act: Act
    denied: tuple[tuple[str, int, str], ...]
    allowed: tuple[str, int]
    prepare: Prepare = nothing
    writes: bool = field(default=True)


def scope_denied(who: str) -> tuple[str, int, str]:
    return (who, 403, "insufficient_scope")


CASES = [
    Case(
        "create an asset for another team",
        lambda w, k, c: w.request(
            "POST", "/assets", k, json={"fqn": f"w.s.{uuid.uuid4().hex[:8]}", "owner_team_id": w.owner.id}
        ),
        (
            scope_denied("owner.read"),
            ("other.write", 403, "not_team_member"),
            ("consumer.write", 403, "not_team_member"),
        ),
        ("owner.write", 201),
    ),
    Case(
        "update another team's asset (and its modes)",
        lambda w, k, c: w.request(
            "PATCH", f"/assets/{w.asset['id']}", k, json={"compatibility_mode": "none"}
        ),
        (
            scope_denied("owner.read"),
            ("other.write", 403, "not_asset_owner"),
            ("consumer.write", 403, "not_asset_owner"),
        ),
        ("owner.write", 200),
    ),
    Case(
        "delete another team's asset",
        lambda w, k, c: w.request("DELETE", f"/assets/{w.asset['id']}", k),
        (scope_denied("owner.read"), ("other.write", 403, "not_asset_owner")),
        ("owner.write", 204),
    ),
    Case(
        "publish to another team's asset",
        lambda w, k, c: w.request("POST", f"/assets/{w.asset['id']}/contracts", k, json={"schema": V1_PLUS}),
        (
            scope_denied("owner.read"),
            ("other.write", 403, "not_asset_owner"),
            ("consumer.write", 403, "not_asset_owner"),
        ),
        ("owner.write", 201),
    ),
    Case(
        "force-publish without admin scope",
        lambda w, k, c: w.request(
            "POST",
            f"/assets/{w.asset['id']}/contracts",
            k,
            json={"schema": DROPPED, "force": True, "reason": "now"},
        ),
        (
            scope_denied("owner.read"),
            ("owner.write", 403, "admin_required"),
            ("other.write", 403, "not_asset_owner"),
        ),
        ("owner.admin", 201),
        registered,
    ),
    Case(
        "register another team as consumer",
        lambda w, k, c: w.request(
            "POST", "/registrations", k, json={"asset_id": w.asset["id"], "consumer_team_id": w.consumer.id}
        ),
        (
            scope_denied("consumer.read"),
            ("other.write", 403, "not_team_member"),
            ("owner.write", 403, "not_team_member"),
        ),
        ("consumer.write", 201),
    ),
    Case(
        "change another team's registration",
        lambda w, k, c: w.request(
            "PATCH", f"/registrations/{c['registration']['id']}", k, json={"columns": ["id"]}
        ),
        (
            scope_denied("consumer.read"),
            ("other.write", 403, "not_team_member"),
            ("owner.write", 403, "not_team_member"),
        ),
        ("consumer.write", 200),
        registered,
    ),
    Case(
        "delete another team's registration",
        lambda w, k, c: w.request("DELETE", f"/registrations/{c['registration']['id']}", k),
        (
            scope_denied("consumer.read"),
            ("other.write", 403, "not_team_member"),
            ("owner.write", 403, "not_team_member"),
        ),
        ("consumer.write", 204),
        registered,
    ),
    Case(
        "acknowledge for another team",
        lambda w, k, c: w.request(
            "POST",
            f"/proposals/{c['proposal']['id']}/acknowledge",
            k,
            json={"response": "approved", "team_id": w.consumer.id},
        ),
        (
            scope_denied("consumer.read"),
            ("other.write", 403, "not_team_member"),
            ("owner.write", 403, "not_team_member"),
        ),
        ("consumer.write", 200),
        proposal,
    ),
    Case(
        "acknowledge a proposal the team is not asked on",
        lambda w, k, c: w.request(
            "POST", f"/proposals/{c['proposal']['id']}/acknowledge", k, json={"response": "approved"}
        ),
        (
            scope_denied("consumer.read"),
            ("other.write", 403, "not_a_consumer"),
            ("owner.write", 403, "not_a_consumer"),
        ),
        ("consumer.write", 200),
        proposal,
    ),
    Case(
        "withdraw another team's proposal",
        lambda w, k, c: w.request(
            "POST", f"/proposals/{c['proposal']['id']}/withdraw", k, json={"reason": "no"}
        ),
        (
            scope_denied("owner.read"),
            ("consumer.write", 403, "not_proposer"),
            ("other.write", 403, "not_proposer"),
        ),
        ("owner.write", 200),
        proposal,
    ),
    Case(
        "force-approve without admin scope",
        lambda w, k, c: w.request(
            "POST", f"/proposals/{c['proposal']['id']}/force-approve", k, json={"reason": "now"}
        ),
        (
            scope_denied("owner.read"),
            ("owner.write", 403, "admin_required"),
            ("consumer.write", 403, "admin_required"),
        ),
        ("owner.admin", 200),
        proposal,
    ),
    Case(
        "patch guarantees of another team's contract",
        lambda w, k, c: w.request(
            "PATCH",
            f"/contracts/{w.contract['id']}/guarantees",
            k,
            json={"guarantees": {"columns": {"id": {"not_null": True}}}},
        ),
        (
            scope_denied("owner.read"),
            ("other.write", 403, "not_asset_owner"),
            ("consumer.write", 403, "not_asset_owner"),
        ),
        ("owner.write", 201),
    ),
    Case(
        "add lineage to another team's asset",
        lambda w, k, c: w.request(
            "POST", f"/assets/{w.asset['id']}/dependencies", k, json={"upstream_asset_id": w.upstream["id"]}
        ),
        (scope_denied("owner.read"), ("other.write", 403, "not_asset_owner")),
        ("owner.write", 201),
    ),
    Case(
        "remove lineage of another team's asset",
        lambda w, k, c: w.request("DELETE", f"/assets/{w.asset['id']}/dependencies/{w.upstream['id']}", k),
        (scope_denied("owner.read"), ("other.write", 403, "not_asset_owner")),
        ("owner.write", 204),
        lineage,
    ),
    Case(
        "record a quality run on another team's asset",
        lambda w, k, c: w.request(
            "POST", f"/assets/{w.asset['id']}/audit", k, json={"status": "passed", "run_id": "r"}
        ),
        (
            scope_denied("owner.read"),
            ("other.write", 403, "not_asset_owner"),
            ("consumer.write", 403, "not_asset_owner"),
        ),
        ("owner.write", 201),
    ),
    Case(
        "create another team's API key",
        lambda w, k, c: w.request(
            "POST", "/api-keys", k, json={"name": "k", "team_id": w.owner.id, "scopes": ["admin"]}
        ),
        (
            scope_denied("owner.read"),
            ("owner.write", 403, "admin_required"),
            ("other.write", 403, "admin_required"),
        ),
        ("owner.admin", 201),
    ),
    Case(
        "list another team's API keys",
        lambda w, k, c: w.request("GET", f"/api-keys?team_id={w.owner.id}", k),
        (("other.read", 403, "not_team_member"), ("other.write", 403, "not_team_member")),
        ("owner.read", 200),
        writes=False,
    ),
    Case(
        "revoke another team's API key",
        lambda w, k, c: w.request("DELETE", f"/api-keys/{c['key']['id']}", k),
        (scope_denied("owner.read"), ("other.write", 403, "not_team_member")),
        ("owner.write", 200),
        owner_key,
    ),
    Case(
        "create a webhook for another team",
        lambda w, k, c: w.request("POST", "/webhooks", k, json={"url": HOOK_URL, "team_id": w.owner.id}),
        (scope_denied("owner.read"), ("other.write", 403, "not_team_member")),
        ("owner.write", 201),
    ),
    Case(
        "list another team's webhooks",
        lambda w, k, c: w.request("GET", f"/webhooks?team_id={w.owner.id}", k),
        (("other.read", 403, "not_team_member"),),
        ("owner.read", 200),
        owner_webhook,
        writes=False,
    ),
    Case(
        "read another team's webhook",
        lambda w, k, c: w.request("GET", f"/webhooks/{c['hook']['id']}", k),
        (("other.read", 404, "webhook_not_found"),),
        ("owner.read", 200),
        owner_webhook,
        writes=False,
    ),
    Case(
        "change another team's webhook",
        lambda w, k, c: w.request("PATCH", f"/webhooks/{c['hook']['id']}", k, json={"active": False}),
        (scope_denied("owner.read"), ("other.write", 404, "webhook_not_found")),
        ("owner.write", 200),
        owner_webhook,
    ),
    Case(
        "delete another team's webhook",
        lambda w, k, c: w.request("DELETE", f"/webhooks/{c['hook']['id']}", k),
        (scope_denied("owner.read"), ("other.write", 404, "webhook_not_found")),
        ("owner.write", 204),
        owner_webhook,
    ),
    Case(
        "update another team",
        lambda w, k, c: w.request("PATCH", f"/teams/{w.owner.id}", k, json={"contact": "#hijacked"}),
        (scope_denied("owner.read"), ("other.write", 403, "not_team_member")),
        ("owner.write", 200),
    ),
    Case(
        "add a member to another team",
        lambda w, k, c: w.request(
            "POST", f"/teams/{w.owner.id}/members", k, json={"user_id": c["user"]["id"]}
        ),
        (scope_denied("owner.read"), ("other.write", 403, "not_team_member")),
        ("owner.write", 204),
        user,
    ),
    Case(
        "deactivate a team without admin scope",
        lambda w, k, c: w.request("DELETE", f"/teams/{c['team']['id']}", k),
        (scope_denied("owner.read"), ("owner.write", 403, "admin_required")),
        ("owner.admin", 204),
        spare_team,
    ),
    Case(
        "edit another user",
        lambda w, k, c: w.request("PATCH", f"/users/{c['user']['id']}", k, json={"github_username": "taken"}),
        (scope_denied("owner.read"), ("ctx.them", 403, "not_self"), ("owner.write", 403, "not_self")),
        ("ctx.me", 200),
        owner_user_with_key,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_no_team_can_act_for_another(world: World, case: Case) -> None:
    ctx = await case.prepare(world)
    before = await world.audit_total()
    for who, status, code in case.denied:
        resp = await case.act(world, world.key(who, ctx), ctx)
        assert_error(resp, status, code)
    assert await world.audit_total() == before, "a refused call left an audit event"
    who, status = case.allowed
    resp = await case.act(world, world.key(who, ctx), ctx)
    assert resp.status_code == status, f"{case.name} by {who}: {resp.status_code} {resp.text}"
    if case.writes:
        assert await world.audit_total() > before


def test_every_mutating_case_is_refused_to_a_read_key_first() -> None:
    """The matrix itself: each writing action starts with the entitled team's read key."""
    for case in CASES:
        if case.writes:
            who, status, code = case.denied[0]
            assert (who.endswith(".read"), status, code) == (True, 403, "insufficient_scope"), case.name


def _dbt_manifest(owner: TeamCtx) -> bytes:
    node = model("orders", columns={"id": "integer", "amount": "numeric"})
    node["config"]["meta"] = {"owner": owner.name}
    return json.dumps(manifest(node)).encode()


async def test_dbt_sync_skips_nodes_owned_by_another_team(world: World) -> None:
    body = _dbt_manifest(world.owner)

    async def sync(key: dict[str, str]) -> httpx.Response:
        return await world.api.client.post(
            f"{API}/sync/dbt", content=body, headers={**key, "Content-Type": "application/json"}
        )

    assert_error(await sync(world.owner.read), 403, "insufficient_scope")
    skipped = await sync(world.other.write)
    assert skipped.status_code == 200, skipped.text
    result = skipped.json()
    assert [(w["node"], w["code"]) for w in result["warnings"]] == [("model.shop.orders", "not_owner")]
    assert [(a["unique_id"], a["status"], a["asset_id"]) for a in result["assets"]] == [
        ("model.shop.orders", "skipped", None)
    ]
    assert (await world.api.call("GET", "/assets?q=orders", 200, ADMIN))["total"] == 0

    created = await sync(world.owner.write)
    assert created.status_code == 200, created.text
    [synced] = created.json()["assets"]
    assert synced["status"] == "created"
    asset = await world.api.call("GET", f"/assets/{synced['asset_id']}", 200, ADMIN)
    assert (asset["owner_team_id"], asset["current_version"]) == (world.owner.id, "1.0.0")

    # Once the asset exists, another team's sync of a changed manifest still leaves it alone.
    changed = json.loads(body)
    changed["nodes"]["model.shop.orders"]["columns"].pop("amount")
    resp = await world.api.client.post(
        f"{API}/sync/dbt",
        content=json.dumps(changed).encode(),
        headers={**world.other.write, "Content-Type": "application/json"},
    )
    assert [(w["node"], w["code"]) for w in resp.json()["warnings"]] == [("model.shop.orders", "not_owner")]
    assert [a["status"] for a in resp.json()["assets"]] == ["skipped"]
    versions = await world.api.call("GET", f"/assets/{synced['asset_id']}/contracts", 200, ADMIN)
    assert versions["total"] == 1
