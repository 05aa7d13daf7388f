"""The composite GitHub Action (action.yml) stays in step with the CLI it drives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tessera.cli.main import app

ACTION = (Path(__file__).resolve().parents[2] / "action.yml").read_text()


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
    ],
)
def test_action_declares_the_documented_inputs(name: str) -> None:
    assert re.search(rf"^  {re.escape(name)}:\n    description: ", ACTION, re.MULTILINE)


@pytest.mark.parametrize(
    ("command", "flags"),
    [
        (["dbt", "check"], ["--manifest", "--environment", "--markdown", "--propose"]),
        (["ci", "github-comment"], ["--markdown", "--fail-on-breaking", "--no-fail-on-breaking"]),
    ],
)
def test_flags_used_by_the_action_exist(command: list[str], flags: list[str]) -> None:
    assert f"tessera {' '.join(command)}" in ACTION or f"({' '.join(command)} " in ACTION
    help_text = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"}).stdout
    for flag in flags:
        assert flag in ACTION
        assert flag in help_text, f"{flag} is used by action.yml but 'tessera {' '.join(command)}' lacks it"


def test_action_installs_the_sdk_and_the_cli_from_its_own_path() -> None:
    assert '"$ACTION_PATH/sdk" "$ACTION_PATH"' in ACTION
    assert "ACTION_PATH: ${{ github.action_path }}" in ACTION


@pytest.mark.parametrize("source", ["openapi", "graphql"])
def test_other_sources_run_their_own_check_with_the_same_flags(source: str) -> None:
    assert 'args=("$SOURCE" check "$DOCUMENT"' in ACTION
    help_text = CliRunner().invoke(app, [source, "check", "--help"], env={"COLUMNS": "200"}).stdout
    for flag in ("--environment", "--markdown", "--project"):
        assert flag in ACTION
        assert flag in help_text, f"{flag} is used by action.yml but 'tessera {source} check' lacks it"
