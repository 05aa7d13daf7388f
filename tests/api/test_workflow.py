"""The core workflow through the HTTP API with auth on: publish, register, propose, acknowledge, publish."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tests.assertions import assert_error
from tests.conftest import MakeProposal, MakeShared
from tests.helpers import ADMIN, V1_NAMED, Api, clock_ahead, record_schema, shared_asset


async def test_first_publish_is_1_0_0_and_unchanged_republish_is_idempotent(
    client: httpx.AsyncClient,
) -> None:
    api = Api(client)
    owner = await api.team()
    asset = await api.asset(owner)
    first = await api.publish(owner, asset["id"], V1_NAMED)
    assert first["outcome"] == "published"
    assert first["contract"]["version"] == "1.0.0"
    again = await api.publish(owner, asset["id"], V1_NAMED, expect=200)
    assert again["outcome"] == "unchanged"
    versions = await api.call("GET", f"/assets/{asset['id']}/contracts", 200, owner.read)
    assert versions["total"] == 1


async def test_compatible_change_publishes_minor_and_deprecates_previous(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner = await api.team()
    asset = await api.asset(owner)
    await api.publish(owner, asset["id"], V1_NAMED)
    v2 = record_schema(
        {"id": "integer", "email": "string", "name": "string", "nickname": "string"}, ["id", "email", "name"]
    )
    result = await api.publish(owner, asset["id"], v2)
    assert result["outcome"] == "published"
    assert result["contract"]["version"] == "1.1.0"
    listed = await api.call("GET", f"/assets/{asset['id']}/contracts", 200, owner.read)
    statuses = {c["version"]: c["status"] for c in listed["items"]}
    assert statuses == {"1.1.0": "active", "1.0.0": "deprecated"}


async def test_breaking_change_opens_proposal_and_publishes_when_all_consumers_approve(
    client: httpx.AsyncClient,
) -> None:
    api = Api(client)
    s = await shared_asset(api, V1_NAMED, consumers=2, register_with=[{"columns": ["email"]}])
    owner, (c1, c2), asset = s.owner, s.consumers, s.asset
    dropped = record_schema({"id": "integer", "name": "string"})
    result = await api.publish(owner, asset["id"], dropped, expect=202)
    assert result["outcome"] == "proposed"
    proposal = result["proposal"]
    assert proposal["status"] == "open"
    assert {a["team_id"] for a in proposal["acknowledgments"]} == {c1.id, c2.id}
    assert any(c["kind"] == "property_removed" for c in result["breaking_changes"])
    # Nothing was published yet.
    current = await api.call("GET", f"/assets/{asset['id']}", 200, owner.read)
    assert current["current_version"] == "1.0.0"

    after_one = await api.ack(c1, proposal["id"])
    assert after_one["status"] == "open"
    assert after_one["pending_team_ids"] == [c2.id]
    after_all = await api.ack(c2, proposal["id"], "migrating", migration_deadline="2030-01-01T00:00:00Z")
    assert after_all["status"] == "published"
    current = await api.call("GET", f"/assets/{asset['id']}", 200, owner.read)
    assert current["current_version"] == "2.0.0"
    # Registrations survive the new version and count for the next proposal.
    regs = await api.call("GET", f"/registrations?asset_id={asset['id']}", 200, owner.read)
    assert regs["total"] == 2


async def test_second_breaking_publish_conflicts_while_a_proposal_is_open(
    client: httpx.AsyncClient, api: Api, make_shared_asset: MakeShared
) -> None:
    shared = await make_shared_asset(V1_NAMED)
    owner, asset = shared.owner, shared.asset
    await api.publish(owner, asset["id"], record_schema({"id": "integer"}), expect=202)
    resp = await client.post(
        f"/api/v1/assets/{asset['id']}/contracts",
        headers=owner.write,
        json={"schema": record_schema({"id": "string"})},
    )
    assert resp.status_code == 409
    assert resp.json()["error"]["code"] == "proposal_already_open"


async def test_blocked_answer_needs_reason_and_keeps_proposal_open(
    client: httpx.AsyncClient, api: Api, make_proposal: MakeProposal
) -> None:
    p = await make_proposal(V1_NAMED)
    consumer, proposal = p.consumer, p.proposal
    bad = await client.post(
        f"/api/v1/proposals/{proposal['id']}/acknowledge",
        headers=consumer.write,
        json={"response": "blocked"},
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "validation_error"
    blocked = await api.ack(consumer, proposal["id"], "blocked", reason="we read email daily")
    assert blocked["status"] == "open"
    # A team may change its answer until the proposal resolves.
    approved = await api.ack(consumer, proposal["id"], "approved")
    assert approved["status"] == "published"


async def test_force_requires_admin_scope_and_reason_and_is_audited(
    client: httpx.AsyncClient, api: Api, make_shared_asset: MakeShared
) -> None:
    shared = await make_shared_asset(V1_NAMED)
    owner, asset = shared.owner, shared.asset
    breaking = record_schema({"id": "integer"})
    denied = await client.post(
        f"/api/v1/assets/{asset['id']}/contracts",
        headers=owner.write,
        json={"schema": breaking, "force": True, "reason": "x"},
    )
    assert_error(denied, 403, "admin_required")
    no_reason = await client.post(
        f"/api/v1/assets/{asset['id']}/contracts",
        headers=owner.admin,
        json={"schema": breaking, "force": True},
    )
    assert "reason" in assert_error(no_reason, 422, "reason_required")["message"]
    # Neither refusal published anything (nor wrote an audit event: see the total below).
    versions = await api.call("GET", f"/assets/{asset['id']}/contracts", 200, owner.read)
    assert [v["version"] for v in versions["items"]] == ["1.0.0"]
    forced = await api.call(
        "POST",
        f"/assets/{asset['id']}/contracts",
        201,
        owner.admin,
        json={"schema": breaking, "force": True, "reason": "incident 42"},
    )
    assert forced["outcome"] == "force_published"
    assert forced["contract"]["version"] == "2.0.0"
    events = await api.call("GET", "/audit/events?action=contract.force_published", 200, ADMIN)
    assert events["total"] == 1
    assert events["items"][0]["details"]["reason"] == "incident 42"


async def test_approval_after_newer_publish_makes_proposal_stale(
    client: httpx.AsyncClient, api: Api, make_proposal: MakeProposal
) -> None:
    p = await make_proposal(V1_NAMED)
    owner, consumer, asset, proposal = p.owner, p.consumer, p.asset, p.proposal
    additive = record_schema(
        {"id": "integer", "email": "string", "name": "string", "extra": "string"}, ["id", "email", "name"]
    )
    assert (await api.publish(owner, asset["id"], additive))["contract"]["version"] == "1.1.0"
    result = await api.ack(consumer, proposal["id"])
    assert result["status"] == "stale"
    current = await api.call("GET", f"/assets/{asset['id']}", 200, owner.read)
    assert current["current_version"] == "1.1.0"


async def test_breaking_change_without_consumers_publishes_major(client: httpx.AsyncClient) -> None:
    api = Api(client)
    s = await shared_asset(api, V1_NAMED, consumers=0)
    owner, asset = s.owner, s.asset
    result = await api.publish(owner, asset["id"], record_schema({"id": "integer"}))
    assert result["outcome"] == "published"
    assert result["contract"]["version"] == "2.0.0"


async def test_withdraw_by_proposer_only(
    client: httpx.AsyncClient, api: Api, make_proposal: MakeProposal
) -> None:
    p = await make_proposal(V1_NAMED)
    owner, consumer, proposal = p.owner, p.consumer, p.proposal
    denied = await client.post(
        f"/api/v1/proposals/{proposal['id']}/withdraw", headers=consumer.write, json={}
    )
    assert_error(denied, 403, "not_proposer")
    assert (await api.call("GET", f"/proposals/{proposal['id']}", 200, owner.read))["status"] == "open"
    done = await api.call(
        "POST", f"/proposals/{proposal['id']}/withdraw", 200, owner.write, json={"reason": "rethink"}
    )
    assert done["status"] == "withdrawn"
    late = await client.post(
        f"/api/v1/proposals/{proposal['id']}/acknowledge",
        headers=consumer.write,
        json={"response": "approved"},
    )
    assert_error(late, 409, "proposal_withdrawn")


async def test_force_approve_by_admin_publishes(
    client: httpx.AsyncClient, api: Api, make_proposal: MakeProposal
) -> None:
    p = await make_proposal(V1_NAMED)
    owner, proposal = p.owner, p.proposal
    denied = await client.post(
        f"/api/v1/proposals/{proposal['id']}/force-approve", headers=owner.write, json={"reason": "x"}
    )
    assert_error(denied, 403, "admin_required")
    assert (await api.call("GET", f"/proposals/{proposal['id']}", 200, owner.read))["status"] == "open"
    done = await api.call(
        "POST", f"/proposals/{proposal['id']}/force-approve", 200, ADMIN, json={"reason": "exec decision"}
    )
    assert done["status"] == "published"
    events = await api.call("GET", "/audit/events?action=proposal.force_approved", 200, ADMIN)
    assert events["items"][0]["details"]["reason"] == "exec decision"


async def test_impact_names_consumers_and_downstream_without_writing(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner, consumer = await api.team(), await api.team()
    asset = await api.asset(owner)
    downstream = await api.asset(consumer)
    await api.call(
        "POST",
        f"/assets/{downstream['id']}/dependencies",
        201,
        consumer.write,
        json={"upstream_asset_id": asset["id"]},
    )
    await api.publish(owner, asset["id"], V1_NAMED)
    await api.register(consumer, asset["id"], columns=["email"])
    impact = await api.call(
        "POST",
        f"/assets/{asset['id']}/impact",
        200,
        consumer.read,
        json={"schema": record_schema({"id": "integer", "name": "string"})},
    )
    assert impact["safe_to_publish"] is False
    assert impact["consumers"][0]["team_id"] == consumer.id
    assert impact["consumers"][0]["affected_columns"] == ["email"]
    assert [d["asset_id"] for d in impact["downstream"]] == [downstream["id"]]
    assert impact["suggested_version"] == "2.0.0"
    listed = await api.call("GET", f"/assets/{asset['id']}/contracts", 200, owner.read)
    assert listed["total"] == 1


async def test_guarantee_relaxation_is_breaking_under_strict(client: httpx.AsyncClient) -> None:
    api = Api(client)
    s = await shared_asset(api, V1_NAMED, guarantees={"columns": {"email": {"not_null": True}}})
    owner, asset = s.owner, s.asset
    patched = await api.call(
        "PATCH", f"/contracts/{s.contract['id']}/guarantees", 202, owner.write, json={"guarantees": {}}
    )
    assert patched["outcome"] == "proposed"
    # The same change on a notify-mode asset is reported but does not block.
    await api.call("PATCH", f"/assets/{asset['id']}", 200, owner.write, json={"guarantee_mode": "notify"})
    await api.call("POST", f"/proposals/{patched['proposal']['id']}/withdraw", 200, owner.write, json={})
    relaxed = await api.call(
        "PATCH", f"/contracts/{s.contract['id']}/guarantees", 201, owner.write, json={"guarantees": {}}
    )
    assert relaxed["outcome"] == "published"
    assert relaxed["guarantee_changes"]


async def test_write_audit_publish_gate(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner = await api.team()
    asset = await api.asset(owner, require_passing_audit=True)
    resp = await client.post(
        f"/api/v1/assets/{asset['id']}/contracts", headers=owner.write, json={"schema": V1_NAMED}
    )
    assert_error(resp, 412, "audit_not_passing")
    await api.call(
        "POST", f"/assets/{asset['id']}/audit", 201, owner.write, json={"status": "failed", "run_id": "r1"}
    )
    resp = await client.post(
        f"/api/v1/assets/{asset['id']}/contracts", headers=owner.write, json={"schema": V1_NAMED}
    )
    assert_error(resp, 412, "audit_not_passing")  # a failed run does not open the gate either
    assert (await api.call("GET", f"/assets/{asset['id']}", 200, owner.read))["current_version"] is None
    await api.call(
        "POST",
        f"/assets/{asset['id']}/audit",
        201,
        owner.write,
        json={
            "status": "passed",
            "run_id": "r2",
            "results": [{"guarantee": "not_null:id", "status": "passed"}],
        },
    )
    await api.publish(owner, asset["id"], V1_NAMED)
    history = await api.call("GET", f"/assets/{asset['id']}/audit-history", 200, owner.read)
    assert [r["run_id"] for r in history["items"]] == ["r2", "r1"]
    trends = await api.call("GET", f"/assets/{asset['id']}/audit-trends", 200, owner.read)
    assert trends["runs"] == 2 and trends["pass_rate"] == 0.5


async def test_an_expired_proposal_no_longer_blocks_a_new_one(
    client: httpx.AsyncClient, api: Api, make_shared_asset: MakeShared
) -> None:
    shared = await make_shared_asset(V1_NAMED)
    owner, asset = shared.owner, shared.asset
    past = await client.post(
        f"/api/v1/assets/{asset['id']}/contracts",
        headers=owner.write,
        json={"schema": record_schema({"id": "integer"}), "expires_at": "2000-01-01T00:00:00Z"},
    )
    assert past.status_code == 422
    assert past.json()["error"]["code"] == "invalid_expiry"
    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    first = await api.publish(
        owner, asset["id"], record_schema({"id": "integer"}), expect=202, expires_at=soon
    )
    with clock_ahead(timedelta(hours=2)):
        second = await api.publish(owner, asset["id"], record_schema({"id": "string"}), expect=202)
    assert second["proposal"]["id"] != first["proposal"]["id"]
    old = await api.call("GET", f"/proposals/{first['proposal']['id']}", 200, owner.read)
    assert old["status"] == "expired"
