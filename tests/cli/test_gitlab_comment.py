"""``tessera ci gitlab-comment`` against a fake GitLab API on 127.0.0.1: one MR note, kept up to date."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from tessera.cli.gitlab import MAX_NOTE, note_body
from tessera.cli.main import app
from tessera.cli.review_comment import MARKER
from tests.cli.conftest import review_report as report
from tests.cli.fake_gitlab import FakeGitLab, fake_gitlab

PROJECT, MR = "1234", 42


@pytest.fixture
def gitlab() -> Iterator[FakeGitLab]:
    with fake_gitlab() as fake:
        yield fake


def mr_pipeline(gitlab: FakeGitLab, project: str = PROJECT, iid: int = MR) -> dict[str, str]:
    """The predefined variables of a GitLab CI merge-request pipeline (and a token from a CI variable)."""
    return {
        "CI_API_V4_URL": gitlab.api,
        "CI_PROJECT_ID": project,
        "CI_PROJECT_PATH": "data/warehouse",
        "CI_MERGE_REQUEST_IID": str(iid),
        "GITLAB_TOKEN": gitlab.token,
    }


def comment(markdown: Path, *extra: str, env: dict[str, str]) -> Result:
    args = ["ci", "gitlab-comment", "--markdown", str(markdown), *extra]
    # Start from a clean slate: no CI variables of the machine running the tests leak in.
    clean = dict.fromkeys(("CI_JOB_TOKEN", "GITLAB_TOKEN", "CI_PROJECT_ID", "CI_MERGE_REQUEST_IID"), "")
    return CliRunner().invoke(app, args, env={**clean, **env}, catch_exceptions=False)


def test_first_run_creates_the_note_second_run_edits_it(gitlab: FakeGitLab, tmp_path: Path) -> None:
    for i in range(130):  # our note ends up on the second page (GitLab lists newest first)
        gitlab.add(PROJECT, MR, f"review note {i}")
    gitlab.add(PROJECT, MR, f"added 1 commit {MARKER}", system=True)  # a system note is never ours

    first = comment(report(tmp_path, "fail", "breaks marketing"), env=mr_pipeline(gitlab))
    assert first.exit_code == 1
    assert f"MR note created ({PROJECT}!{MR})" in first.stderr
    [ours] = gitlab.ours(PROJECT, MR)
    assert ours["body"].startswith(MARKER)
    assert "breaks marketing" in ours["body"]

    for i in range(120):  # reviewers keep talking: our note moves to a later page
        gitlab.add(PROJECT, MR, f"later note {i}")
    second = comment(report(tmp_path, "pass", "all acknowledged"), env=mr_pipeline(gitlab))
    assert second.exit_code == 0
    assert f"MR note updated ({PROJECT}!{MR})" in second.stderr
    [edited] = gitlab.ours(PROJECT, MR)
    assert edited["id"] == ours["id"]
    assert "all acknowledged" in edited["body"] and "breaks marketing" not in edited["body"]
    assert len(gitlab.notes[(PROJECT, MR)]) == 131 + 1 + 120
    methods = [m for m, _, _ in gitlab.requests]
    assert methods.count("POST") == 1
    assert methods.count("PUT") == 1
    assert any("page=3" in path for _, path, _ in gitlab.requests), "the listing must follow X-Next-Page"
    assert {auth for _, _, auth in gitlab.requests} == {"PRIVATE-TOKEN"}


def test_a_project_path_is_url_encoded(gitlab: FakeGitLab, tmp_path: Path) -> None:
    env = {"CI_API_V4_URL": gitlab.api, "GITLAB_TOKEN": gitlab.token}
    result = comment(report(tmp_path, "pass"), "--project", "data/warehouse", "--mr", "7", env=env)
    assert result.exit_code == 0, result.output
    assert len(gitlab.ours("data/warehouse", 7)) == 1
    assert all("/projects/data%2Fwarehouse/" in path for _, path, _ in gitlab.requests)


def test_the_ci_job_token_is_used_when_no_access_token_is_given(gitlab: FakeGitLab, tmp_path: Path) -> None:
    env = {**mr_pipeline(gitlab), "GITLAB_TOKEN": "", "CI_JOB_TOKEN": gitlab.job_token}
    result = comment(report(tmp_path, "pass"), env=env)
    assert result.exit_code == 0, result.output
    assert len(gitlab.ours(PROJECT, MR)) == 1
    assert {auth for _, _, auth in gitlab.requests} == {"JOB-TOKEN"}


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
    gitlab: FakeGitLab, tmp_path: Path, verdict: str, flags: list[str], exit_code: int
) -> None:
    result = comment(report(tmp_path, verdict), *flags, env=mr_pipeline(gitlab, iid=3))
    assert result.exit_code == exit_code
    assert len(gitlab.ours(PROJECT, 3)) == 1  # the note is posted whatever the verdict


def test_a_refused_note_is_a_warning_and_the_verdict_still_decides(
    gitlab: FakeGitLab, tmp_path: Path
) -> None:
    result = comment(report(tmp_path, "fail"), "--token", "wrong", env=mr_pipeline(gitlab, iid=5))
    assert result.exit_code == 1
    assert "warning: could not update the MR note: GitLab answered 401" in result.stderr
    assert "401 Unauthorized" in result.stderr
    assert gitlab.ours(PROJECT, 5) == []


def test_outside_a_merge_request_nothing_is_posted(gitlab: FakeGitLab, tmp_path: Path) -> None:
    env = {**mr_pipeline(gitlab), "CI_MERGE_REQUEST_IID": ""}  # a branch pipeline
    result = comment(report(tmp_path, "pass"), env=env)
    assert result.exit_code == 0
    assert "not a merge request" in result.stderr
    assert gitlab.requests == []


def test_no_token_at_all_is_unusable_input(gitlab: FakeGitLab, tmp_path: Path) -> None:
    env = {**mr_pipeline(gitlab), "GITLAB_TOKEN": ""}
    result = comment(report(tmp_path, "pass"), env=env)
    assert result.exit_code == 2
    assert "GITLAB_TOKEN" in result.stderr
    assert gitlab.requests == []


def test_missing_report_is_unusable_input(gitlab: FakeGitLab, tmp_path: Path) -> None:
    result = comment(tmp_path / "missing.md", env=mr_pipeline(gitlab))
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "file not found" in result.stderr


def test_note_body_shares_the_marker_and_fits_gitlabs_limit() -> None:
    assert note_body("hello").startswith(MARKER + "\n")
    assert note_body(f"{MARKER}\nhello").count(MARKER) == 1
    huge = note_body("x" * (MAX_NOTE + 10))
    assert len(huge) <= MAX_NOTE
    assert huge.endswith("(`tessera dbt check`)._")
