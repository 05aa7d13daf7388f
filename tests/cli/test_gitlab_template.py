"""The GitLab CI template (ci/gitlab/tessera.gitlab-ci.yml): it parses, every ``tessera`` call it makes is
a real command with real flags, and its check job's script, run by bash against a real server and a fake
GitLab, keeps one merge-request note."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from tessera.cli.main import app
from tests.cli.fake_gitlab import FakeGitLab, fake_gitlab
from tests.conftest import BOOTSTRAP_KEY

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "ci" / "gitlab" / "tessera.gitlab-ci.yml"
MANIFEST = ROOT / "tests" / "fixtures" / "dbt" / "manifests" / "shop__base.json.gz"
GITLAB_DOC = ROOT / "docs" / "gitlab.md"
_CALL = re.compile(r"(?:^|[;&|(]\s*|\bthen\s+)tessera((?:\s+[a-z][a-z-]*)+)(.*)$", re.MULTILINE)


def template() -> dict[str, Any]:
    data = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def jobs() -> dict[str, dict[str, Any]]:
    return {name: job for name, job in template().items() if not name.startswith(".")}


def resolved(job: dict[str, Any]) -> dict[str, Any]:
    """The job with its ``extends`` template merged in (one level, as the template uses it)."""
    base = template()[job["extends"]] if "extends" in job else {}
    return {**base, **job, "variables": {**base.get("variables", {}), **job.get("variables", {})}}


def shell_lines() -> list[str]:
    lines = []
    for job in template().values():
        for key in ("before_script", "script", "after_script"):
            lines += job.get(key, [])
    return lines


def tessera_calls() -> list[tuple[list[str], list[str]]]:
    """(sub-command words, flags) of every ``tessera`` call in the template's scripts."""
    calls = []
    for text in shell_lines():
        for match in _CALL.finditer(text):
            words = match.group(1).split()
            calls.append((words, re.findall(r"(?<![\w-])--[a-z][a-z-]*", match.group(2))))
    return calls


def test_the_template_parses_into_a_check_and_a_sync_job() -> None:
    assert set(jobs()) == {"tessera-check", "tessera-sync"}
    for name, job in jobs().items():
        full = resolved(job)
        assert full["image"].startswith("python:3.11"), name
        assert full["rules"], f"{name} must say when it runs"
        assert all(isinstance(line, str) for line in full["script"]), name
    check_rules = [rule["if"] for rule in jobs()["tessera-check"]["rules"]]
    assert check_rules == ['$CI_PIPELINE_SOURCE == "merge_request_event"']
    assert jobs()["tessera-check"]["artifacts"]["when"] == "always"


def test_the_template_calls_the_check_the_note_and_the_sync() -> None:
    commands = {" ".join(words) for words, _ in tessera_calls()}
    assert {"dbt check", "ci gitlab-comment", "dbt sync"} <= commands


