"""The audit log over HTTP: filters, an event per mutation, append-only in the database (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from tessera.resources import app_resources
from tests.assertions import assert_error
from tests.conftest import ON_POSTGRES, MakeProposal
from tests.helpers import ADMIN, API, V1, Api, TeamCtx, record_schema


async def _ids(api: Api, query: str, key: dict[str, str] = ADMIN) -> list[str]:
    page = await api.call("GET", f"/audit/events?limit=500&{query}", 200, key)
    assert page["total"] == len(page["items"])
    return [e["action"] for e in page["items"]]


async def test_filters(client: httpx.AsyncClient, api: Api, make_proposal: MakeProposal) -> None:
    p = await make_proposal()
    owner, consumer, asset, proposal = p.owner, p.consumer, p.asset, p.proposal
    await api.ack(consumer, proposal["id"], "blocked", reason="no")
    await api.call("POST", f"/proposals/{proposal['id']}/withdraw", 200, owner.write, json={})

    assert await _ids(api, "action=contract.published") == ["contract.published"]
    assert await _ids(api, "action=proposal.*") == [
        "proposal.withdrawn",
        "proposal.blocked",
        "proposal.created",
    ]
    assert await _ids(api, "action=proposal") == []  # exact unless it ends with ".*"
    assert await _ids(api, "action=prop_sal.*") == []  # "_" and "%" are literal, not LIKE wildcards
    assert await _ids(api, "action=%25.*") == []
    assert await _ids(api, f"target_type=proposal&target_id={proposal['id']}") == [
        "proposal.withdrawn",
        "proposal.blocked",
        "proposal.created",
    ]
    assert await _ids(api, f"target_id={asset['id']}") == ["asset.created"]
    assert await _ids(api, f"actor_team_id={consumer.id}") == ["proposal.blocked", "registration.created"]
    assert await _ids(api, "target_type=registration", consumer.read) == ["registration.created"]

    every = (await api.call("GET", "/audit/events?limit=500", 200, ADMIN))["items"]
    times = [e["occurred_at"] for e in every]
    assert times == sorted(times, reverse=True)  # newest first
    created = next(e for e in every if e["action"] == "proposal.created")
    params = {"since": created["occurred_at"], "limit": "500"}
    since = await api.call("GET", "/audit/events", 200, ADMIN, params=params)
    assert {e["action"] for e in since["items"]} == {
        "proposal.created",
        "proposal.blocked",
        "proposal.withdrawn",
    }
    until = await api.call(
        "GET", "/audit/events", 200, ADMIN, params={"until": created["occurred_at"], "limit": "500"}
    )
    assert "proposal.created" not in {e["action"] for e in until["items"]}  # until is exclusive
    assert since["total"] + until["total"] == len(every)
    both = await api.call(
        "GET",
        "/audit/events",
        200,
        ADMIN,
        params={"since": created["occurred_at"], "until": created["occurred_at"]},
    )
    assert both["total"] == 0
    page = await api.call("GET", "/audit/events?limit=2&offset=1", 200, ADMIN)
    assert ([e["id"] for e in page["items"]], page["total"]) == ([e["id"] for e in every[1:3]], len(every))


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("since=2030-01-01T00:00:00", "since"),  # a point in time needs a time zone
        ("until=yesterday", "until"),
        ("actor_team_id=team-a", "actor_team_id"),
        ("limit=0", "limit"),
    ],
)
async def test_filter_validation(client: httpx.AsyncClient, query: str, field: str) -> None:
    resp = await client.get(f"{API}/audit/events?{query}", headers=ADMIN)
    assert field in assert_error(resp, 422)["message"]


async def test_reading_needs_a_key(client: httpx.AsyncClient) -> None:
    assert_error(await client.get(f"{API}/audit/events"), 401, "missing_api_key")


Step = Callable[["Scenario"], Awaitable[Any]]


class Scenario:
    """The state a sequence of mutations builds up."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.ids: dict[str, str] = {}
        self.owner: TeamCtx
        self.consumer: TeamCtx

    async def call(self, method: str, url: str, expect: int, key: dict[str, str], **kw: Any) -> Any:
        return await self.api.call(method, url, expect, key, **kw)


async def _setup_teams(s: Scenario) -> None:
    s.owner, s.consumer = await s.api.team(), await s.api.team()


async def _team_update(s: Scenario) -> None:
    await s.call("PATCH", f"/teams/{s.owner.id}", 200, s.owner.write, json={"contact": "#owner"})


async def _user_create(s: Scenario) -> None:
    s.ids["user"] = (
        await s.call("POST", "/users", 201, ADMIN, json={"email": "a@example.com", "name": "A"})
    )["id"]


async def _member_add(s: Scenario) -> None:
    await s.call("POST", f"/teams/{s.owner.id}/members", 204, s.owner.write, json={"user_id": s.ids["user"]})


async def _member_remove(s: Scenario) -> None:
    await s.call("DELETE", f"/teams/{s.owner.id}/members/{s.ids['user']}", 204, s.owner.write)


