"""Proposals over HTTP: list filters, get, answers (and changing them), withdraw, force-approve, expiry."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from tessera.auth.principal import system_principal
from tessera.proposals.service import expire_due
from tessera.resources import app_resources
from tests import helpers
from tests.assertions import assert_error
from tests.helpers import ADMIN, API, V1_NAMED, Api, TeamCtx, clock_ahead, record_schema

DROP_EMAIL = record_schema({"id": "integer", "name": "string"})
DEADLINE = "2031-03-01T12:00:00Z"


@dataclass
class Setup:
    """An asset of ``owner`` read by ``c1`` (its email) and ``c2``, with an open proposal dropping email."""

    api: Api
    owner: TeamCtx
    c1: TeamCtx
    c2: TeamCtx
    asset: dict[str, Any]
    proposal: dict[str, Any]

    async def get(self) -> dict[str, Any]:
        return await self.api.call("GET", f"/proposals/{self.proposal['id']}", 200, self.c1.read)  # type: ignore[no-any-return]

    def answers(self, proposal: dict[str, Any]) -> dict[str, str]:
        return {a["team_id"]: a["response"] for a in proposal["acknowledgments"]}


async def open_proposal(client: httpx.AsyncClient, **publish: Any) -> Setup:
    """The shared two-consumer proposal factory, seen through this module's :class:`Setup`."""
    api = Api(client)
    p = await helpers.open_proposal(
        api, V1_NAMED, DROP_EMAIL, consumers=2, register_with=[{"columns": ["email"]}], **publish
    )
    c1, c2 = p.consumers
    return Setup(api, p.owner, c1, c2, p.asset, p.proposal)


async def test_get_proposal_shows_base_version_changes_and_answers(client: httpx.AsyncClient) -> None:
    s = await open_proposal(client, reason="email moves to the contacts table")
    got = await s.get()
    assert got == s.proposal
    assert (got["status"], got["kind"], got["source"]) == ("open", "change", "publish")
    assert (got["asset_id"], got["asset_fqn"], got["base_version"]) == (
        s.asset["id"],
        s.asset["fqn"],
        "1.0.0",
    )
    assert got["proposed_by_team_id"] == s.owner.id
    assert got["reason"] == "email moves to the contacts table"
    assert got["suggested_bump"] == "major"
    assert [c["kind"] for c in got["breaking_changes"]] == ["property_removed"]
    assert got["schema"]["properties"] == DROP_EMAIL["properties"]
    assert s.answers(got) == {s.c1.id: "pending", s.c2.id: "pending"}
    assert sorted(got["pending_team_ids"]) == sorted([s.c1.id, s.c2.id])
    assert {a["team_name"] for a in got["acknowledgments"]} == {s.c1.name, s.c2.name}
    assert (got["expires_at"], got["resolved_at"], got["published_contract_id"]) == (None, None, None)
    assert_error(
        await client.get(f"{API}/proposals/{uuid.uuid4()}", headers=ADMIN), 404, "proposal_not_found"
    )


async def test_list_filters(client: httpx.AsyncClient) -> None:
    s = await open_proposal(client)
    api = s.api
    other_owner = await api.team()
    other_asset = await api.asset(other_owner)
    await api.publish(other_owner, other_asset["id"], V1_NAMED)
    await api.register(s.c2, other_asset["id"])
    other = (await api.publish(other_owner, other_asset["id"], DROP_EMAIL, expect=202))["proposal"]
    await api.ack(s.c1, s.proposal["id"])

    async def ids(query: str) -> list[str]:
        page = await api.call("GET", f"/proposals?{query}", 200, s.c1.read)
        assert page["total"] == len(page["items"])
        return [p["id"] for p in page["items"]]

    mine, theirs = s.proposal["id"], other["id"]
    assert await ids("") == [theirs, mine]  # newest first
    assert await ids(f"asset_id={s.asset['id']}") == [mine]
    assert await ids(f"proposed_by_team_id={other_owner.id}") == [theirs]
    assert await ids("status=open") == [theirs, mine]
    assert await ids("status=published") == []
    # c1 answered its only proposal; c2 still owes both answers.
    assert await ids(f"awaiting_team_id={s.c1.id}") == []
    assert await ids(f"awaiting_team_id={s.c2.id}") == [theirs, mine]
    assert await ids(f"awaiting_team_id={s.owner.id}") == []
    page = await api.call("GET", "/proposals?limit=1&offset=1", 200, s.c1.read)
    assert ([p["id"] for p in page["items"]], page["total"]) == ([mine], 2)
    # A withdrawn proposal awaits nobody any more.
    await api.call("POST", f"/proposals/{theirs}/withdraw", 200, other_owner.write, json={})
    assert await ids(f"awaiting_team_id={s.c2.id}") == [mine]
    assert await ids("status=withdrawn") == [theirs]
    assert_error(
        await client.get(f"{API}/proposals?status=pondering", headers=ADMIN), 422, "validation_error"
    )