@pytest.mark.parametrize(("words", "flags"), tessera_calls(), ids=lambda v: " ".join(v) if v else "-")
def test_each_call_is_a_real_command_with_real_flags(words: list[str], flags: list[str]) -> None:
    result = CliRunner().invoke(app, [*words, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, f"tessera {' '.join(words)} is not a command: {result.output}"
    for flag in flags:
        assert flag in result.stdout, f"tessera {' '.join(words)} has no {flag}"


def test_it_installs_only_the_client_at_the_locked_versions_as_the_action_does() -> None:
    install = " ".join(template()[".tessera-client"]["before_script"])
    assert '--depth 1 "$TESSERA_REPOSITORY" "$TESSERA_VERSION"' in install
    assert "--only-binary=:all: -r /tmp/tessera-client/action-requirements.txt" in install
    assert "--no-deps /tmp/tessera-client/sdk /tmp/tessera-client" in install
    # Nothing else is installed: no git+ requirement pulling the server's dependencies in.
    assert "git+" not in install


def test_its_install_steps_fetch_a_tag_branch_or_commit(tmp_path: Path) -> None:
    """The fetch lines of before_script under bash, with this repository standing for the remote."""
    steps = [line for line in template()[".tessera-client"]["before_script"] if line.startswith("git ")]
    script = "\n".join(["set -e", *steps]).replace("/tmp/tessera-client", str(tmp_path / "client"))
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    if head.returncode != 0:
        # Only an unpacked source archive has no git history; CI always runs in a clone, where it must run.
        (pytest.fail if os.environ.get("CI") else pytest.skip)("not a git checkout")
    env = {**os.environ, "TESSERA_REPOSITORY": str(ROOT), "TESSERA_VERSION": head.stdout.strip()}
    done = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "client" / "action-requirements.txt").is_file()
    assert (tmp_path / "client" / "sdk" / "pyproject.toml").is_file()


def test_the_docs_name_every_variable_the_template_reads() -> None:
    doc = GITLAB_DOC.read_text(encoding="utf-8")
    variables = set(template()[".tessera-client"]["variables"]) | {
        "TESSERA_URL",
        "TESSERA_API_KEY",
        "GITLAB_TOKEN",
    }
    missing = [name for name in sorted(variables) if f"`{name}`" not in doc]
    assert missing == []


# --- the check job's script, for real ---------------------------------------------------------------------


@pytest.fixture
def gitlab() -> Iterator[FakeGitLab]:
    with fake_gitlab() as fake:
        yield fake


def tessera_bin() -> str:
    found = Path(sys.executable).with_name("tessera")
    if found.exists():
        return str(found.parent)
    on_path = shutil.which("tessera")
    if on_path is None:
        pytest.skip("the tessera console script is not installed")
    return str(Path(on_path).parent)


def run_check_job(workdir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The check job's ``script`` as GitLab's runner would run it: bash, in the project directory."""
    job = resolved(jobs()["tessera-check"])
    script = "set -eo pipefail\n" + "\n".join(job["script"])
    environment = {**os.environ, **{k: str(v) for k, v in job["variables"].items()}, **env}
    environment["PATH"] = f"{tessera_bin()}{os.pathsep}{environment['PATH']}"
    return subprocess.run(
        ["bash", "-c", script], cwd=workdir, env=environment, capture_output=True, text=True
    )


def test_the_check_jobs_script_keeps_one_note(live_url: str, gitlab: FakeGitLab, tmp_path: Path) -> None:
    env = {
        "TESSERA_URL": live_url,
        "TESSERA_API_KEY": BOOTSTRAP_KEY,
        "TESSERA_MANIFEST": str(MANIFEST),
        "CI_API_V4_URL": gitlab.api,
        "CI_PROJECT_ID": "77",
        "CI_PROJECT_PATH": "data/shop",
        "CI_MERGE_REQUEST_IID": "3",
        "GITLAB_TOKEN": gitlab.token,
        "CI_JOB_TOKEN": "",
    }
    first = run_check_job(tmp_path, env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "MR note created (77!3)" in first.stderr
    assert (tmp_path / "tessera.md").is_file()  # the job's artifact

    second = run_check_job(tmp_path, {**env, "TESSERA_PROPOSE": "true"})
    assert second.returncode == 0, second.stdout + second.stderr
    assert "MR note updated (77!3)" in second.stderr
    [note] = gitlab.ours("77", 3)
    assert "Tessera" in note["body"]


def test_the_check_job_fails_with_2_when_the_check_cannot_run(gitlab: FakeGitLab, tmp_path: Path) -> None:
    env = {
        "TESSERA_URL": "http://127.0.0.1:9",  # nothing listens there
        "TESSERA_API_KEY": BOOTSTRAP_KEY,
        "TESSERA_MANIFEST": str(MANIFEST),
        "CI_API_V4_URL": gitlab.api,
        "CI_PROJECT_ID": "77",
        "CI_MERGE_REQUEST_IID": "4",
        "GITLAB_TOKEN": gitlab.token,
    }
    result = run_check_job(tmp_path, env)
    assert result.returncode == 2
    assert "could not run" in result.stdout
    assert gitlab.requests == []  # no note about a check that did not happen
