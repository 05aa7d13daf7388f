"""Settings from the environment: safe production defaults, the embedded database, development auth."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from tessera.app import create_app
from tessera.config import Environment, Settings
from tests.assertions import assert_error

# Variables a developer's shell (or the PostgreSQL test run) may set; each test starts without them.
OUR_VARIABLES = (
    "DATABASE_URL",
    "ENVIRONMENT",
    "AUTH_DISABLED",
    "SECRET_KEY",
    "DATA_DIR",
    "BOOTSTRAP_API_KEY",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in OUR_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def from_env() -> Settings:
    """Settings read from the process environment only (no .env file)."""
    return Settings(_env_file=None)


def test_auth_disabled_is_refused_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("AUTH_DISABLED", "true")
    with pytest.raises(ValidationError, match="AUTH_DISABLED=true is refused when ENVIRONMENT=production"):
        from_env()
    monkeypatch.setenv("AUTH_DISABLED", "false")
    settings = from_env()
    assert (settings.environment, settings.auth_disabled) == (Environment.PRODUCTION, False)


def test_production_needs_a_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="SECRET_KEY must be set when ENVIRONMENT=production"):
        from_env()
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    assert from_env().resolved_secret_key() == "a-real-secret"


@pytest.mark.parametrize("environment", ["development", "test"])
def test_auth_disabled_is_allowed_outside_production(
    monkeypatch: pytest.MonkeyPatch, environment: str
) -> None:
    monkeypatch.setenv("ENVIRONMENT", environment)
    monkeypatch.setenv("AUTH_DISABLED", "1")
    assert from_env().auth_disabled is True


@pytest.mark.parametrize("url", ["sqlite+aiosqlite:///:memory:", "sqlite+aiosqlite://"])
def test_in_memory_sqlite_is_refused_with_the_fix(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ValidationError, match="in-memory SQLite database is not supported; use a file"):
        from_env()


def test_default_database_is_a_sqlite_file_under_the_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    default = from_env()
    assert default.environment is Environment.DEVELOPMENT
    assert default.data_dir == Path("data")
    assert default.database_url == "sqlite+aiosqlite:///data/tessera.db"
    assert default.is_sqlite
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "state"))
    moved = from_env()
    assert moved.database_url == f"sqlite+aiosqlite:///{(tmp_path / 'state' / 'tessera.db').as_posix()}"
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/tessera")
    explicit = from_env()
    assert explicit.database_url == "postgresql+asyncpg://postgres@127.0.0.1:5432/tessera"
    assert not explicit.is_sqlite


def test_development_secret_key_is_created_once_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "d")
    first = settings.resolved_secret_key()
    assert first and (tmp_path / "d" / "secret_key").read_text().strip() == first
    assert settings.resolved_secret_key() == first
    assert Settings(_env_file=None, secret_key="given").resolved_secret_key() == "given"


async def test_auth_disabled_in_development_lets_requests_through(
    monkeypatch: pytest.MonkeyPatch, clean_database: str, tmp_path: Path
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "development")
    monkeypatch.setenv("AUTH_DISABLED", "true")
    monkeypatch.setenv("DATABASE_URL", clean_database)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WORKER_ENABLED", "false")
    app = create_app(from_env())
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tessera.test") as client,
    ):
        team = await client.post("/api/v1/teams", json={"name": "local"})
        assert team.status_code == 201, team.text
        asset = await client.post("/api/v1/assets", json={"fqn": "w.s.t", "owner_team_id": team.json()["id"]})
        assert asset.status_code == 201, asset.text
        # A key that would be invalid is ignored too: development mode does not authenticate.
        listed = await client.get("/api/v1/assets", headers={"Authorization": "Bearer nonsense"})
        assert listed.json()["total"] == 1
        events = (await client.get("/api/v1/audit/events?action=asset.created")).json()
        assert events["items"][0]["actor_key_id"] == "dev"


async def test_auth_is_on_by_default(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    app = create_app(from_env().model_copy(update={"data_dir": settings.data_dir, "worker_enabled": False}))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tessera.test") as client,
    ):
        resp = await client.get("/api/v1/teams")
    assert_error(resp, 401, "missing_api_key")


def test_worker_heartbeat_must_leave_room_inside_the_lease() -> None:
    with pytest.raises(ValueError, match="WORKER_HEARTBEAT_SECONDS must be at most half"):
        Settings(_env_file=None, worker_lease_seconds=4, worker_heartbeat_seconds=3)
    assert (
        Settings(_env_file=None, worker_lease_seconds=4, worker_heartbeat_seconds=2).worker_lease_seconds == 4
    )
