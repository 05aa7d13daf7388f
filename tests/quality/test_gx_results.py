"""Great Expectations results, produced by the real package, posted to the API."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
from fastapi import FastAPI

from tessera.ingest.results import parse_validation_result
from tests.helpers import API, Api
from tests.quality.artifacts import BUILD, stored
from tests.quality.gx_results import checkpoint_description, validation_result

EXPECTED = {
    "not_null:coupon_code": "error",  # no such column: the expectation raised
    "not_null:order_id": "passed",
    "not_null:status": "failed",
    "unique:order_id": "failed",
    "accepted_values:status": "failed",
    "volume": "passed",  # row count between 1 and 100, and equal to 5
    "freshness": "failed",  # the newest loaded_at (2020-01-03) is older than the expected 2026-01-01
}


def test_common_expectations_map_to_guarantees_and_others_stay_named() -> None:
    parsed = parse_validation_result(json.dumps(validation_result()).encode(), "warehouse.core.orders")
    checks = {c.guarantee: c for c in parsed.by_relation["warehouse.core.orders"]}
    assert {k: checks[k].status.value for k in EXPECTED} == EXPECTED
    custom = {k: c.status.value for k, c in checks.items() if k.startswith("custom:")}
    assert sorted(custom.values()) == [
        "passed",
        "passed",
        "warned",
    ]  # the mean and the numeric max pass; the severity-warning range warns
    assert any(k.startswith("custom:expect_column_mean_to_be_between:amount#") for k in custom)
    assert any(k.startswith("custom:expect_column_max_to_be_between:amount#") for k in custom)
    assert checks["unique:order_id"].failing_rows == 2
    assert (
        checks["freshness"].message
        == "newest loaded_at 2020-01-03T00:00:00 (expected at least 2026-01-01T00:00:00)"
    )
    volume = [c for c in parsed.by_relation["warehouse.core.orders"] if c.guarantee == "volume"]
    assert sorted(c.check for c in volume) == [
        "expect_table_row_count_to_be_between",
        "expect_table_row_count_to_equal",
    ]
    assert "coupon_code" in (checks["not_null:coupon_code"].message or "")
    assert parsed.invocation_id.startswith("orders:")


async def test_posted_results_become_a_run_and_states(
    api: Api, client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await api.team()
    asset = await api.asset(owner, "warehouse.core.gx_orders")
    body = json.dumps(validation_result()).encode()
    params = {"asset_fqn": "warehouse.core.gx_orders"}
    url = f"{API}/quality/great-expectations/results"
    resp = await client.post(url, content=body, params=params, headers=owner.write)
    assert resp.status_code == 200, resp.text
    (recorded,) = resp.json()["recorded"]
    assert recorded["status"] == "failed" and recorded["checks"] == 10  # two volume checks are one guarantee
    health = await api.call("GET", f"/assets/{asset['id']}/guarantees", 200, owner.read)
    states = {g["guarantee"]: g["status"] for g in health["guarantees"]}
    assert {k: states[k] for k in EXPECTED} == EXPECTED
    again = await client.post(url, content=body, params=params, headers=owner.write)
    assert again.json()["recorded"][0]["duplicate"] is True
    assert (await stored(app))["runs"] == 1
    # The same suite and run time through another validation definition is another invocation.
    other = validation_result() | {"meta": validation_result()["meta"] | {"validation_id": "another"}}
    second = await client.post(url, content=json.dumps(other).encode(), params=params, headers=owner.write)
    assert second.json()["recorded"][0]["duplicate"] is False
    assert (await stored(app))["runs"] == 2
    unknown = await client.post(url, content=body, params={"asset_fqn": "nowhere.x.y"}, headers=owner.write)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "no_known_assets"
    assert "nowhere.x.y" in unknown.json()["error"]["message"]
    wrong = await client.post(
        url, content=b'{"run_results": {}, "checkpoint_config": {}}', params=params, headers=owner.write
    )
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "wrong_artifact"
    dbt = await client.post(url, content=BUILD.read_bytes(), params=params, headers=owner.write)
    assert dbt.status_code == 400 and dbt.json()["error"]["code"] == "wrong_artifact"
    assert "tessera dbt results" in dbt.json()["error"]["message"]
    summary = await client.post(
        url, content=json.dumps(checkpoint_description()).encode(), params=params, headers=owner.write
    )
    assert summary.status_code == 400 and summary.json()["error"]["code"] == "wrong_artifact"
    assert "gx/uncommitted/validations/" in summary.json()["error"]["message"]
    assert (await stored(app))["runs"] == 2


def test_the_server_never_imports_great_expectations() -> None:
    code = "import sys, tessera.app, tessera.ingest.results; print('great_expectations' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert out.stdout.strip() == "False"
