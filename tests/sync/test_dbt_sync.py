"""dbt sync and the pull-request impact check, on manifests produced by real dbt-core."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from tests.helpers import ADMIN, Api, TeamCtx

MANIFESTS = Path(__file__).parents[1] / "fixtures" / "dbt" / "manifests"


def manifest(name: str) -> bytes:
    """The raw JSON bytes of a committed manifest."""
    return gzip.decompress((MANIFESTS / f"shop__{name}.json.gz").read_bytes())


class Shop:
    """The teams and people the shop project's meta.owner values refer to."""

    def __init__(
        self, api: Api, platform: TeamCtx, analytics: TeamCtx, finance: TeamCtx, ingest: TeamCtx
    ) -> None:
        self.api, self.platform, self.analytics, self.finance, self.ingest = (
            api,
            platform,
            analytics,
            finance,
            ingest,
        )

    async def sync(self, name: str, key: dict[str, str] = ADMIN, expect: int = 200) -> Any:
        resp = await self.api.client.post(
            f"/api/v1/sync/dbt?owner_team_id={self.platform.id}",
            content=manifest(name),
            headers={**key, "Content-Type": "application/json"},
        )
        assert resp.status_code == expect, resp.text
        return resp.json()

    async def impact(self, name: str, key: dict[str, str], **params: str) -> Any:
        resp = await self.api.client.post(
            "/api/v1/sync/dbt/impact",
            params=params,
            content=manifest(name),
            headers={**key, "Content-Type": "application/json"},
        )
        assert resp.status_code == 200, resp.text
        return resp.json()

    async def strict(self, fqn: str) -> None:
        """Ask every consumer of the asset about every breaking change (the strict switch)."""
        asset = await self.asset(fqn)
        await self.api.call(
            "PATCH", f"/assets/{asset['id']}", 200, ADMIN, json={"require_all_consumers": True}
        )

    async def asset(self, fqn: str) -> Any:
        found = await self.api.call("GET", f"/assets?q={fqn}", 200, ADMIN)
        return next(a for a in found["items"] if a["fqn"] == fqn)


@pytest.fixture
async def shop(client: httpx.AsyncClient) -> Shop:
    api = Api(client)
    platform, analytics = await api.team("platform"), await api.team("Analytics")
    finance, ingest = await api.team("finance"), await api.team("ingest")
    await api.call(
        "POST",
        "/users",
        201,
        ADMIN,
        json={"email": "platform@shop.example", "name": "Platform Bot", "team_ids": [platform.id]},
    )
    await api.call(
        "POST",
        "/users",
        201,
        ADMIN,
        json={"email": "ingest@shop.example", "name": "Ingest Bot", "team_ids": [ingest.id]},
    )
    return Shop(api, platform, analytics, finance, ingest)


async def test_base_sync_creates_assets_owners_lineage_and_consumers(shop: Shop) -> None:
    result = await shop.sync("base")
    assert result["summary"]["created"] == 11
    assert result["summary"]["warnings"] == len(result["warnings"])
    fct = await shop.asset("shop.main.fact_orders")
    assert fct["owner_team_id"] == shop.analytics.id
    assert fct["contact"] == "#analytics"
    assert fct["current_version"] == "1.0.0"
    stg = await shop.asset("shop.main.stg_orders")
    assert stg["owner_team_id"] == shop.platform.id
    assert stg["steward_user_id"] is not None
    invoices = await shop.asset("shop.erp_billing.invoices")
    assert invoices["owner_team_id"] == shop.finance.id
    # Consumers from ref()/source() and the exposure, never a team on its own asset.
    regs = await shop.api.call("GET", f"/registrations?asset_id={fct['id']}", 200, ADMIN)
    assert [r["consumer_team_id"] for r in regs["items"]] == [shop.finance.id]
    regs = await shop.api.call("GET", f"/registrations?asset_id={stg['id']}", 200, ADMIN)
    assert {r["consumer_team_id"] for r in regs["items"]} == {shop.analytics.id}
    assert {r["status"] for r in regs["items"]} == {"confirmed"}  # an admin's sync registers
    deps = await shop.api.call("GET", f"/assets/{fct['id']}/dependencies", 200, ADMIN)
    assert {d["upstream_asset_id"] for d in deps["upstream"]} == {
        stg["id"],
        (await shop.asset("shop.main.stg_customers"))["id"],
    }


async def test_resync_and_reparse_change_nothing(shop: Shop) -> None:
    await shop.sync("base")
    before = await shop.api.call("GET", "/audit/events?limit=500", 200, ADMIN)
    for name in ("base", "base_reparse", "owner_as_object"):
        result = await shop.sync(name)
        assert result["summary"]["unchanged"] == 11, (name, result["summary"])
        assert (
            result["summary"]["created"] == result["summary"]["updated"] == result["summary"]["proposed"] == 0
        )
    after = await shop.api.call("GET", "/audit/events?limit=500", 200, ADMIN)
    new_actions = {e["action"] for e in after["items"][: after["total"] - before["total"]]}
    assert new_actions == {"sync.completed"}


