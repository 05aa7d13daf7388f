"""Uploading real dbt artifacts: runs per asset, guarantee states, events, idempotency, bad input."""

from __future__ import annotations

import gzip
import json

import httpx
from fastapi import FastAPI

from tests.helpers import API, Api
from tests.quality.artifacts import BUILD, MANIFEST, SOURCES, TEST, stored, upload_run_results, upload_sources

FIXTURES_SHOP = BUILD.parent.parent.parent / "manifests" / "shop__base.json.gz"


async def _world(api: Api) -> tuple[object, dict[str, str], dict[str, str]]:
    owner = await api.team()
    consumer = await api.team()
    orders = await api.asset(owner, "quality.main.orders")
    customers = await api.asset(owner, "quality.main.customers")
    await api.register(consumer, orders["id"])
    return owner, orders, customers


async def test_build_results_are_recorded_per_asset_and_guarantee(
    api: Api, client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner, orders, customers = await _world(api)
    resp = await upload_run_results(client, owner.write)  # type: ignore[attr-defined]
    assert resp.status_code == 200, resp.text
    body = resp.json()
    by_fqn = {r["fqn"]: r for r in body["recorded"]}
    assert by_fqn["quality.main.orders"]["status"] == "failed"
    assert by_fqn["quality.main.customers"]["status"] == "passed"
    # broken_orders is not an asset here: its (skipped) test comes back unmatched, not dropped.
    assert [u["relation"] for u in body["unmatched"]] == ["quality.main.broken_orders"]
    assert sorted(body["failed"]) == [
        "quality.main.orders / accepted_values:status",
        "quality.main.orders / custom:assert_orders_amount_positive",
        "quality.main.orders / relationships:customer_id",
    ]
    health = (await client.get(f"{API}/assets/{orders['id']}/guarantees", headers=owner.read)).json()  # type: ignore[attr-defined]
    states = {g["guarantee"]: g for g in health["guarantees"]}
    assert {k: v["status"] for k, v in states.items()} == {
        "accepted_values:status": "failed",
        "custom:assert_orders_amount_positive": "error",
        "not_null:coupon_code": "warned",
        "not_null:order_id": "passed",
        "relationships:customer_id": "failed",
        "unique:order_id": "passed",
    }
    assert states["accepted_values:status"]["failing_rows"] == 1
    assert states["not_null:coupon_code"]["failing_rows"] == 3
    assert "amount_in_cents" in states["custom:assert_orders_amount_positive"]["message"]
    history = (await client.get(f"{API}/assets/{orders['id']}/audit-history", headers=owner.read)).json()  # type: ignore[attr-defined]
    run = history["results"][0] if "results" in history else history["items"][0]
    assert (
        run["source"] == "dbt" and run["run_id"] == json.loads(BUILD.read_text())["metadata"]["invocation_id"]
    )
    events = (await stored(app))["events"]
    assert [t for t, _ in events] == ["guarantee.failed"] * 3
    failed = {d["guarantee"]["key"]: d for _, d in events}
    relationship = failed["relationships:customer_id"]
    assert relationship["guarantee"]["failing_rows"] == 1
    assert relationship["guarantee"]["previous_status"] is None
    assert [t["id"] for t in relationship["consumer_teams"]] != []
    assert relationship["links"]["asset_page_url"].endswith(orders["id"])


async def test_the_same_invocation_uploaded_twice_is_recorded_once(
    api: Api, client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner, _, _ = await _world(api)
    first = await upload_run_results(client, owner.write)  # type: ignore[attr-defined]
    before = await stored(app)
    again = await upload_run_results(client, owner.write)  # type: ignore[attr-defined]
    assert first.status_code == again.status_code == 200
    assert all(r["duplicate"] for r in again.json()["recorded"])
    assert again.json()["failed"] == []
    assert await stored(app) == before


async def test_a_later_run_moves_states_without_repeating_events(
    api: Api, client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner, orders, _ = await _world(api)
    await upload_run_results(client, owner.write)  # type: ignore[attr-defined]
    later = await upload_run_results(client, owner.write, TEST)  # type: ignore[attr-defined]
    assert later.status_code == 200, later.text
    assert later.json()["failed"] == [] and later.json()["recovered"] == []
    assert len((await stored(app))["events"]) == 3
    health = (await client.get(f"{API}/assets/{orders['id']}/guarantees", headers=owner.read)).json()  # type: ignore[attr-defined]
    accepted = next(g for g in health["guarantees"] if g["guarantee"] == "accepted_values:status")
    assert [r["status"] for r in accepted["recent"]] == ["failed", "failed"]
    assert accepted["unreliable"] is False  # two runs say too little


async def test_a_passing_run_recovers_the_guarantee_and_opens_the_publish_gate(
    api: Api, client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await api.team()
    consumer = await api.team()
    orders = await api.asset(owner, "quality.main.orders", require_passing_audit=True)
    await api.register(consumer, orders["id"])
    await upload_run_results(client, owner.write)
    schema = {"type": "object", "properties": {"order_id": {"type": "integer"}}}
    refused = await client.post(
        f"{API}/assets/{orders['id']}/contracts", json={"schema": schema}, headers=owner.write
    )
    assert refused.status_code == 412 and refused.json()["error"]["code"] == "audit_not_passing"
    results = [
        {"guarantee": key, "status": "passed"}
        for key in (
            "accepted_values:status",
            "relationships:customer_id",
            "custom:assert_orders_amount_positive",
        )
    ]
    await api.call(
        "POST",
        f"/assets/{orders['id']}/audit",
        201,
        owner.write,
        json={"status": "passed", "results": results},
    )
    events = (await stored(app))["events"]
    assert [t for t, _ in events][-3:] == ["guarantee.recovered"] * 3
    assert events[-1][1]["guarantee"]["previous_status"] in ("failed", "error")
    await api.publish(owner, orders["id"], schema)


async def test_a_guarantee_failing_in_most_runs_is_unreliable(api: Api, client: httpx.AsyncClient) -> None:
    owner = await api.team()
    asset = await api.asset(owner)
    for status in ("failed", "passed", "failed", "failed", "passed", "failed"):
        body = {"status": status, "results": [{"guarantee": "unique:id", "status": status}]}
        await api.call("POST", f"/assets/{asset['id']}/audit", 201, owner.write, json=body)
    health = await api.call("GET", f"/assets/{asset['id']}/guarantees", 200, owner.read)
    (unique,) = health["guarantees"]
    assert unique["unreliable"] is True
    assert unique["reliability"] == "fails 4 of the last 6 runs"
    assert unique["status"] == "failed" and [r["status"] for r in unique["recent"]][:2] == [
        "failed",
        "passed",
    ]


async def test_source_freshness_sets_the_freshness_guarantee(api: Api, client: httpx.AsyncClient) -> None:
    owner = await api.team()
    ids = {}
    for name in ("fresh_feed", "late_feed", "stale_feed"):
        ids[name] = (await api.asset(owner, f"quality.feeds.{name}"))["id"]
    resp = await upload_sources(client, owner.write)
    assert resp.status_code == 200, resp.text
    statuses = {}
    for name, asset_id in ids.items():
        (state,) = (await api.call("GET", f"/assets/{asset_id}/guarantees", 200, owner.read))["guarantees"]
        assert state["guarantee"] == "freshness" and state["source"] == "dbt_freshness"
        statuses[name] = (state["status"], state["message"])
    assert statuses["fresh_feed"][0] == "passed"
    assert statuses["late_feed"][0] == "warned" and "2.0 days ago" in statuses["late_feed"][1]
    assert statuses["stale_feed"][0] == "failed"
    assert resp.json()["failed"] == ["quality.feeds.stale_feed / freshness"]


async def test_another_teams_key_records_nothing(api: Api, client: httpx.AsyncClient, app: FastAPI) -> None:
    owner, _, _ = await _world(api)
    stranger = await api.team()
    resp = await upload_run_results(client, stranger.write)
    assert resp.status_code == 403 and resp.json()["error"]["code"] == "not_asset_owner"
    assert (await stored(app))["runs"] == 0


BAD_INPUT = {
    "sources.json as run_results": ({"results": SOURCES}, 400, "wrong_artifact"),
    "manifest as run_results": ({"results": MANIFEST}, 400, "wrong_artifact"),
    "truncated run_results": ({"results": BUILD.read_bytes()[:5000]}, 400, "truncated"),
    "results of another project": ({"manifest": FIXTURES_SHOP}, 400, "results_not_in_manifest"),
    "run_results as manifest": ({"manifest": BUILD}, 400, "wrong_artifact"),
    "not JSON": ({"results": b"<html>"}, 400, "invalid_json"),
    "gzip truncated": ({"results": gzip.compress(BUILD.read_bytes())[:300]}, 400, "truncated"),
}


async def test_bad_input_is_refused_and_records_nothing(
    api: Api, client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner, _, _ = await _world(api)
    for label, (files, status, code) in BAD_INPUT.items():
        resp = await upload_run_results(client, owner.write, **files)  # type: ignore[arg-type]
        assert resp.status_code == status, (label, resp.text)
        assert resp.json()["error"]["code"] == code, (label, resp.text)
        assert resp.json()["error"]["message"], label
    # A project Tessera does not know (or the wrong environment): nothing matches, refused, not a 200.
    elsewhere = await upload_run_results(client, owner.write, environment="staging")  # type: ignore[attr-defined]
    assert elsewhere.status_code == 404 and elsewhere.json()["error"]["code"] == "no_known_assets"
    assert "environment 'staging'" in elsewhere.json()["error"]["message"]
    missing = await client.post(
        f"{API}/quality/dbt/run-results", files={"run_results": BUILD.read_bytes()}, headers=owner.write
    )
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "artifact_missing"
    assert (await stored(app)) == {"runs": 0, "states": 0, "events": []}


async def test_a_passing_run_of_another_tool_does_not_hide_a_failing_guarantee_from_the_gate(
    api: Api, client: httpx.AsyncClient
) -> None:
    owner = await api.team()
    orders = await api.asset(owner, "quality.main.orders", require_passing_audit=True)
    await upload_run_results(client, owner.write)  # dbt: accepted_values:status and others fail
    # A later passing run that checks something else (freshness, say) is the latest run...
    await api.call(
        "POST",
        f"/assets/{orders['id']}/audit",
        201,
        owner.write,
        json={"status": "passed", "results": [{"guarantee": "freshness", "status": "passed"}]},
    )
    schema = {"type": "object", "properties": {"order_id": {"type": "integer"}}}
    refused = await client.post(
        f"{API}/assets/{orders['id']}/contracts", json={"schema": schema}, headers=owner.write
    )
    # ...but the guarantees dbt found failing still fail: the gate stays shut and names them.
    assert refused.status_code == 412, refused.text
    error = refused.json()["error"]
    assert error["code"] == "audit_not_passing"
    assert "accepted_values:status" in error["message"]


async def test_a_run_whose_tests_were_all_skipped_does_not_open_the_gate(
    api: Api, client: httpx.AsyncClient
) -> None:
    # broken_orders failed to build in the fixture's `dbt build`, so dbt skipped its only test.
    owner = await api.team()
    broken = await api.asset(owner, "quality.main.broken_orders", require_passing_audit=True)
    resp = await upload_run_results(client, owner.write)
    assert resp.status_code == 200, resp.text
    (recorded,) = [r for r in resp.json()["recorded"] if r["fqn"] == "quality.main.broken_orders"]
    assert recorded["status"] == "error" and recorded["checks"] == 1
    schema = {"type": "object", "properties": {"order_id": {"type": "integer"}}}
    refused = await client.post(
        f"{API}/assets/{broken['id']}/contracts", json={"schema": schema}, headers=owner.write
    )
    assert refused.status_code == 412, refused.text
    assert refused.json()["error"]["code"] == "audit_not_passing"
    assert "every check was skipped" in refused.json()["error"]["message"]
