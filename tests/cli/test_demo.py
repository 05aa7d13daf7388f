"""``tessera demo --no-serve``: recreates the file, seeds it and prints a key per team and role."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from tessera.cli.main import app

KEY = re.compile(r"^\s+(\S+)\s+(.+?)\s+(tess_\S+)$", re.MULTILINE)


def run_demo(database: Path) -> str:
    result = CliRunner().invoke(
        app, ["demo", "--no-serve", "--port", "8123", "--database", str(database)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def test_demo_recreates_its_database_and_prints_keys(tmp_path: Path) -> None:
    database = tmp_path / "demo" / "demo.db"
    first = run_demo(database)
    assert "http://127.0.0.1:8123/" in first
    assert str(database) in first
    assert "deleted and seeded again" in first
    roles = {(team, role.strip()) for team, role, _ in KEY.findall(first)}
    assert {("analytics", "owner"), ("finance", "consumer"), ("data-platform", "admin")} <= roles
    assert ("marketing", "viewer (read only)") in roles

    second = run_demo(database)
    assert {k for *_, k in KEY.findall(first)}.isdisjoint(k for *_, k in KEY.findall(second))
    with sqlite3.connect(database) as conn:
        (teams,) = conn.execute("select count(*) from teams").fetchone()
    assert teams == 5  # recreated, not seeded twice into the same file
