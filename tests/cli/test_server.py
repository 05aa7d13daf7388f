"""``tessera serve``, ``worker`` and ``db upgrade`` refuse a bad configuration with what to fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tessera.cli.main import app

BAD_CONFIGURATIONS = [
    ({"DATABASE_URL": "sqlite+aiosqlite:///:memory:"}, "in-memory SQLite database is not supported"),
    ({"ENVIRONMENT": "production", "AUTH_DISABLED": "true"}, "AUTH_DISABLED=true is refused"),
    ({"ENVIRONMENT": "prod"}, "ENVIRONMENT: Input should be 'development', 'test' or 'production'"),
]


@pytest.mark.parametrize("command", [["serve"], ["worker"], ["db", "upgrade"]])
@pytest.mark.parametrize(("env", "message"), BAD_CONFIGURATIONS)
def test_a_configuration_mistake_exits_2_with_a_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: list[str], env: dict[str, str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env file here
    result = CliRunner().invoke(app, command, env=env)
    assert result.exit_code == 2, result.output
    assert "Configuration error: " in result.output and message in result.output
    assert "Traceback" not in result.output
