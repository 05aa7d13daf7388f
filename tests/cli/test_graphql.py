"""``tessera graphql sync|check`` against the real endpoints, ``tessera graphql diff`` offline."""

from __future__ import annotations

import json
from pathlib import Path

from graphql import build_schema, get_introspection_query, graphql_sync
from typer.testing import CliRunner

from tessera.cli.main import app
from tests.cli.conftest import Cli, new_key
from tests.ingest.graphql.pairs import BASE, edit

runner = CliRunner()


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_sync_and_check_with_sdl_files(cli: Cli, tmp_path: Path) -> None:
    cli.ok("team", "create", "graph")
    out = cli.ok(
        "graphql", "sync", write(tmp_path, "a.graphql", BASE), "--owner-team", "graph", "--project", "shop"
    )
    assert "Synced graphql project shop" in out.stdout
    cli.ok("team", "create", "web")
    cli.ok("register", "shop.Role", key=new_key(cli, "web"))
    removed = write(tmp_path, "b.graphql", edit("enum Role { ADMIN MEMBER", "enum Role { ADMIN"))
    result = cli.run("graphql", "check", removed, "--project", "shop", "--json")
    assert result.exit_code == 1, result.output
    row = next(m for m in json.loads(result.stdout)["models"] if m["fqn"] == "shop.Role")
    assert row["breaking"] and row["consumers"][0]["team"] == "web"


def test_diff_reads_sdl_and_introspection_and_flags_dangerous_changes(tmp_path: Path) -> None:
    data = graphql_sync(build_schema(BASE), get_introspection_query(descriptions=True)).data
    old = write(tmp_path, "old.json", json.dumps({"data": data}))
    added = write(tmp_path, "new.graphql", edit("enum Role { ADMIN MEMBER", "enum Role { ADMIN OWNER MEMBER"))
    result = runner.invoke(app, ["graphql", "diff", old, added, "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["compatible"] is True
    assert [c["path"] for c in out["changes"] if c["dangerous"]] == ["Role#"]
    removed = write(tmp_path, "gone.graphql", edit("  email: String!\n", ""))
    assert runner.invoke(app, ["graphql", "diff", old, removed]).exit_code == 1
    bad = write(tmp_path, "bad.graphql", "type Query {")
    result = runner.invoke(app, ["graphql", "diff", old, bad])
    assert result.exit_code == 2 and "bad.graphql" in result.output
