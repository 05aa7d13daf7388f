"""The composite GitHub Action (action.yml) stays in step with the CLI it drives."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from tessera.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
ACTION = (ROOT / "action.yml").read_text()


@pytest.mark.parametrize(
    "name",
    [
        "tessera-url",
        "api-key",
        "manifest-path",
        "source",
        "document-path",
        "project",
        "dbt-command",
        "propose",
        "fail-on-breaking",
        "python-version",
        "run-results-path",
        "sources-path",
    ],
)
def test_action_declares_the_documented_inputs(name: str) -> None:
    assert re.search(rf"^  {re.escape(name)}:\n    description: ", ACTION, re.MULTILINE)


@pytest.mark.parametrize(
    ("command", "flags"),
    [
        (["dbt", "check"], ["--manifest", "--environment", "--markdown", "--propose"]),
        (["ci", "github-comment"], ["--markdown", "--fail-on-breaking", "--no-fail-on-breaking"]),
        (["dbt", "results"], ["--manifest", "--environment"]),
        (["dbt", "freshness"], ["--manifest", "--environment"]),
    ],
)
def test_flags_used_by_the_action_exist(command: list[str], flags: list[str]) -> None:
    assert f"tessera {' '.join(command)}" in ACTION or f"({' '.join(command)} " in ACTION
    help_text = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"}).stdout
    for flag in flags:
        assert flag in ACTION
        assert flag in help_text, f"{flag} is used by action.yml but 'tessera {' '.join(command)}' lacks it"


def test_action_installs_only_the_client_at_the_locked_versions() -> None:
    assert '-r "$ACTION_PATH/action-requirements.txt"' in ACTION
    assert '--no-deps "$ACTION_PATH/sdk" "$ACTION_PATH"' in ACTION
    assert "ACTION_PATH: ${{ github.action_path }}" in ACTION
    checked = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "client_requirements.py"), "--check"], capture_output=True
    )
    assert checked.returncode == 0, checked.stderr.decode()
    pins = (ROOT / "action-requirements.txt").read_text()
    assert "typer==" in pins and "httpx==" in pins
    assert not any(f"\n{server}==" in pins for server in SERVER_PACKAGES)


# Packages only the server needs: the client commands must run without them.
SERVER_PACKAGES = ("fastapi", "starlette", "sqlalchemy", "alembic", "sqlglot", "jinja2", "uvicorn", "asyncpg")
_BLOCKED_RUN = """
import sys
from importlib.abc import MetaPathFinder

class Block(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}:
            raise ImportError("server package imported by the client: " + name)
        return None