async def test_a_team_may_change_its_answer_until_the_proposal_resolves(client: httpx.AsyncClient) -> None:
    s = await open_proposal(client)
    approved = await s.api.ack(s.c1, s.proposal["id"])
    assert s.answers(approved)[s.c1.id] == "approved"
    blocked = await s.api.ack(s.c1, s.proposal["id"], "blocked", reason="our dashboard reads email")
    answer = next(a for a in blocked["acknowledgments"] if a["team_id"] == s.c1.id)
    assert (answer["response"], answer["reason"]) == ("blocked", "our dashboard reads email")
    assert answer["responded_at"] is not None
    # Everyone else approving does not override a block.
    after_c2 = await s.api.ack(s.c2, s.proposal["id"])
    assert after_c2["status"] == "open"
    assert after_c2["pending_team_ids"] == []
    done = await s.api.ack(s.c1, s.proposal["id"], "migrating", migration_deadline=DEADLINE)
    assert done["status"] == "published"
    assert done["resolved_at"] is not None
    contracts = await s.api.call("GET", f"/assets/{s.asset['id']}/contracts", 200, ADMIN)
    active = [(c["id"], c["version"]) for c in contracts["items"] if c["status"] == "active"]
    assert active == [(done["published_contract_id"], "2.0.0")]
    answer = next(a for a in done["acknowledgments"] if a["team_id"] == s.c1.id)
    assert (answer["response"], answer["reason"]) == ("migrating", None)
    assert answer["migration_deadline"].startswith("2031-03-01T12:00:00")
    # Once resolved, answers are final.
    late = await client.post(
        f"{API}/proposals/{s.proposal['id']}/acknowledge", headers=s.c1.write, json={"response": "approved"}
    )
    assert_error(late, 409, "proposal_published")
    actions = await s.api.call(
        "GET", f"/audit/events?action=proposal.*&target_id={s.proposal['id']}", 200, ADMIN
    )
    assert [e["action"] for e in reversed(actions["items"])] == [
        "proposal.created",
        "proposal.acknowledged",
        "proposal.blocked",
        "proposal.acknowledged",
        "proposal.acknowledged",
        "proposal.approved",
    ]


# Invalid answers and the field each error message must name (one proposal serves every row).
INVALID_ANSWERS: list[tuple[dict[str, Any], str]] = [
    ({"response": "migrating"}, "migration_deadline"),
    ({"response": "migrating", "migration_deadline": "2031-03-01T12:00:00"}, "migration_deadline"),
    ({"response": "blocked"}, "reason"),
    ({"response": "blocked", "reason": "   "}, "reason"),
    ({"response": "pending"}, "response"),
    ({"response": "maybe"}, "response"),
    ({}, "response"),
]


async def test_invalid_answers(client: httpx.AsyncClient) -> None:
    s = await open_proposal(client)
    for body, mentions in INVALID_ANSWERS:
        resp = await client.post(
            f"{API}/proposals/{s.proposal['id']}/acknowledge", headers=s.c1.write, json=body
        )
        assert mentions in assert_error(resp, 422, "validation_error")["message"], body
    assert s.answers(await s.get())[s.c1.id] == "pending"


async def test_who_may_answer(client: httpx.AsyncClient) -> None:
    s = await open_proposal(client)
    outsider = await s.api.team()
    url = f"{API}/proposals/{s.proposal['id']}/acknowledge"
    for key, body, code in [
        (outsider.write, {"response": "approved"}, "not_a_consumer"),
        (s.owner.write, {"response": "approved"}, "not_a_consumer"),
        (s.c1.write, {"response": "approved", "team_id": s.c2.id}, "not_team_member"),
    ]:
        assert_error(await client.post(url, headers=key, json=body), 403, code)
    assert_error(await client.post(url, headers=ADMIN, json={"response": "approved"}), 422, "team_required")
    resp = await client.post(
        f"{API}/proposals/{uuid.uuid4()}/acknowledge", headers=s.c1.write, json={"response": "approved"}
    )
    assert_error(resp, 404, "proposal_not_found")
    # An admin may answer on a consumer team's behalf.
    on_behalf = await s.api.call(
        "POST",
        f"/proposals/{s.proposal['id']}/acknowledge",
        200,
        ADMIN,
        json={"response": "approved", "team_id": s.c2.id},
    )
    assert s.answers(on_behalf) == {s.c1.id: "pending", s.c2.id: "approved"}