async def _user_update(s: Scenario) -> None:
    await s.call("PATCH", f"/users/{s.ids['user']}", 200, ADMIN, json={"github_username": "a"})


async def _user_deactivate(s: Scenario) -> None:
    await s.call("POST", f"/users/{s.ids['user']}/deactivate", 200, ADMIN)


async def _asset_create(s: Scenario) -> None:
    s.ids["asset"] = (await s.api.asset(s.owner))["id"]
    s.ids["upstream"] = (await s.api.asset(s.consumer))["id"]


async def _asset_conflict(s: Scenario) -> None:
    fqn = (await s.call("GET", f"/assets/{s.ids['asset']}", 200, ADMIN))["fqn"]
    await s.call("POST", "/assets", 409, s.owner.write, json={"fqn": fqn, "owner_team_id": s.owner.id})


async def _asset_update(s: Scenario) -> None:
    await s.call("PATCH", f"/assets/{s.ids['asset']}", 200, s.owner.write, json={"description": "d"})


async def _lineage_add(s: Scenario) -> None:
    await s.call(
        "POST",
        f"/assets/{s.ids['asset']}/dependencies",
        201,
        s.owner.write,
        json={"upstream_asset_id": s.ids["upstream"]},
    )


async def _lineage_remove(s: Scenario) -> None:
    await s.call("DELETE", f"/assets/{s.ids['asset']}/dependencies/{s.ids['upstream']}", 204, s.owner.write)


async def _publish(s: Scenario) -> None:
    s.ids["contract"] = (await s.api.publish(s.owner, s.ids["asset"], V1))["contract"]["id"]


async def _publish_unchanged(s: Scenario) -> None:
    await s.api.publish(s.owner, s.ids["asset"], V1, expect=200)


async def _register(s: Scenario) -> None:
    s.ids["registration"] = (await s.api.register(s.consumer, s.ids["asset"]))["id"]


async def _registration_update(s: Scenario) -> None:
    await s.call(
        "PATCH",
        f"/registrations/{s.ids['registration']}",
        200,
        s.consumer.write,
        json={"columns": ["id", "email"]},
    )


async def _propose(s: Scenario) -> None:
    result = await s.api.publish(s.owner, s.ids["asset"], record_schema({"id": "integer"}), expect=202)
    s.ids["proposal"] = result["proposal"]["id"]


async def _block(s: Scenario) -> None:
    await s.api.ack(s.consumer, s.ids["proposal"], "blocked", reason="no")


async def _approve(s: Scenario) -> None:
    await s.api.ack(s.consumer, s.ids["proposal"])


async def _force_publish(s: Scenario) -> None:
    await s.call(
        "POST",
        f"/assets/{s.ids['asset']}/contracts",
        201,
        s.owner.admin,
        json={"schema": record_schema({"id": "string"}), "force": True, "reason": "r"},
    )


async def _propose_and_withdraw(s: Scenario) -> None:
    proposal = (await s.api.publish(s.owner, s.ids["asset"], record_schema({"id": "number"}), expect=202))[
        "proposal"
    ]
    await s.call("POST", f"/proposals/{proposal['id']}/withdraw", 200, s.owner.write, json={})


async def _propose_and_force_approve(s: Scenario) -> None:
    proposal = (await s.api.publish(s.owner, s.ids["asset"], record_schema({"id": "boolean"}), expect=202))[
        "proposal"
    ]
    await s.call("POST", f"/proposals/{proposal['id']}/force-approve", 200, ADMIN, json={"reason": "r"})


async def _guarantees(s: Scenario) -> None:
    active = (await s.call("GET", f"/assets/{s.ids['asset']}/contracts?limit=1", 200, ADMIN))["items"][0]
    await s.call(
        "PATCH",
        f"/contracts/{active['id']}/guarantees",
        201,
        s.owner.write,
        json={"guarantees": {"columns": {"id": {"unique": True}}}},
    )


async def _quality(s: Scenario) -> None:
    await s.call("POST", f"/assets/{s.ids['asset']}/audit", 201, s.owner.write, json={"status": "passed"})


async def _key_create(s: Scenario) -> None:
    s.ids["key"] = (await s.call("POST", "/api-keys", 201, ADMIN, json={"name": "k", "team_id": s.owner.id}))[
        "id"
    ]


async def _key_revoke(s: Scenario) -> None:
    await s.call("DELETE", f"/api-keys/{s.ids['key']}", 200, s.owner.write)


async def _webhook_create(s: Scenario) -> None:
    body = {"url": "http://127.0.0.1:9/hook"}
    s.ids["webhook"] = (await s.call("POST", "/webhooks", 201, s.owner.write, json=body))["id"]


async def _webhook_update(s: Scenario) -> None:
    await s.call("PATCH", f"/webhooks/{s.ids['webhook']}", 200, s.owner.write, json={"description": "d"})


async def _webhook_delete(s: Scenario) -> None:
    await s.call("DELETE", f"/webhooks/{s.ids['webhook']}", 204, s.owner.write)


