"""A real SQLMesh project for the tests: ``sqlmesh init`` (DuckDB) in a temporary directory, then edits.

SQLMesh runs in its own environment, ``.venv-sqlmesh`` (``python3 run.py test`` makes it from
sqlmesh-requirements.txt); without it the tests that need it skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
VENV = ROOT / ".venv-sqlmesh" / "bin"


def sqlmesh_python() -> str:
    """The interpreter of the SQLMesh environment, or skip (fail under CI) when it is missing."""
    python = VENV / "python"
    if not python.exists():
        message = "no .venv-sqlmesh: run `python3 run.py test` (it creates it)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return str(python)


def init_project(base: Path) -> Path:
    """SQLMesh's example project (``sqlmesh init -t default duckdb``), made once per ``base``."""
    sqlmesh_python()
    project = base / "sqlmesh_shop"
    if not project.exists():
        project.mkdir()
        subprocess.run(  # noqa: S603
            [str(VENV / "sqlmesh"), "init", "-t", "default", "duckdb"],
            cwd=project,
            check=True,
            capture_output=True,
        )
    return project


def copy_project(template: Path, target: Path) -> Path:
    """A private copy of the example project to edit."""
    shutil.copytree(template, target, ignore=shutil.ignore_patterns("logs", ".cache", "db.db"))
    return target


FULL_MODEL = "models/full_model.sql"


def edit(project: Path, path: str, old: str, new: str) -> None:
    """Replace ``old`` (which must be there) by ``new`` in one of the project's files."""
    file = project / path
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def owned_with_audits(project: Path, owner: str) -> Path:
    """The example's full model with an owner, built-in audits and one more column (the PR drops it)."""
    edit(project, FULL_MODEL, "  grain item_id,\n", f"  grain item_id,\n  owner '{owner}',\n")
    edit(
        project,
        FULL_MODEL,
        "audits (assert_positive_order_ids)",
        "audits (assert_positive_order_ids, not_null(columns := (item_id, num_orders)),"
        " accepted_values(column := tier, is_in := ('a', 'b')))",
    )
    edit(
        project,
        FULL_MODEL,
        "  COUNT(DISTINCT id) AS num_orders,\n",
        "  COUNT(DISTINCT id) AS num_orders,\n  MAX(event_date) AS last_order_date,\n  'a' AS tier,\n",
    )
    return project


def drop_last_order_date(project: Path) -> None:
    """The pull request's change: a column consumers may read is dropped."""
    edit(project, FULL_MODEL, "  MAX(event_date) AS last_order_date,\n", "")
