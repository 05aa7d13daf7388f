"""CLI tests run the real ``tessera`` commands (Typer's runner) against a real server on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from tessera.cli.main import app
from tessera.cli.review_comment import verdict_marker
from tests.conftest import BOOTSTRAP_KEY


@dataclass
class Cli:
    """Runs ``tessera`` commands with a server URL and a key in the environment."""

    url: str
    key: str | None = BOOTSTRAP_KEY
    env: dict[str, str] = field(default_factory=dict)

    def run(self, *args: str, key: str | None = None, env: dict[str, str] | None = None) -> Result:
        """Run a command; the exit code is for the caller to check."""
        environment = {"TESSERA_URL": self.url, "TESSERA_API_KEY": key or self.key or "", "COLUMNS": "200"}
        environment.update(self.env)
        environment.update(env or {})
        return CliRunner().invoke(app, list(args), env=environment, catch_exceptions=False)

    def ok(self, *args: str, key: str | None = None) -> Result:
        """Run a command that must succeed."""
        result = self.run(*args, key=key)
        assert result.exit_code == 0, f"tessera {' '.join(args)} -> {result.exit_code}\n{result.output}"
        return result

    def json(self, *args: str, key: str | None = None) -> object:
        """Run a command with ``--json`` and parse its output."""
        return json.loads(self.ok(*args, "--json", key=key).stdout)

    def fails(self, *args: str, code: int = 1, key: str | None = None) -> str:
        """Run a command that must fail with ``code`` and one line on stderr; return that line."""
        result = self.run(*args, key=key)
        assert result.exit_code == code, f"expected exit {code}, got {result.exit_code}\n{result.output}"
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, f"expected one error line, got:\n{result.stderr}"
        assert "Traceback" not in result.output
        return lines[0]


@pytest.fixture
def cli(live_url: str) -> Cli:
    """The CLI bound to a live server, acting with the bootstrap admin key."""
    return Cli(live_url)


def new_key(cli: Cli, team: str, scopes: Sequence[str] = ("write",)) -> str:
    """Create a key for ``team`` through the CLI and return its secret."""
    args = ["api-key", "create", "--team", team, "--name", f"{team}-key"]
    for scope in scopes:
        args += ["--scope", scope]
    created = cli.json(*args)
    assert isinstance(created, dict)
    return str(created["key"])


def review_report(tmp_path: Path, verdict: str, text: str = "report") -> Path:
    """A check report as ``dbt check --markdown`` writes it, with its verdict marker (for the PR comments)."""
    path = tmp_path / f"tessera-{verdict}.md"
    path.write_text(f"## Tessera\n\n{text}\n\n{verdict_marker(verdict)}\n")
    return path
