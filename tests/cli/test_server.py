"""``tessera serve``, ``worker`` and ``db upgrade`` refuse a bad configuration with what to fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tessera.cli.main import app
from tessera.config import get_settings

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


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("mysql://root@127.0.0.1/tessera", "DATABASE_URL: must be a PostgreSQL or SQLite URL"),
        ("postgresql+psycopg2://x@127.0.0.1/t", "got a 'postgresql+psycopg2' URL"),
        (
            "postgresql://postgres@127.0.0.1:1/tessera",
            "Database error: cannot connect to the database server",
        ),
        ("postgresql://postgres@127.0.0.1:5432/no_such_db_ws14", 'database "no_such_db_ws14" does not exist'),
    ],
)
def test_database_mistakes_are_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str, fragment: str
) -> None:
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()  # the CLI reads the settings once per process
    result = CliRunner().invoke(app, ["db", "upgrade"], env={"DATABASE_URL": url})
    get_settings.cache_clear()
    assert result.exit_code == 2, result.output
    if "does not exist" in fragment and "cannot connect" in result.output:
        pytest.skip("no PostgreSQL server at 127.0.0.1:5432")
    assert fragment in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_plain_postgresql_urls_get_the_asyncpg_driver() -> None:
    from tessera.config import Settings

    assert Settings(database_url="postgresql://u@h/db").database_url == "postgresql+asyncpg://u@h/db"
    assert Settings(database_url="postgres://u@h/db").database_url == "postgresql+asyncpg://u@h/db"
    assert Settings(database_url="sqlite:///x.db").database_url == "sqlite+aiosqlite:///x.db"


def test_a_busy_port_is_reported_before_migrations(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import socket

    monkeypatch.chdir(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        get_settings.cache_clear()
        result = CliRunner().invoke(app, ["serve", "--port", str(port)], env={"DATABASE_URL": ""})
        get_settings.cache_clear()
    assert result.exit_code == 2, result.output
    assert f"Cannot listen on 127.0.0.1:{port}" in result.output and "PORT=" in result.output
    assert not (tmp_path / "data" / "tessera.db").exists()  # nothing migrated first
