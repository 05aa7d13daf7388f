"""Column-level impact end to end over HTTP, on real dbt manifests of the ``lineage`` fixture project.

Each scenario syncs the base manifest, then an edited one (see tests/fixtures/dbt/projects/lineage/README.md),
and checks exactly which teams are asked (their answer is required) and which are only informed.
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from tessera.db.models import AuditEvent, OutboxMessage
from tessera.resources import app_resources
from tests.helpers import ADMIN, Api
from tests.sync.lineage_world import Lineage, manifest


@pytest.fixture
async def world(client: httpx.AsyncClient) -> Lineage:
    return await Lineage.create(Api(client))


async def _registrations(world: Lineage) -> list[Any]:
    return (await world.api.call("GET", "/registrations?limit=500", 200, ADMIN))["items"]


async def _reg(world: Lineage, model: str, team: str) -> Any:
    asset = await world.asset(model)
    found = await world.api.call(
        "GET",
        f"/registrations?asset_id={asset['id']}&consumer_team_id={world.teams[team].id}",
        200,
        ADMIN,
    )
    return found["items"][0] if found["items"] else None


async def test_base_sync_derives_what_each_team_reads(world: Lineage) -> None:
    result = await world.sync("base")
    growth = await _reg(world, "stg_customers", "growth")
    assert (growth["column_scope"], growth["derived_columns"]) == ("columns", ["customer_id", "loyalty_code"])
    assert growth["declared_columns"] == [] and growth["columns"] == ["customer_id", "loyalty_code"]
    assert growth["derived_by"] == "lineage"
    crm = await _reg(world, "stg_orders", "crm")
    assert crm["column_scope"] == "all" and "order_status_columns" in crm["scope_reason"]
    fallbacks = {f["node"]: f["reason"] for f in result["lineage_fallbacks"]}
    assert set(fallbacks) == {
        "exposure.lineage.exec_dashboard",
        "model.lineage.crm_order_status",
        "model.lineage.customer_scores",
    }
    assert "Python" in fallbacks["model.lineage.customer_scores"]
    assert result["summary"]["lineage_fallbacks"] == 3


async def test_a_dropped_column_only_one_consumer_reads_asks_that_team_alone(world: Lineage) -> None:
    await world.sync("base")
    check = await world.check("dropped_loyalty_code")
    [stg] = [m for m in check["models"] if m["status"] != "unchanged"]
    assert {c["team"]: c["required"] for c in stg["consumers"]} == {"growth": True, "marketing": False}
    assert "#### Informed, no answer needed" in check["markdown"]
    assert "marketing (reads none of the affected columns)" in check["markdown"]
    result = await world.sync("dropped_loyalty_code")
    proposal = await world.proposal_of(result, "model.lineage.stg_customers")
    assert proposal["status"] == "open"
    assert world.asked(proposal) == {"growth"}
    assert world.informed(proposal) == {"marketing"}
    growth = next(a for a in proposal["acknowledgments"] if a["required"])
    assert growth["affected_columns"] == ["loyalty_code"]
    # Only growth's answer is needed: its approval publishes the change.
    approved = await world.api.ack(world.teams["growth"], proposal["id"])
    assert approved["status"] == "published"


async def test_a_retyped_column_read_through_two_levels_of_models_asks_the_downstream_readers(
    world: Lineage,
) -> None:
    await world.sync("base")
    # numeric(12,2) -> double relaxes the precision: breaking only for an asset in forward/full mode.
    stg = await world.asset("stg_payments")
    await world.api.call("PATCH", f"/assets/{stg['id']}", 200, ADMIN, json={"compatibility_mode": "full"})
    result = await world.sync("retyped_amount")
    proposal = await world.proposal_of(result, "model.lineage.stg_payments")
    assert proposal["status"] == "open"
    # finance reads amount itself; audit selects *; marketing reads order_totals.total (= sum(amount)).
    assert world.asked(proposal) == EXPECTED_RETYPED_ASKED
    assert world.informed(proposal) == set()
    marketing = next(a for a in proposal["acknowledgments"] if world.names[a["team_id"]] == "marketing")
    via = [r for r in marketing["impact"] if r["kind"] == "via"]
    assert {(r["via_asset"].rsplit(".", 1)[-1], r["via_column"]) for r in via} >= {("order_totals", "total")}
    assert marketing["affected_columns"] == ["amount"]
    impact = await world.api.call(
        "POST",
        f"/assets/{stg['id']}/impact",
        200,
        ADMIN,
        json={"schema": proposal["schema"]},
    )
    assert {world.names[c["team_id"]] for c in impact["consumers"] if c["required"]} == EXPECTED_RETYPED_ASKED
    reached = next(c for c in impact["consumers"] if world.names[c["team_id"]] == "marketing")
    assert reached["registration_id"] is None  # marketing reads stg_payments only through order_totals


EXPECTED_RETYPED_ASKED = {"finance", "audit", "marketing", "bi", "exec", "science"}


async def test_a_select_star_consumer_is_asked_about_every_column(world: Lineage) -> None:
    await world.sync("base")
    audit = await _reg(world, "stg_payments", "audit")
    assert "paid_at" in audit["columns"]  # select * expanded from the upstream contract
    result = await world.sync("dropped_paid_at")
    proposal = await world.proposal_of(result, "model.lineage.stg_payments")
    assert world.asked(proposal) == {"audit", "finance"}
    assert world.informed(proposal) == set()


async def test_a_macro_generated_select_list_falls_back_to_every_column(world: Lineage) -> None:
    await world.sync("base")
    result = await world.sync("dropped_channel")
    proposal = await world.proposal_of(result, "model.lineage.stg_orders")
    assert world.asked(proposal) == {"crm"}
    assert world.informed(proposal) == {"finance", "marketing"}
    crm = next(a for a in proposal["acknowledgments"] if a["required"])
    assert [r["kind"] for r in crm["impact"]] == ["all_columns"]
    assert "order_status_columns" in crm["impact"][0]["message"]


async def test_compiled_code_resolves_the_macro_so_the_team_is_only_informed(world: Lineage) -> None:
    await world.sync("base_compiled")
    crm = await _reg(world, "stg_orders", "crm")
    assert (crm["column_scope"], crm["columns"]) == ("columns", ["order_id", "status"])
    check = await world.check("dropped_channel")
    [stg] = [m for m in check["models"] if m["status"] != "unchanged"]
    assert not any(c["required"] for c in stg["consumers"])
    assert stg["acknowledged"] and check["verdict"] == "pass"


async def test_a_changed_definition_is_a_notice_to_its_readers(world: Lineage, app: FastAPI) -> None:
    await world.sync("base")
    result = await world.sync("changed_avg_amount")
    [change] = result["definition_changes"]
    assert change["node"] == "model.lineage.order_totals"
    assert (change["columns"], change["teams"]) == (["avg_amount"], ["marketing"])
    assert result["summary"]["proposed"] == 0
    rows = await _outbox(app, "column.definition_changed")
    assert [[t["name"] for t in r["data"]["consumer_teams"]] for r in rows] == [["marketing"]]
    again = await world.sync("changed_avg_amount")
    assert again["definition_changes"] == []


def _rewired() -> bytes:
    """The base manifest where growth's loyalty_members reads stg_orders instead of stg_customers."""
    data = orjson.loads(manifest("base"))
    node = data["nodes"]["model.lineage.loyalty_members"]
    node["raw_code"] = "select customer_id, status as loyalty_code\nfrom {{ ref('stg_orders') }}"
    node["depends_on"]["nodes"] = ["model.lineage.stg_orders"]
    node["refs"] = [{"name": "stg_orders", "package": None, "version": None}]
    return orjson.dumps(data)


