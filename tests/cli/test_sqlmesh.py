"""``tessera sqlmesh sync|check`` on a real SQLMesh project (its example, DuckDB) against a real server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Cli, new_key
from tests.ingest.sqlmesh.project import (
    copy_project,
    drop_last_order_date,
    init_project,
    owned_with_audits,
    sqlmesh_python,
)

FULL = "db.sqlmesh_example.full_model"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return init_project(tmp_path_factory.mktemp("sqlmesh"))


def test_sync_then_check_a_dropped_column_for_the_registered_consumer(
    cli: Cli, example: Path, tmp_path: Path
) -> None:
    python = sqlmesh_python()
    cli.ok("team", "create", "analytics")
    cli.ok("team", "create", "platform")  # owns the models without an owner
    project = owned_with_audits(copy_project(example, tmp_path / "shop"), "analytics")
    sync = (
        "sqlmesh",
        "sync",
        str(project),
        "--python",
        python,
        "--project",
        "shop",
        "--owner-team",
        "platform",
    )
    first = cli.json(*sync)
    assert (first["source"], first["project_name"], first["summary"]["created"]) == ("sqlmesh", "shop", 3)
    assets = json.loads(cli.ok("asset", "list", "--json").stdout)
    owner = next(a for a in assets if a["fqn"] == FULL)["owner_team_id"]
    teams = json.loads(cli.ok("team", "list", "--json").stdout)
    assert owner == next(t["id"] for t in teams if t["name"] == "analytics")
    # analytics' full model reads platform's incremental model: registered with the columns it reads.
    incremental = next(a for a in assets if a["fqn"] == "db.sqlmesh_example.incremental_model")
    regs = json.loads(cli.ok("registration", "list", "--asset", incremental["id"], "--json").stdout)
    regs = regs["items"] if isinstance(regs, dict) else regs
    assert [(r["derived_columns"], r["column_scope"]) for r in regs] == [
        (["event_date", "id", "item_id"], "columns")
    ]
    cli.ok("team", "create", "marketing")
    cli.ok("register", FULL, key=new_key(cli, "marketing"))

    drop_last_order_date(project)
    report = tmp_path / "report.md"
    args = ("sqlmesh", "check", str(project), "--python", python, "--project", "shop")
    result = cli.run(*args, "--json", "--markdown", str(report))
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["verdict"] == "fail"
    row = next(m for m in data["models"] if m["fqn"] == FULL)
    assert row["breaking"] and [c["team"] for c in row["consumers"]] == ["marketing"]
    assert FULL in report.read_text(encoding="utf-8")

    merged = cli.json(*sync)
    assert next(a for a in merged["assets"] if a["fqn"] == FULL)["status"] == "proposed"


def test_without_a_python_that_has_sqlmesh_the_check_says_what_to_install(cli: Cli, tmp_path: Path) -> None:
    line = cli.fails("sqlmesh", "check", str(tmp_path), "--python", "/nonexistent/python", code=2)
    assert "/nonexistent/python" in line
