"""``tessera dbt sync`` and ``tessera dbt check`` against the real dbt endpoints with real dbt manifests."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from tests.cli.conftest import Cli, new_key

MANIFESTS = Path(__file__).resolve().parents[1] / "fixtures" / "dbt" / "manifests"
BASE = str(MANIFESTS / "shop__base.json.gz")
DROPPED = str(MANIFESTS / "shop__dropped_column.json.gz")
FCT = "model.shop.fct_orders"


def synced_shop(cli: Cli) -> tuple[str, str]:
    """Sync the base manifest for team analytics and register marketing on fct_orders' country_code.

    Returns (the fct_orders FQN, marketing's key).
    """
    cli.ok("team", "create", "analytics")
    cli.ok("team", "create", "marketing")
    result = cli.json("dbt", "sync", "--manifest", BASE, "--owner-team", "analytics")
    assert isinstance(result, dict)
    fct = next(a for a in result["assets"] if a["unique_id"] == FCT)
    marketing = new_key(cli, "marketing")
    cli.ok("register", fct["fqn"], "--columns", "country_code", key=marketing)
    return str(fct["fqn"]), marketing


def test_sync_prints_a_summary(cli: Cli) -> None:
    cli.ok("team", "create", "analytics")
    out = cli.ok("dbt", "sync", "--manifest", BASE, "--owner-team", "analytics").stdout
    assert "Synced dbt project shop" in out
    assert "shop.main.fact_orders" in out and "Assets changed (11)" in out
    quiet = cli.ok("dbt", "sync", "--manifest", DROPPED, "--owner-team", "analytics", "--quiet").stdout
    assert quiet.startswith("Synced dbt project shop") and "1 updated" in quiet
    assert "Assets changed" not in quiet and len(quiet.strip().splitlines()) <= 2
    again = cli.json("dbt", "sync", "--manifest", DROPPED, "--owner-team", "analytics")
    assert isinstance(again, dict)
    assert again["summary"]["created"] == 0
    assert {a["status"] for a in again["assets"]} <= {"unchanged", "skipped"}


def test_check_fails_on_an_unacknowledged_breaking_change(cli: Cli, tmp_path: Path) -> None:
    fqn, _ = synced_shop(cli)
    report = tmp_path / "out" / "tessera.md"
    result = cli.run("dbt", "check", "--manifest", DROPPED, "--json", "--markdown", str(report))
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["verdict"] == "fail"
    assert isinstance(data["markdown"], str)
    model = next(m for m in data["models"] if m["unique_id"] == FCT)
    assert model["fqn"] == fqn
    assert model["status"] == "modified"
    assert (model["breaking"], model["acknowledged"]) == (True, False)
    assert {"kind", "path", "breaking", "message"} <= set(model["changes"][0])
    assert any(c["breaking"] and "country_code" in c["path"] for c in model["changes"])
    marketing = next(c for c in model["consumers"] if c["team"] == "marketing")
    assert (marketing["required"], marketing["affected_columns"]) == (True, ["country_code"])
    assert marketing["reasons"] == ["reads country_code"]
    assert {"team", "response"} <= set(model["consumers"][0])
    for other in data["models"]:
        assert other["status"] in {"added", "modified", "removed", "unchanged"}
    text = report.read_text()
    assert "marketing" in text
    assert text.rstrip().endswith("<!-- tessera-verdict: fail -->")

    human = cli.run("dbt", "check", "--manifest", DROPPED)
    assert human.exit_code == 1
    assert "FAIL: 1 model with breaking changes not yet acknowledged. Run with --propose" in human.stdout
    assert "marketing" in human.stdout


def test_check_passes_without_breaking_changes(cli: Cli) -> None:
    synced_shop(cli)
    result = cli.run("dbt", "check", "--manifest", BASE)
    assert result.exit_code == 0, result.output
    assert "No model changed." in result.stdout and "PASS: no breaking change." in result.stdout
    assert json.loads(cli.run("dbt", "check", "--manifest", BASE, "--json").stdout)["verdict"] == "pass"


def test_propose_opens_a_pull_request_proposal(cli: Cli, tmp_path: Path) -> None:
    fqn, _ = synced_shop(cli)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 42}}))
    env = {"GITHUB_REPOSITORY": "acme/shop", "GITHUB_EVENT_PATH": str(event)}
    result = cli.run("dbt", "check", "--manifest", DROPPED, "--propose", env=env)
    assert result.exit_code == 1, result.output
    assert "Proposals are open" in result.stdout
    proposals = cli.json("proposal", "list", "--source-ref", "github:acme/shop#42")
    assert isinstance(proposals, list)
    assert [(p["asset_fqn"], p["status"], p["source"]) for p in proposals] == [(fqn, "open", "pull_request")]


@pytest.mark.parametrize("env", [{}, {"GITHUB_REPOSITORY": "acme/shop", "GITHUB_REF": "refs/heads/main"}])
def test_propose_needs_a_source_ref(cli: Cli, env: dict[str, str]) -> None:
    line = cli.fails("dbt", "check", "--manifest", BASE, "--propose", code=2) if not env else None
    if env:
        result = cli.run("dbt", "check", "--manifest", BASE, "--propose", env=env)
        assert result.exit_code == 2
        line = result.stderr.strip()
    assert line is not None
    assert "--source-ref" in line


def test_unusable_input_exits_2(cli: Cli, tmp_path: Path) -> None:
    assert "manifest not found" in cli.fails(
        "dbt", "check", "--manifest", str(tmp_path / "nope.json"), code=2
    )
    garbage = tmp_path / "manifest.json"
    garbage.write_text("{this is not json")
    line = cli.fails("dbt", "check", "--manifest", str(garbage), code=2)
    assert line.startswith("error:")
    assert "the manifest is not valid JSON" in line and "(invalid_json, HTTP 400)" in line
    assert "manifest not found" in cli.fails("dbt", "sync", "--manifest", str(tmp_path / "nope.json"), code=1)


def test_unreachable_server_exits_2(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    line = Cli(f"http://127.0.0.1:{port}").fails("dbt", "check", "--manifest", BASE, code=2)
    assert f"Cannot reach Tessera at http://127.0.0.1:{port}" in line


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(Exception, match="Cannot reach Tessera"):
        Cli(f"http://127.0.0.1:{port}").run("dbt", "check", "--manifest", BASE, "--debug")
