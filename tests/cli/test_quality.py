"""``tessera dbt results``, ``tessera dbt freshness`` and ``tessera gx results`` against a live server."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Cli, new_key
from tests.quality.artifacts import BUILD, MANIFEST, RESULTS, SOURCES, TEST
from tests.quality.gx_results import validation_result


def _synced(cli: Cli) -> str:
    """The quality project synced for team analytics; returns analytics' write key."""
    cli.ok("team", "create", "analytics")
    cli.ok("dbt", "sync", "--manifest", str(MANIFEST), "--owner-team", "analytics")
    return new_key(cli, "analytics")


def test_dbt_results_and_freshness_after_a_sync(cli: Cli) -> None:
    key = _synced(cli)
    out = cli.ok("dbt", "results", str(BUILD), "--manifest", str(MANIFEST), key=key).stdout
    assert "3 runs recorded, 0 already recorded earlier" in out and "quality.main.orders" in out
    assert "accepted_values:status" in out  # a guarantee that started failing
    repeated = cli.ok("dbt", "results", str(BUILD), "--manifest", str(MANIFEST), key=key).stdout
    assert "0 runs recorded, 3 already recorded earlier" in repeated
    again = cli.json("dbt", "results", str(BUILD), "--manifest", str(MANIFEST), key=key)
    assert isinstance(again, dict) and all(r["duplicate"] for r in again["recorded"])
    fresh = cli.json("dbt", "freshness", str(SOURCES), "--manifest", str(MANIFEST), key=key)
    assert isinstance(fresh, dict)
    assert {r["fqn"]: r["status"] for r in fresh["recorded"]} == {
        "quality.feeds.fresh_feed": "passed",
        "quality.feeds.late_feed": "passed",
        "quality.feeds.stale_feed": "failed",
    }


def test_gx_results_for_one_asset(cli: Cli, tmp_path: Path) -> None:
    key = _synced(cli)
    result = tmp_path / "validation.json"
    result.write_text(json.dumps(validation_result()))
    data = cli.json("gx", "results", str(result), "--asset", "quality.main.orders", key=key)
    assert isinstance(data, dict) and data["recorded"][0]["status"] == "failed"


def test_bad_input_is_one_error_line(cli: Cli, tmp_path: Path) -> None:
    key = _synced(cli)
    line = cli.fails("dbt", "results", str(SOURCES), "--manifest", str(MANIFEST), key=key)
    assert "wrong_artifact" in line or "not run_results.json" in line
    missing = cli.fails("dbt", "results", str(tmp_path / "run_results.json"), key=key)
    assert "run_results.json not found" in missing


def test_dbt_check_names_unreliable_guarantees_in_the_terminal(cli: Cli) -> None:
    key = _synced(cli)
    cli.ok("team", "create", "marketing")
    cli.ok("register", "quality.main.orders", "--team", "marketing")
    # Three real dbt invocations (dbt 1.12 build and test, dbt 1.7 build): the relationship fails in each.
    for results, manifest in (
        (BUILD, MANIFEST),
        (TEST, MANIFEST),
        (RESULTS / "v5" / "run_results.json", None),
    ):
        cli.ok(
            "dbt",
            "results",
            str(results),
            "--manifest",
            str(manifest or results.with_name("manifest.json.gz")),
            key=key,
        )
    out = cli.run("dbt", "check", "--manifest", str(MANIFEST), key=key).stdout
    assert "Unreliable guarantees" in out
    assert "relationships:customer_id" in out and "fails 3 of the last 3 runs" in out and "marketing" in out
