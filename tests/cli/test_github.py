"""Pure helpers of the GitHub glue: which PR we run for, the comment body, the recorded verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tessera.cli.change_request import default_source_ref
from tessera.cli.github import (
    MARKER,
    MAX_COMMENT,
    comment_body,
    pr_number_from_env,
    verdict_in,
)


@pytest.mark.parametrize(
    ("event", "ref", "expected"),
    [
        ({"pull_request": {"number": 12}}, "", 12),
        ({"issue": {"number": 9, "pull_request": {}}}, "", 9),
        ({"issue": {"number": 9}}, "", None),  # a comment on an issue, not a PR
        (None, "refs/pull/31/merge", 31),
        (None, "refs/pull/31/head", 31),
        (None, "refs/heads/main", None),
        ({"ref": "refs/heads/main"}, "refs/pull/4/merge", 4),
    ],
)
def test_pr_number_from_env(tmp_path: Path, event: object, ref: str, expected: int | None) -> None:
    env = {"GITHUB_REF": ref}
    if event is not None:
        path = tmp_path / "event.json"
        path.write_text(json.dumps(event))
        env["GITHUB_EVENT_PATH"] = str(path)
    assert pr_number_from_env(env) == expected


def test_default_source_ref() -> None:
    env = {"GITHUB_REPOSITORY": "acme/wh", "GITHUB_REF": "refs/pull/8/merge"}
    assert default_source_ref(env) == "github:acme/wh#8"
    assert default_source_ref({"GITHUB_REF": "refs/pull/8/merge"}) is None
    assert default_source_ref({"GITHUB_REPOSITORY": "acme/wh"}) is None


def test_default_source_ref_in_a_gitlab_merge_request_pipeline() -> None:
    env = {"CI_PROJECT_PATH": "data/warehouse", "CI_MERGE_REQUEST_IID": "17", "CI_PROJECT_ID": "42"}
    assert default_source_ref(env) == "gitlab:data/warehouse!17"
    assert default_source_ref({"CI_PROJECT_PATH": "data/warehouse"}) is None  # a branch pipeline


def test_comment_body_has_one_marker_and_fits_githubs_limit() -> None:
    assert comment_body("hello").startswith(MARKER + "\n")
    assert comment_body(f"{MARKER}\nhello").count(MARKER) == 1
    huge = comment_body("x" * 100_000)
    assert len(huge) <= MAX_COMMENT
    assert huge.endswith("(`tessera dbt check`)._")


def test_verdict_in() -> None:
    assert verdict_in("a\n<!-- tessera-verdict: fail -->\n") == "fail"
    assert verdict_in("<!-- tessera-verdict: fail -->\n<!-- tessera-verdict: pass -->") == "pass"
    assert verdict_in("no marker") is None