async def test_consumers_registered_later_are_not_asked(client: httpx.AsyncClient) -> None:
    s = await open_proposal(client)
    late = await s.api.team()
    await s.api.register(late, s.asset["id"])
    assert set(s.answers(await s.get())) == {s.c1.id, s.c2.id}
    resp = await client.post(
        f"{API}/proposals/{s.proposal['id']}/acknowledge", headers=late.write, json={"response": "approved"}
    )
    assert_error(resp, 403, "not_a_consumer")


async def test_withdraw(client: httpx.AsyncClient) -> None:
    s = await open_proposal(client)
    url = f"/proposals/{s.proposal['id']}/withdraw"
    done = await s.api.call("POST", url, 200, s.owner.write, json={"reason": "wrong column"})
    assert (done["status"], done["resolution_note"]) == ("withdrawn", "wrong column")
    assert_error(await client.post(f"{API}{url}", headers=s.owner.write), 409, "proposal_withdrawn")
    assert_error(
        await client.post(f"{API}/proposals/{uuid.uuid4()}/withdraw", headers=ADMIN),
        404,
        "proposal_not_found",
    )
    # The asset is free for a new proposal, and withdrawing without a body works too.
    again = await s.api.publish(s.owner, s.asset["id"], DROP_EMAIL, expect=202)
    assert again["proposal"]["id"] != s.proposal["id"]
    await s.api.call("POST", f"/proposals/{again['proposal']['id']}/withdraw", 200, ADMIN)


async def test_force_approve(client: httpx.AsyncClient) -> None:
    s = await open_proposal(client)
    url = f"{API}/proposals/{s.proposal['id']}/force-approve"
    assert (
        "reason"
        in assert_error(await client.post(url, headers=ADMIN, json={}), 422, "validation_error")["message"]
    )
    assert_error(await client.post(url, headers=ADMIN, json={"reason": ""}), 422, "validation_error")
    assert_error(await client.post(url, headers=s.owner.write, json={"reason": "x"}), 403, "admin_required")
    done = await s.api.call(
        "POST", f"/proposals/{s.proposal['id']}/force-approve", 200, s.owner.admin, json={"reason": "outage"}
    )
    assert done["status"] == "published"
    contract = await s.api.call("GET", f"/contracts/{done['published_contract_id']}", 200, s.c1.read)
    assert (contract["version"], contract["forced"], contract["force_reason"]) == ("2.0.0", True, "outage")
    assert_error(await client.post(url, headers=ADMIN, json={"reason": "again"}), 409, "proposal_published")
    resp = await client.post(
        f"{API}/proposals/{uuid.uuid4()}/force-approve", headers=ADMIN, json={"reason": "x"}
    )
    assert_error(resp, 404, "proposal_not_found")


async def test_force_approving_a_stale_proposal_records_it_as_stale(client: httpx.AsyncClient) -> None:
    s = await open_proposal(client)
    additive = record_schema(
        {"id": "integer", "email": "string", "name": "string", "extra": "string"}, ["id", "email", "name"]
    )
    await s.api.publish(s.owner, s.asset["id"], additive)
    resp = await client.post(
        f"{API}/proposals/{s.proposal['id']}/force-approve", headers=ADMIN, json={"reason": "x"}
    )
    assert_error(resp, 409, "proposal_stale")
    stale = await s.get()
    assert stale["status"] == "stale"
    assert stale["resolved_at"] is not None
    assert (await s.api.call("GET", f"/assets/{s.asset['id']}", 200, s.c1.read))["current_version"] == "1.1.0"


async def test_expired_proposal_refuses_answers_and_stays_expired(client: httpx.AsyncClient) -> None:
    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    s = await open_proposal(client, expires_at=soon)
    assert s.proposal["status"] == "open"
    with clock_ahead(timedelta(hours=2)):
        resp = await client.post(
            f"{API}/proposals/{s.proposal['id']}/acknowledge",
            headers=s.c1.write,
            json={"response": "approved"},
        )
        assert_error(resp, 409, "proposal_expired")
        expired = await s.get()
        assert expired["status"] == "expired"
        assert expired["resolved_at"] is not None
        assert s.answers(expired)[s.c1.id] == "pending"
        events = await s.api.call(
            "GET", f"/audit/events?action=proposal.expired&target_id={s.proposal['id']}", 200, ADMIN
        )
        assert events["total"] == 1
        resp = await client.post(
            f"{API}/proposals/{s.proposal['id']}/force-approve", headers=ADMIN, json={"reason": "x"}
        )
        assert_error(resp, 409, "proposal_expired")
        # The asset may get a new proposal.
        await s.api.publish(s.owner, s.asset["id"], DROP_EMAIL, expect=202)