async def _registration_delete(s: Scenario) -> None:
    await s.call("DELETE", f"/registrations/{s.ids['registration']}", 204, s.consumer.write)


async def _asset_delete(s: Scenario) -> None:
    await s.call("DELETE", f"/assets/{s.ids['asset']}", 204, s.owner.write)
    await s.call("DELETE", f"/assets/{s.ids['upstream']}", 204, s.consumer.write)


async def _team_delete(s: Scenario) -> None:
    await s.call("DELETE", f"/teams/{s.owner.id}", 204, ADMIN)


# Each mutation (in order, building on the previous ones) and exactly the events it must add.
MUTATIONS: list[tuple[Step, list[str]]] = [
    (_setup_teams, ["team.created"] * 2 + ["api_key.created"] * 6),
    (_team_update, ["team.updated"]),
    (_user_create, ["user.created"]),
    (_member_add, ["team.member_added"]),
    (_member_remove, ["team.member_removed"]),
    (_user_update, ["user.updated"]),
    (_user_deactivate, ["user.deactivated"]),
    (_asset_create, ["asset.created"] * 2),
    (_asset_conflict, []),  # a refused mutation leaves no trace
    (_asset_update, ["asset.updated"]),
    (_lineage_add, ["asset.dependency_added"]),
    (_lineage_remove, ["asset.dependency_removed"]),
    (_publish, ["contract.published"]),
    (_publish_unchanged, []),
    (_register, ["registration.created"]),
    (_registration_update, ["registration.updated"]),
    (_propose, ["proposal.created"]),
    (_block, ["proposal.blocked"]),
    # The published version drops `email`, which the consumer declared: its registration is flagged.
    (
        _approve,
        ["proposal.acknowledged", "proposal.approved", "contract.published", "registration.columns_missing"],
    ),
    (_force_publish, ["contract.force_published"]),
    (_propose_and_withdraw, ["proposal.created", "proposal.withdrawn"]),
    (_propose_and_force_approve, ["proposal.created", "proposal.force_approved", "contract.force_published"]),
    (_guarantees, ["contract.published"]),
    (_quality, ["quality_run.recorded"]),
    (_key_create, ["api_key.created"]),
    (_key_revoke, ["api_key.revoked"]),
    (_webhook_create, ["webhook.created"]),
    (_webhook_update, ["webhook.updated"]),
    (_webhook_delete, ["webhook.deleted"]),
    (_registration_delete, ["registration.deleted"]),
    (_asset_delete, ["asset.deleted"] * 2),
    (_team_delete, ["team.deleted"]),
]


async def test_every_mutation_writes_its_events(client: httpx.AsyncClient) -> None:
    api = Api(client)
    scenario = Scenario(api)
    seen: set[str] = set()
    for step, expected in MUTATIONS:
        await step(scenario)
        events = (await api.call("GET", "/audit/events?limit=500", 200, ADMIN))["items"]
        new = [e for e in events if e["id"] not in seen]
        assert sorted(e["action"] for e in new) == sorted(expected), step.__name__
        seen.update(e["id"] for e in events)
        for event in new:
            assert event["request_id"], (step.__name__, event)
            assert event["actor_key_id"], (step.__name__, event)


async def test_event_records_actor_and_request_id(client: httpx.AsyncClient) -> None:
    api = Api(client)
    team = await api.team()
    resp = await client.patch(
        f"{API}/teams/{team.id}",
        headers={**team.write, "X-Request-ID": "trace-42"},
        json={"description": "x"},
    )
    assert resp.headers["x-request-id"] == "trace-42"
    event = (await api.call("GET", "/audit/events?action=team.updated", 200, ADMIN))["items"][0]
    assert (event["target_type"], event["target_id"], event["request_id"]) == ("team", team.id, "trace-42")
    assert event["actor_team_id"] == team.id
    assert event["actor_key_id"] and event["actor_key_id"] in team.write["Authorization"]
    assert event["details"] == {"fields": ["description"]}


@pytest.mark.skipif(not ON_POSTGRES, reason="the append-only trigger exists on PostgreSQL")
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit.events SET action = 'tampered'",
        "DELETE FROM audit.events",
        "TRUNCATE audit.events",
        "TRUNCATE core.teams, audit.events CASCADE",
    ],
)
async def test_database_refuses_to_change_audit_events(
    client: httpx.AsyncClient, app: FastAPI, statement: str
) -> None:
    api = Api(client)
    await api.team()
    before = await api.call("GET", "/audit/events", 200, ADMIN)
    assert before["total"] > 0
    # The trigger refuses the owner; the application role (run.py test-postgres) is refused earlier.
    with pytest.raises(sa.exc.DBAPIError, match="append-only|permission denied"):
        async with app_resources(app).engine.begin() as conn:
            await conn.execute(sa.text(statement))
    after = await api.call("GET", "/audit/events", 200, ADMIN)
    assert [e["action"] for e in after["items"]] == [e["action"] for e in before["items"]]
    assert after["total"] == before["total"]