async def _outbox(app: FastAPI, event_type: str) -> list[Any]:
    async with app_resources(app).session_factory() as session:
        stmt = sa.select(OutboxMessage.payload).where(OutboxMessage.event_type == event_type)
        return list((await session.execute(stmt)).scalars())


async def test_a_removed_ref_retires_the_derived_registration_and_tells_the_team(
    world: Lineage, app: FastAPI
) -> None:
    await world.sync("base")
    before = await _reg(world, "stg_customers", "growth")
    result = await world.sync("rewired", body=_rewired())
    assert result["summary"]["registrations_retired"] == 1
    assert await _reg(world, "stg_customers", "growth") is None
    assert (await _reg(world, "stg_orders", "growth"))["derived_columns"] == ["customer_id", "status"]
    [event] = await _outbox(app, "registration.retired")
    assert event["data"]["registration"]["id"] == before["id"]
    assert event["data"]["registration"]["consumer_team"]["name"] == "growth"
    # The events carry what the lineage derived (nothing was declared by hand).
    retired = event["data"]["registration"]
    assert (retired["columns"], retired["column_scope"]) == ([], "columns")
    assert retired["derived_columns"] == before["derived_columns"] and retired["derived_columns"]
    created = [
        e["data"]["registration"]
        for e in await _outbox(app, "registration.created")
        if e["data"]["registration"]["consumer_team"]["name"] == "growth"
        and e["data"]["asset"]["fqn"].endswith("stg_orders")
    ]
    assert [(r["columns"], r["derived_columns"], r["column_scope"]) for r in created] == [
        ([], ["customer_id", "status"], "columns")
    ]
    async with app_resources(app).session_factory() as session:
        actions = (
            await session.execute(sa.select(AuditEvent.action).where(AuditEvent.target_id == before["id"]))
        ).scalars()
        assert "registration.retired" in set(actions)


async def test_declared_columns_keep_a_registration_alive(world: Lineage) -> None:
    await world.sync("base")
    growth = await _reg(world, "stg_customers", "growth")
    await world.api.call(
        "PATCH", f"/registrations/{growth['id']}", 200, ADMIN, json={"columns": ["loyalty_code"]}
    )
    result = await world.sync("rewired", body=_rewired())
    assert result["summary"]["registrations_retired"] == 0
    kept = await _reg(world, "stg_customers", "growth")
    assert kept["id"] == growth["id"]
    assert (kept["declared_columns"], kept["derived_columns"], kept["column_scope"]) == (
        ["loyalty_code"],
        [],
        "columns",
    )


async def test_syncing_x_then_y_then_x_again_leaves_only_the_real_registrations(world: Lineage) -> None:
    await world.sync("base")
    first = {(r["asset_id"], r["consumer_team_id"]) for r in await _registrations(world)}
    await world.sync("rewired", body=_rewired())
    await world.sync("base")
    again = await _registrations(world)
    assert len(again) == len(first)
    assert {(r["asset_id"], r["consumer_team_id"]) for r in again} == first


async def test_registration_events_written_in_chunks_are_one_per_registration(
    world: Lineage, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tessera.sync import consumers

    monkeypatch.setattr(consumers, "TELL_CHUNK", 2)  # several chunks even for this small project
    result = await world.sync("base")
    registrations = await _registrations(world)
    assert result["summary"]["registrations_created"] == len(registrations) > 2
    events = await _outbox(app, "registration.created")
    assert sorted(e["data"]["registration"]["id"] for e in events) == sorted(r["id"] for r in registrations)
    async with app_resources(app).session_factory() as session:
        audited = (
            await session.execute(
                sa.select(AuditEvent.target_id).where(AuditEvent.action == "registration.created")
            )
        ).scalars()
        assert sorted(audited) == sorted(r["id"] for r in registrations)