async def test_dropped_column_no_consumer_reads_publishes_and_informs_the_consumer(shop: Shop) -> None:
    # finance reads fct_orders only through finance_revenue (order_id, amount), never country_code.
    await shop.sync("base")
    result = await shop.sync("dropped_column")
    fct = next(a for a in result["assets"] if a["unique_id"] == "model.shop.fct_orders")
    assert (fct["status"], fct["version"]) == ("updated", "2.0.0")
    asset = await shop.asset("shop.main.fact_orders")
    found = await shop.api.call("GET", f"/proposals?asset_id={asset['id']}", 200, ADMIN)
    [proposal] = found["items"]
    assert proposal["status"] == "published"
    assert any(
        c["kind"] == "property_removed" and c["path"].endswith("country_code")
        for c in proposal["breaking_changes"]
    )
    [ack] = proposal["acknowledgments"]
    assert (ack["team_id"], ack["required"], ack["affected_columns"]) == (shop.finance.id, False, [])
    assert proposal["informed_team_ids"] == [shop.finance.id] and proposal["required_team_ids"] == []


async def test_strict_asset_asks_every_consumer_whatever_it_reads(shop: Shop) -> None:
    # customer_id of fct_orders is retyped; finance never reads it, but the asset asks for the strict rule.
    await shop.sync("base")
    asset = await shop.asset("shop.main.fact_orders")
    await shop.api.call("PATCH", f"/assets/{asset['id']}", 200, ADMIN, json={"require_all_consumers": True})
    result = await shop.sync("type_change")
    fct = next(a for a in result["assets"] if a["unique_id"] == "model.shop.fct_orders")
    assert fct["status"] == "proposed"
    proposal = await shop.api.call("GET", f"/proposals/{fct['proposal_id']}", 200, ADMIN)
    [ack] = proposal["acknowledgments"]
    assert (ack["team_id"], ack["required"]) == (shop.finance.id, True)
    assert [r["kind"] for r in ack["impact"]] == ["strict"]
    assert proposal["pending_team_ids"] == [shop.finance.id]
    assert (await shop.asset("shop.main.fact_orders"))["current_version"] == "1.0.0"


async def test_added_nullable_column_publishes_a_minor_version(shop: Shop) -> None:
    await shop.sync("base")
    result = await shop.sync("added_nullable_column")
    stg = next(a for a in result["assets"] if a["unique_id"] == "model.shop.stg_orders")
    assert stg["status"] == "updated"
    assert stg["version"] == "1.1.0"


@pytest.mark.parametrize("variant", ["removed_not_null", "widened_accepted_values"])
async def test_risky_guarantee_and_type_changes_are_proposed(shop: Shop, variant: str) -> None:
    await shop.sync("base")
    result = await shop.sync(variant)
    statuses = {a["unique_id"]: a["status"] for a in result["assets"]}
    changed = {uid: s for uid, s in statuses.items() if s != "unchanged"}
    assert changed, result["summary"]
    assert set(changed.values()) == {"proposed"}, changed


async def test_renamed_model_opens_removal_proposal_for_its_consumers(shop: Shop) -> None:
    await shop.sync("base")
    result = await shop.sync("renamed_model")
    statuses = {a["unique_id"]: a["status"] for a in result["assets"]}
    assert statuses["model.shop.dim_customers"] == "removal_proposed"
    assert statuses["model.shop.dim_customer"] == "created"


async def test_new_source_consumer_is_registered(shop: Shop) -> None:
    await shop.sync("base")
    result = await shop.sync("new_source_consumer")
    assert result["summary"]["registrations_created"] >= 1
    orders = await shop.asset("shop.raw.orders")
    regs = await shop.api.call("GET", f"/registrations?asset_id={orders['id']}", 200, ADMIN)
    assert shop.finance.id in {r["consumer_team_id"] for r in regs["items"]}


async def test_older_manifest_layout_syncs(shop: Shop) -> None:
    result = await shop.sync("v7_layout")
    assert result["schema_version"] == 7
    assert result["summary"]["created"] == 11


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"", "manifest_missing"),
        (b"{not json", "invalid_json"),
        (b'{"metadata": {}, "nodes": {', "truncated"),
    ],
)
async def test_bad_manifest_is_a_clear_4xx_and_writes_nothing(shop: Shop, body: bytes, code: str) -> None:
    resp = await shop.api.client.post(
        f"/api/v1/sync/dbt?owner_team_id={shop.platform.id}",
        content=body,
        headers={**ADMIN, "Content-Type": "application/json"},
    )
    assert resp.status_code == 400, resp.text
    assert resp.json()["error"]["code"] == code
    assets = await shop.api.call("GET", "/assets", 200, ADMIN)
    assert assets["total"] == 0


