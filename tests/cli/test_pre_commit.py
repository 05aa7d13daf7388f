"""The pre-commit hook: ``tessera schema pre-commit`` and the ``.pre-commit-hooks.yaml`` manifest, run by the
real ``pre-commit`` tool in a temporary git repository (offline: the hook repository is a local clone)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tessera.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
OLD = {"type": "object", "properties": {"id": {"type": "integer"}, "zip": {"type": "string"}}}
COMPATIBLE = {**OLD, "properties": {**OLD["properties"], "city": {"type": "string"}}}
BREAKING = {"type": "object", "properties": {"id": {"type": "integer"}}}


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def contracts_repo(path: Path) -> Path:
    """A git repository whose first commit holds contracts/orders.json (OLD)."""
    git(path.parent, "init", "-q", path.name)
    (path / "contracts").mkdir()
    (path / "contracts" / "orders.json").write_text(json.dumps(OLD))
    git(path, "add", ".")
    git(path, "commit", "-qm", "orders contract")
    return path


def write(repo: Path, schema: dict[str, object]) -> None:
    (repo / "contracts" / "orders.json").write_text(json.dumps(schema))


def hook(repo: Path, *args: str) -> tuple[int, str]:
    cwd = Path.cwd()
    os.chdir(repo)
    try:
        result = CliRunner().invoke(app, ["schema", "pre-commit", *args], env={"COLUMNS": "200"})
    finally:
        os.chdir(cwd)
    return result.exit_code, result.output


def test_a_breaking_change_against_head_fails_with_the_servers_words(tmp_path: Path) -> None:
    repo = contracts_repo(tmp_path / "repo")
    write(repo, BREAKING)
    code, output = hook(repo, "contracts/orders.json")
    assert code == 1
    assert "property_removed" in output and "NOT compatible under backward" in output


def test_a_compatible_change_and_a_new_file_pass(tmp_path: Path) -> None:
    repo = contracts_repo(tmp_path / "repo")
    write(repo, COMPATIBLE)
    (repo / "contracts" / "customers.json").write_text(json.dumps(OLD))
    code, output = hook(repo, "contracts/orders.json", "contracts/customers.json")
    assert code == 0, output
    assert "Compatible under backward" in output and "customers.json: new file" in output


@pytest.mark.parametrize(
    ("config", "args", "code"),
    [
        ({".tessera.yaml": "mode: none\n"}, [], 0),
        ({"pyproject.toml": '[tool.tessera]\nmode = "none"\n'}, [], 0),
        ({".tessera.yaml": "mode: none\n"}, ["--mode", "backward"], 1),  # the flag wins
        ({"pyproject.toml": '[tool.tessera]\nmode = "forward"\n'}, [], 0),  # removing is forward-safe
    ],
)
def test_the_mode_comes_from_the_flag_then_the_config_file(
    tmp_path: Path, config: dict[str, str], args: list[str], code: int
) -> None:
    repo = contracts_repo(tmp_path / "repo")
    for name, text in config.items():
        (repo / name).write_text(text)
    write(repo, BREAKING)
    assert hook(repo, *args, "contracts/orders.json")[0] == code


def test_unusable_input_exits_2_with_what_to_fix(tmp_path: Path) -> None:
    repo = contracts_repo(tmp_path / "repo")
    (repo / ".tessera.yaml").write_text("mode: strict\n")
    code, output = hook(repo, "contracts/orders.json")
    assert code == 2 and ".tessera.yaml: mode: 'strict' is not a valid choice; use one of backward" in output
    (repo / ".tessera.yaml").write_text("mode: backwards\n")
    code, output = hook(repo, "contracts/orders.json")
    assert code == 2 and "did you mean 'backward'?" in output
    (repo / ".tessera.yaml").unlink()
    (repo / "contracts" / "orders.json").write_text("{not json")
    code, output = hook(repo, "contracts/orders.json")
    assert code == 2 and "not valid JSON" in output
    outside = tmp_path / "plain"
    outside.mkdir()
    (outside / "a.json").write_text("{}")
    code, output = hook(outside, "a.json")
    assert code == 2 and "not inside a git repository" in output


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_manifest_works_with_the_real_pre_commit_tool(tmp_path: Path) -> None:
    # The hook repository: this project's manifest at a commit of a local repository (no network).
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    git(hooks, "init", "-q")
    shutil.copy(ROOT / ".pre-commit-hooks.yaml", hooks / ".pre-commit-hooks.yaml")
    git(hooks, "add", ".")
    git(hooks, "commit", "-qm", "hooks")
    rev = git(hooks, "rev-parse", "HEAD")

    repo = contracts_repo(tmp_path / "repo")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hooks}\n  rev: {rev}\n"
        "  hooks:\n  - id: tessera-schema-diff\n    files: ^contracts/\n"
    )
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",  # `tessera` of this environment
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    subprocess.run([str(BIN / "pre-commit"), "install"], cwd=repo, env=env, check=True, capture_output=True)

    def commit(schema: dict[str, object]) -> subprocess.CompletedProcess[str]:
        write(repo, schema)
        git(repo, "add", ".")
        return subprocess.run(
            ["git", "commit", "-m", "change"], cwd=repo, env=env, capture_output=True, text=True, check=False
        )

    refused = commit(BREAKING)
    assert refused.returncode != 0, refused.stdout + refused.stderr
    assert "NOT compatible under backward" in refused.stdout + refused.stderr
    assert "Failed" in refused.stdout + refused.stderr

    accepted = commit(COMPATIBLE)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "Passed" in accepted.stdout + accepted.stderr


@pytest.mark.parametrize(
    ("command", "file"),
    [("validate-manifest", ".pre-commit-hooks.yaml"), ("validate-config", ".pre-commit-config.yaml")],
)
def test_the_hook_files_are_valid_for_pre_commit(command: str, file: str) -> None:
    done = subprocess.run(
        [str(BIN / "pre-commit"), command, str(ROOT / file)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