sys.meta_path.insert(0, Block())
sys.argv = ["tessera", *sys.argv[1:]]
from tessera.cli.main import run
run()
"""


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["dbt", "check", "--help"],
        ["ci", "github-comment", "--help"],
        ["impact", "--help"],
        ["webhook", "list", "--help"],
        ["openapi", "diff", "--help"],
        ["graphql", "diff", "--help"],
    ],
)
def test_client_commands_run_without_the_server_packages(args: list[str]) -> None:
    code = _BLOCKED_RUN.format(blocked=set(SERVER_PACKAGES))
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_offline_schema_diff_runs_without_the_server_packages(tmp_path: Path) -> None:
    schema = tmp_path / "s.json"
    schema.write_text('{"type": "object", "properties": {"id": {"type": "integer"}}}')
    code = _BLOCKED_RUN.format(blocked=set(SERVER_PACKAGES))
    args = ["schema", "diff", str(schema), str(schema)]
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "No changes." in done.stdout


@pytest.mark.slow
def test_the_client_installs_alone_and_runs(tmp_path: Path) -> None:
    """What the action does, into a fresh virtualenv, from uv's cache (skipped when it lacks the wheels).

    The install time is printed (run with ``-s``); bench/bench_action_install.py measures it with pip.
    """
    # On PATH, the one run.py fetches into .tools, or beside the interpreter the virtualenv was made from.
    candidates = [
        shutil.which("uv"),
        ROOT / ".tools" / "uv" / "bin" / "uv",
        Path(sys.executable).parent / "uv",
    ]
    uv = next((str(c) for c in candidates if c and Path(c).is_file()), "")
    # In CI (``.ci/run`` fetches uv and reaches the index) an install failure is a broken pin: it fails.
    missing = pytest.fail if os.environ.get("CI") else pytest.skip
    if not uv:
        missing("uv is not installed")
    venv = tmp_path / "venv"
    subprocess.run([uv, "venv", "-q", "-p", sys.executable, str(venv)], check=True)
    python = str(venv / "bin" / "python")
    started = time.perf_counter()
    pinned = [uv, "pip", "install", "-q", "-p", python, "-r", str(ROOT / "action-requirements.txt")]
    # From uv's cache alone when it can; else the index may be asked (uv's cache then serves the files).
    pins = subprocess.run([*pinned, "--offline"], capture_output=True, text=True)
    if pins.returncode != 0:
        pins = subprocess.run(pinned, capture_output=True, text=True)
    if pins.returncode != 0:
        missing(f"the pinned wheels cannot be installed here: {pins.stderr.strip()[:200]}")
    subprocess.run(
        [uv, "pip", "install", "-q", "--offline", "-p", python, "--no-deps", str(ROOT / "sdk"), str(ROOT)],
        check=True,
    )
    print(f"client install: {time.perf_counter() - started:.1f} s")
    version = subprocess.run([str(venv / "bin" / "tessera"), "--version"], capture_output=True, text=True)
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("tessera ")
    missing = subprocess.run([python, "-c", "import fastapi"], capture_output=True)
    assert missing.returncode != 0  # the server's packages were not installed


@pytest.mark.parametrize("source", ["openapi", "graphql"])
def test_other_sources_run_their_own_check_with_the_same_flags(source: str) -> None:
    assert 'args=("$SOURCE" check "$DOCUMENT"' in ACTION
    help_text = CliRunner().invoke(app, [source, "check", "--help"], env={"COLUMNS": "200"}).stdout
    for flag in ("--environment", "--markdown", "--project"):
        assert flag in ACTION
        assert flag in help_text, f"{flag} is used by action.yml but 'tessera {source} check' lacks it"


def _step(name: str) -> dict[str, Any]:
    steps = yaml.safe_load(ACTION)["runs"]["steps"]
    return next(s for s in steps if s["name"] == name)


def _run_step(step: dict[str, Any], tmp_path: Path, **env: str) -> tuple[int, str]:
    """Run a step's script as GitHub runs `shell: bash` (bash -eo pipefail); its return code and outputs."""
    output = tmp_path / "github_output"
    output.write_text("")
    done = subprocess.run(  # noqa: S603
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],  # noqa: S607
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"], "GITHUB_OUTPUT": str(output), **env},
        capture_output=True,
        text=True,
    )
    return done.returncode, output.read_text()


def test_failing_dbt_tests_still_upload_their_results_and_fail_the_job_last(tmp_path: Path) -> None:
    build = _step("Build the dbt manifest")
    dbt_build = "sh -c 'mkdir -p target && echo {} > target/run_results.json && exit 1'"  # tests failed
    rc, outputs = _run_step(build, tmp_path, DBT_COMMAND=dbt_build, RUN_RESULTS="target/run_results.json")
    assert rc == 0 and outputs.strip() == "deferred-exit-code=1"
    # The upload and the check run after a successful step; the job fails at the end with dbt's code.
    assert _step("Upload dbt test and freshness results")["if"].startswith("inputs.run-results-path")
    last = _step("Fail because the dbt command failed")
    assert last["if"] == "always() && steps.dbt.outputs.deferred-exit-code != ''"
    assert _run_step(last, tmp_path, EXIT_CODE="1")[0] == 1


def test_a_dbt_command_that_wrote_no_results_fails_at_once(tmp_path: Path) -> None:
    build = _step("Build the dbt manifest")
    (tmp_path / "target").mkdir()
    (tmp_path / "target" / "run_results.json").write_text("{}")  # left by an earlier run: not this one's
    rc, outputs = _run_step(
        build, tmp_path, DBT_COMMAND="sh -c 'exit 2'", RUN_RESULTS="target/run_results.json"
    )
    assert rc == 2 and outputs == ""
    assert _run_step(build, tmp_path, DBT_COMMAND="false", RUN_RESULTS="")[0] == 1
    assert _run_step(build, tmp_path, DBT_COMMAND="true", RUN_RESULTS="target/run_results.json") == (0, "")


def test_a_stale_source_still_uploads_the_freshness_results(tmp_path: Path) -> None:
    build = _step("Build the dbt manifest")
    freshness = "sh -c 'mkdir -p target && echo {} > target/sources.json && exit 1'"  # a source is stale
    rc, outputs = _run_step(
        build, tmp_path, DBT_COMMAND=freshness, RUN_RESULTS="", SOURCES="target/sources.json"
    )
    assert rc == 0 and outputs.strip() == "deferred-exit-code=1"
