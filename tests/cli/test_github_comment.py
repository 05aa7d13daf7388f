"""``tessera ci github-comment`` against a fake GitHub API on 127.0.0.1: one comment, kept up to date."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from tessera.cli.github import MARKER
from tessera.cli.main import app
from tests.cli.conftest import review_report as report
from tests.cli.fake_github import FakeGitHub, fake_github

REPO, PR = "acme/warehouse", 42


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with fake_github() as fake:
        yield fake


def comment(github: FakeGitHub, markdown: Path, *extra: str, env: dict[str, str] | None = None) -> Result:
    args = ["ci", "github-comment", "--markdown", str(markdown), *extra]
    environment = {"GITHUB_API_URL": github.url, "GITHUB_TOKEN": github.token, **(env or {})}
    return CliRunner().invoke(app, args, env=environment, catch_exceptions=False)


def test_first_run_creates_second_run_edits_the_same_comment(github: FakeGitHub, tmp_path: Path) -> None:
    for i in range(130):  # our comment lands on the second page of the listing
        github.add(REPO, PR, f"review comment {i}")

    first = comment(github, report(tmp_path, "fail", "breaks marketing"), "--repo", REPO, "--pr", str(PR))
    assert first.exit_code == 1
    assert "PR comment created" in first.stderr
    [ours] = github.ours(REPO, PR)
    assert ours["body"].startswith(MARKER)
    assert "breaks marketing" in ours["body"]

    second = comment(github, report(tmp_path, "pass", "all acknowledged"), "--repo", REPO, "--pr", str(PR))
    assert second.exit_code == 0
    assert "PR comment updated" in second.stderr
    [edited] = github.ours(REPO, PR)
    assert edited["id"] == ours["id"]
    assert "all acknowledged" in edited["body"]
    assert "breaks marketing" not in edited["body"]
    assert len(github.comments[(REPO, PR)]) == 131
    methods = [m for m, _ in github.requests]
    assert methods.count("POST") == 1
    assert methods.count("PATCH") == 1
    assert any("page=2" in path for _, path in github.requests), "the listing must follow pagination"


def test_repo_and_pr_come_from_the_github_environment(github: FakeGitHub, tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"action": "synchronize", "pull_request": {"number": 7}}))
    env = {"GITHUB_REPOSITORY": REPO, "GITHUB_EVENT_PATH": str(event)}
    result = comment(github, report(tmp_path, "pass"), env=env)
    assert result.exit_code == 0
    assert len(github.ours(REPO, 7)) == 1


@pytest.mark.parametrize(
    ("verdict", "flags", "exit_code"),
    [
        ("pass", [], 0),
        ("fail", [], 1),
        ("fail", ["--no-fail-on-breaking"], 0),
        ("pass", ["--verdict", "fail"], 1),
    ],
)
def test_exit_code_follows_the_verdict(
    github: FakeGitHub, tmp_path: Path, verdict: str, flags: list[str], exit_code: int
) -> None:
    result = comment(github, report(tmp_path, verdict), "--repo", REPO, "--pr", "3", *flags)
    assert result.exit_code == exit_code
    assert len(github.ours(REPO, 3)) == 1  # the comment is posted whatever the verdict


def test_a_refused_comment_is_a_warning_and_the_verdict_still_decides(
    github: FakeGitHub, tmp_path: Path
) -> None:
    result = comment(github, report(tmp_path, "fail"), "--repo", REPO, "--pr", "5", "--token", "read-only")
    assert result.exit_code == 1
    assert "warning: could not update the PR comment: GitHub answered 403" in result.stderr
    assert github.ours(REPO, 5) == []


def test_outside_a_pull_request_nothing_is_posted(github: FakeGitHub, tmp_path: Path) -> None:
    result = comment(
        github, report(tmp_path, "pass"), env={"GITHUB_REPOSITORY": REPO, "GITHUB_REF": "refs/heads/main"}
    )
    assert result.exit_code == 0
    assert "not a pull request" in result.stderr
    assert github.requests == []


def test_missing_report_is_unusable_input(github: FakeGitHub, tmp_path: Path) -> None:
    result = comment(github, tmp_path / "missing.md", "--repo", REPO, "--pr", "1")
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "file not found" in result.stderr