async def test_force_approve_after_the_deadline_is_refused(client: httpx.AsyncClient) -> None:
    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    s = await open_proposal(client, expires_at=soon)
    with clock_ahead(timedelta(hours=2)):
        resp = await client.post(
            f"{API}/proposals/{s.proposal['id']}/force-approve", headers=ADMIN, json={"reason": "x"}
        )
    assert_error(resp, 409, "proposal_expired")
    assert (await s.get())["status"] == "expired"
    assert (await s.api.call("GET", f"/assets/{s.asset['id']}", 200, ADMIN))["current_version"] == "1.0.0"


async def test_sweep_expires_only_proposals_past_their_deadline(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    due = await open_proposal(client, expires_at=soon)
    later = await open_proposal(client, expires_at=(datetime.now(UTC) + timedelta(days=3)).isoformat())
    with clock_ahead(timedelta(hours=2)):
        async with app_resources(app).session_factory() as session, session.begin():
            assert await expire_due(session, system_principal()) == 1
    assert (await due.get())["status"] == "expired"
    assert (await later.get())["status"] == "open"
    event = (
        await due.api.call(
            "GET", f"/audit/events?action=proposal.expired&target_id={due.proposal['id']}", 200, ADMIN
        )
    )["items"][0]
    assert event["actor_team_id"] is None and event["actor_key_id"] is None
    async with app_resources(app).session_factory() as session, session.begin():
        assert await expire_due(session, system_principal()) == 0


async def test_only_teams_reading_an_affected_column_gate_the_proposal(client: httpx.AsyncClient) -> None:
    api = Api(client)
    s = await helpers.shared_asset(
        api, helpers.V1, consumers=2, register_with=[{"columns": ["email"]}, {"columns": ["id"]}]
    )
    reader, bystander = s.consumers
    out = await api.publish(s.owner, s.asset["id"], helpers.ID_ONLY, expect=202)  # drops email
    proposal = out["proposal"]
    assert proposal["required_team_ids"] == [reader.id]
    assert proposal["informed_team_ids"] == [bystander.id]
    assert proposal["pending_team_ids"] == [reader.id]
    acks = {a["team_id"]: a for a in proposal["acknowledgments"]}
    assert (acks[reader.id]["required"], acks[reader.id]["affected_columns"]) == (True, ["email"])
    assert (acks[bystander.id]["required"], acks[bystander.id]["impact"][0]["kind"]) == (
        False,
        "not_affected",
    )
    waiting = await api.call("GET", f"/proposals?awaiting_team_id={bystander.id}", 200, ADMIN)
    assert waiting["total"] == 0
    # An informed team may answer, even block; it gates nothing.
    blocked = await api.ack(bystander, proposal["id"], "blocked", reason="we might miss it")
    assert blocked["status"] == "open"
    assert (await api.ack(reader, proposal["id"]))["status"] == "published"


async def test_a_change_no_consumer_reads_publishes_at_once_and_informs_them(
    client: httpx.AsyncClient,
) -> None:
    api = Api(client)
    s = await helpers.shared_asset(api, helpers.V1, register_with=[{"columns": ["id"]}])
    out = await api.publish(s.owner, s.asset["id"], helpers.ID_ONLY)
    assert out["outcome"] == "published" and out["contract"]["version"] == "2.0.0"
    assert out["proposal"]["informed_team_ids"] == [s.consumer.id]
    assert out["breaking_changes"]  # still a breaking change; nobody had to answer it


async def test_a_proposal_reads_the_same_in_a_list_as_alone(client: httpx.AsyncClient) -> None:
    """The list writes its rows straight to JSON; the single read goes through the model."""
    api = Api(client)
    s = await helpers.shared_asset(
        api, helpers.V1, consumers=3, register_with=[{"columns": ["email"]}, {"columns": ["id"]}]
    )
    proposal = (await api.publish(s.owner, s.asset["id"], helpers.ID_ONLY, expect=202, reason="r"))[
        "proposal"
    ]
    await api.ack(s.consumers[2], proposal["id"], "migrating", migration_deadline=DEADLINE)
    await api.ack(s.consumers[1], proposal["id"], "blocked", reason="we might miss it")
    alone = await api.call("GET", f"/proposals/{proposal['id']}", 200, ADMIN)
    assert {a["impact"][0]["kind"] for a in alone["acknowledgments"] if a["impact"]} >= {"not_affected"}
    for query in ("", f"?asset_id={s.asset['id']}", f"?awaiting_team_id={s.consumers[0].id}"):
        listed = await api.call("GET", f"/proposals{query}", 200, ADMIN)
        assert next(p for p in listed["items"] if p["id"] == proposal["id"]) == alone
