"""The dbt result adapters on the committed real artifacts (dbt 1.12, 1.7 and 1.4)."""

from __future__ import annotations

import json

import pytest

from tessera.enums import GuaranteeStatus
from tessera.ingest.results import InvalidArtifactError, parse_run_results, parse_sources
from tests.quality.artifacts import BUILD, MANIFEST, RESULTS, SOURCES

V3 = b"https://schemas.getdbt.com/dbt/run-results/v3.json"
V6 = b"https://schemas.getdbt.com/dbt/run-results/v6.json"
V4_MANIFEST = RESULTS / "v4" / "manifest.json.gz"  # dbt 1.4.9: manifest v8 beside run_results v4
V5_MANIFEST = RESULTS / "v5" / "manifest.json.gz"  # dbt 1.7.19: manifest v11 beside run_results v5
EXPECTED = {
    "quality.main.customers": {"not_null:customer_id": "passed", "unique:customer_id": "passed"},
    "quality.main.broken_orders": {"not_null:order_id": "skipped"},
    "quality.main.orders": {
        "accepted_values:status": "failed",
        "custom:assert_orders_amount_positive": "error",
        "not_null:coupon_code": "warned",
        "not_null:order_id": "passed",
        "relationships:customer_id": "failed",
        "unique:order_id": "passed",
    },
}


def _statuses(results_path: object, manifest: object) -> dict[str, dict[str, str]]:
    parsed = parse_run_results(results_path.read_bytes(), manifest.read_bytes())  # type: ignore[attr-defined]
    return {fqn: {c.guarantee: c.status.value for c in checks} for fqn, checks in parsed.by_relation.items()}


@pytest.mark.parametrize(
    ("version", "manifest"), [("build", MANIFEST), ("v5", V5_MANIFEST), ("v4", V4_MANIFEST)]
)
def test_every_schema_version_lands_on_the_same_guarantees(version: str, manifest: object) -> None:
    assert _statuses(RESULTS / version / "run_results.json", manifest) == EXPECTED


def test_failures_timing_and_invocation_are_kept() -> None:
    parsed = parse_run_results(BUILD.read_bytes(), MANIFEST.read_bytes())
    assert parsed.invocation_id == json.loads(BUILD.read_text())["metadata"]["invocation_id"]
    assert parsed.run_at is not None and parsed.source == "dbt"
    warned = next(
        c for c in parsed.by_relation["quality.main.orders"] if c.guarantee == "not_null:coupon_code"
    )
    assert (warned.failing_rows, warned.status) == (3, GuaranteeStatus.WARNED)
    assert warned.seconds is not None and warned.check.startswith("test.quality.not_null_orders_coupon_code")


def test_a_test_is_matched_by_its_arguments_not_its_unique_id() -> None:
    # Rename every test id (dbt does so when arguments change): the guarantees stay the same.
    results = json.loads(BUILD.read_text())
    manifest = json.loads(__import__("gzip").decompress(MANIFEST.read_bytes()))
    for entry in results["results"]:
        uid = entry["unique_id"]
        if uid.startswith("test."):
            entry["unique_id"] = uid + "_renamed"
            manifest["nodes"][uid + "_renamed"] = manifest["nodes"].pop(uid)
    parsed = parse_run_results(json.dumps(results).encode(), manifest)
    assert {f: {c.guarantee: c.status.value for c in v} for f, v in parsed.by_relation.items()} == EXPECTED


def test_freshness_maps_dbt_verdicts_and_keeps_the_age() -> None:
    parsed = parse_sources(SOURCES.read_bytes(), MANIFEST.read_bytes())
    checks = {fqn: v[0] for fqn, v in parsed.by_relation.items()}
    assert {f: c.status.value for f, c in checks.items()} == {
        "quality.feeds.fresh_feed": "passed",
        "quality.feeds.late_feed": "warned",
        "quality.feeds.stale_feed": "failed",
    }
    assert checks["quality.feeds.late_feed"].age_seconds == pytest.approx(2 * 86400, abs=600)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b'{"metadata": {}, "results": []}', "missing_field"),
        (b'{"metadata": {"dbt_schema_version": "' + V3 + b'"}}', "unsupported_schema_version"),
        (b'{"metadata": {"dbt_schema_version": "' + V6 + b'", "invocation_id": "x"}}', "missing_field"),
        (b'[1, 2]', "wrong_artifact"),
    ],
)  # fmt: skip
def test_unreadable_run_results_say_what_is_wrong(data: bytes, code: str) -> None:
    with pytest.raises(InvalidArtifactError) as caught:
        parse_run_results(data, MANIFEST.read_bytes())
    assert caught.value.code == code
    assert "run_results.json" in caught.value.message or code == "empty"


def test_sources_json_is_not_run_results() -> None:
    with pytest.raises(InvalidArtifactError, match="dbt sources artifact"):
        parse_run_results(SOURCES.read_bytes(), MANIFEST.read_bytes())
    with pytest.raises(InvalidArtifactError, match="run-results artifact"):
        parse_sources(BUILD.read_bytes(), MANIFEST.read_bytes())