async def test_gzip_and_multipart_uploads(shop: Shop) -> None:
    raw = manifest("base")
    resp = await shop.api.client.post(
        f"/api/v1/sync/dbt?owner_team_id={shop.platform.id}",
        content=gzip.compress(raw),
        headers={**ADMIN, "Content-Type": "application/gzip"},
    )
    assert resp.status_code == 200, resp.text
    resp = await shop.api.client.post(
        f"/api/v1/sync/dbt?owner_team_id={shop.platform.id}",
        files={"manifest": ("manifest.json", raw)},
        headers=ADMIN,
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["summary"]["unchanged"] == 11


async def test_team_key_syncs_only_its_own_nodes(shop: Shop) -> None:
    result = await shop.sync("base", key=shop.platform.write)
    skipped = {w["node"] for w in result["warnings"] if w["code"] == "not_owner"}
    assert "model.shop.fct_orders" in skipped
    created = {a["unique_id"] for a in result["assets"] if a["status"] == "created"}
    assert created == {
        "model.shop.stg_customers",
        "model.shop.stg_invoices",
        "model.shop.stg_orders",
        "seed.shop.country_codes",
        "snapshot.shop.customers_snapshot",
    }


async def test_pull_request_flow_check_propose_ack_merge(shop: Shop) -> None:
    await shop.sync("base")
    await shop.strict("shop.main.fact_orders")  # finance does not read country_code: ask it anyway
    check = await shop.impact("dropped_column", shop.analytics.read)
    assert check["verdict"] == "fail"
    fct = next(m for m in check["models"] if m["unique_id"] == "model.shop.fct_orders")
    assert fct["status"] == "modified" and fct["breaking"] and not fct["acknowledged"]
    assert [c["team"] for c in fct["consumers"]] == ["finance"]
    assert "fact_orders" in check["markdown"] and "stg_orders" not in check["markdown"]
    # Ask the consumers now; nothing is published.
    resp = await shop.api.client.post(
        "/api/v1/sync/dbt/propose",
        params={"source_ref": "github:shop/dbt#7"},
        content=manifest("dropped_column"),
        headers={**shop.analytics.write, "Content-Type": "application/json"},
    )
    assert resp.status_code == 200, resp.text
    proposal_id = next(m for m in resp.json()["models"] if m["unique_id"] == "model.shop.fct_orders")[
        "proposal"
    ]["id"]
    # The PR comment links the proposal's page (under BASE_URL), where finance reads and answers.
    assert f"](http://tessera.test/proposals/{proposal_id})" in resp.json()["markdown"]
    approved = await shop.api.ack(shop.finance, proposal_id)
    assert approved["status"] == "approved"  # waits for the merge
    assert (await shop.asset("shop.main.fact_orders"))["current_version"] == "1.0.0"
    check = await shop.impact("dropped_column", shop.analytics.read, source_ref="github:shop/dbt#7")
    assert check["verdict"] == "pass"
    merged = await shop.sync("dropped_column")
    fct_sync = next(a for a in merged["assets"] if a["unique_id"] == "model.shop.fct_orders")
    assert fct_sync["status"] == "published_from_proposal"
    assert fct_sync["version"] == "2.0.0"
    fct_asset = await shop.asset("shop.main.fact_orders")
    regs = await shop.api.call("GET", f"/registrations?asset_id={fct_asset['id']}", 200, ADMIN)
    assert [r["consumer_team_id"] for r in regs["items"]] == [shop.finance.id]


def with_extra_column(name: str, model: str, column: str) -> bytes:
    """A committed manifest with one more (nullable, untested) column on ``model``."""
    data = orjson.loads(manifest(name))
    data["nodes"][model]["columns"][column] = {
        "name": column,
        "data_type": "varchar",
        "description": "",
        "meta": {},
    }
    return orjson.dumps(data)


async def _propose(shop: Shop, body: bytes, ref: str) -> Any:
    resp = await shop.api.client.post(
        "/api/v1/sync/dbt/propose",
        params={"source_ref": ref},
        content=body,
        headers={**shop.analytics.write, "Content-Type": "application/json"},
    )
    assert resp.status_code == 200, resp.text
    return next(m for m in resp.json()["models"] if m["unique_id"] == "model.shop.fct_orders")


async def test_new_push_to_the_same_pull_request_replaces_its_proposal(shop: Shop) -> None:
    await shop.sync("base")
    await shop.strict("shop.main.fact_orders")
    ref = "github:shop/dbt#9"
    first = await _propose(shop, manifest("dropped_column"), ref)
    again = await _propose(shop, manifest("dropped_column"), ref)
    assert again["proposal"]["id"] == first["proposal"]["id"]  # the same push is idempotent
    await shop.api.ack(shop.finance, first["proposal"]["id"])
    # Same breaking change plus a compatible one: the answer carries over to the replacement.
    second = await _propose(shop, with_extra_column("dropped_column", "model.shop.fct_orders", "note"), ref)
    assert second["proposal"]["id"] != first["proposal"]["id"]
    assert second["acknowledged"] is True
    assert [c["response"] for c in second["consumers"]] == ["approved"]
    old = await shop.api.call("GET", f"/proposals/{first['proposal']['id']}", 200, ADMIN)
    assert old["status"] == "superseded"
    # A different breaking change: the consumers are asked again.
    third = await _propose(shop, manifest("type_change"), ref)
    assert third["proposal"]["id"] != second["proposal"]["id"]
    assert third["acknowledged"] is False
    assert [c["response"] for c in third["consumers"]] == ["pending"]


async def test_a_big_upload_starts_the_analysis_workers_while_it_is_parsed(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tessera.ingest.dbt import lineage_pool
    from tessera.sync import router

    warmed: list[int | None] = []
    monkeypatch.setattr(lineage_pool, "warm_pool", warmed.append)
    monkeypatch.setattr(lineage_pool, "cpu_count", lambda: 4)
    await shop.sync("base")  # a few KB: no pool for it
    assert warmed == []
    monkeypatch.setattr(router, "WARM_POOL_BYTES", 1024)
    await shop.sync("base")
    assert warmed == [None]  # the setting's default: one worker per CPU


async def test_a_team_sync_suggests_other_teams_registrations_until_they_confirm(shop: Shop) -> None:
    # analytics' key syncs; finance's exposure reads analytics' dim_customers. analytics may not register
    # finance (the API refuses it too): the registration is suggested, informs finance, gates nothing.
    await shop.sync("base", key=shop.platform.write)
    await shop.sync("base", key=shop.analytics.write)
    dim = await shop.asset("shop.main.dim_customers")
    regs = (await shop.api.call("GET", f"/registrations?asset_id={dim['id']}", 200, ADMIN))["items"]
    assert [(r["consumer_team_id"], r["status"]) for r in regs] == [(shop.finance.id, "suggested")]

    # The model is renamed (removed): breaking, but nobody has to answer; finance is informed.
    check = await shop.impact("renamed_model", shop.analytics.read)
    row = next(m for m in check["models"] if m["unique_id"] == "model.shop.dim_customers")
    assert row["status"] == "removed" and row["breaking"]
    assert not row["answer_required"] and row["acknowledged"]
    [finance] = row["consumers"]
    assert finance["team"] == "finance" and not finance["required"]
    assert any("suggested" in reason for reason in finance["reasons"])

    # Only finance (or an admin) confirms; then its answer is required.
    await shop.api.call("POST", f"/registrations/{regs[0]['id']}/confirm", 403, shop.analytics.write)
    confirmed = await shop.api.call(
        "POST", f"/registrations/{regs[0]['id']}/confirm", 200, shop.finance.write
    )
    assert confirmed["status"] == "confirmed"
    check = await shop.impact("renamed_model", shop.analytics.read)
    row = next(m for m in check["models"] if m["unique_id"] == "model.shop.dim_customers")
    assert row["answer_required"] and not row["acknowledged"]
    assert check["verdict"] == "fail"


async def test_the_fingerprints_computed_by_the_lineage_workers_are_the_ones_stored(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tessera.core import schema_fingerprint
    from tessera.ingest.dbt import lineage_pool

    # Even this small project goes to the pool (two workers), fingerprints first.
    monkeypatch.setattr(lineage_pool, "PARALLEL_MIN_MODELS", 0)
    monkeypatch.setattr(lineage_pool, "MIN_CHUNK", 1)
    monkeypatch.setattr(lineage_pool, "cpu_count", lambda: 2)
    submitted: list[int] = []
    real = lineage_pool.fingerprints_in_pool

    def spy(schemas: list[Any], workers: int) -> Any:
        submitted.append(len(schemas))
        return real(schemas, workers)

    monkeypatch.setattr(lineage_pool, "fingerprints_in_pool", spy)
    try:
        first = await shop.sync("base")
        again = await shop.sync("base")
    finally:
        lineage_pool.shutdown_pool()
    assert submitted and submitted[0] == first["summary"]["created"]
    assert again["summary"]["unchanged"] == first["summary"]["created"]
    for item in first["assets"][:5]:
        page = await shop.api.call("GET", f"/assets/{item['asset_id']}/contracts", 200, ADMIN)
        [contract] = page["items"]
        assert contract["schema_fingerprint"] == schema_fingerprint(contract["schema"])
