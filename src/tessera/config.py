"""Settings read from the environment (and an optional ``.env`` file).

Every setting is documented in ``docs/configuration.md``; keep the two in step.
"""

from __future__ import annotations

import ipaddress
import secrets
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    """Where the server runs; production refuses development shortcuts."""

    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


_DRIVERS = {
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
}


class Settings(BaseSettings):
    """Tessera's configuration. Field names map to upper-case environment variables."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    environment: Environment = Environment.DEVELOPMENT
    data_dir: Path = Path("data")
    database_url: str = ""
    redis_url: str | None = None
    redis_timeout_seconds: float = Field(
        default=0.1,
        gt=0,
        description="Connect and reply timeout of Redis calls; past it a request counts its limit in memory.",
    )
    auth_disabled: bool = False
    bootstrap_api_key: str | None = None
    secret_key: str = ""
    # The worker makes event links absolute with this value (tessera.links.resolve); normalised below.
    base_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8000

    rate_limit_per_minute: int = Field(default=600, ge=0, description="Requests per key per minute; 0 = off.")
    api_key_cache_seconds: float = 30.0
    failed_auth_per_minute: int = Field(
        default=30,
        ge=0,
        description="Failed authentications per client address per minute (per process) before 429; 0 = off.",
    )
    ui_session_hours: float = Field(default=12.0, gt=0, description="Lifetime of a web UI sign-in.")
    ui_signin_per_minute: int = Field(
        default=30, ge=0, description="Web UI sign-in attempts per client address per minute; 0 = off."
    )
    max_body_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1024, description="Largest request body (413 above it), uploads aside."
    )
    max_upload_bytes: int = Field(
        default=256 * 1024 * 1024,
        ge=1024,
        description="Largest dbt manifest upload (the compressed size for a gzip upload).",
    )
    db_echo: bool = False
    gc_freeze_startup: bool = False
    sync_pause_gc: bool = Field(
        default=True,
        description="Switch the cyclic garbage collector off (process-wide) while a dbt sync or impact "
        "check runs.",
    )
    db_pool_size: int = Field(
        default=10,
        ge=1,
        description="PostgreSQL connections each pool keeps open (a server has a read and a write pool, "
        "a separate worker one pool).",
    )
    db_max_overflow: int = Field(
        default=10, ge=0, description="Extra PostgreSQL connections each pool may open under load."
    )
    db_transaction_pooler: bool = Field(
        default=False,
        description="PostgreSQL is reached through a pooler in transaction mode (PgBouncer): "
        "no prepared-statement caches.",
    )

    lineage_max_depth: int = 10
    require_all_consumers: bool = Field(
        default=False,
        description="Strict gating everywhere: a breaking change needs every consumer team's answer, "
        "not only the teams that read an affected column (an asset can also ask for it on its own).",
    )
    lineage_workers: int | None = Field(
        default=None,
        ge=0,
        description="Processes that analyse the column lineage of a big dbt project (300 models or more); "
        "unset: one per CPU; 0 or 1: in the server process.",
    )

    worker_enabled: bool = True
    worker_poll_seconds: float = 1.0
    worker_lease_seconds: float = Field(
        default=30.0,
        gt=0,
        description="How long a claimed delivery attempt is reserved for its worker; the worker renews the "
        "lease while it works, so after a crash another worker takes the attempt over within this time.",
    )
    worker_heartbeat_seconds: float = Field(
        default=5.0,
        gt=0,
        description="How often a worker renews the leases of the attempts it holds (at most half the lease).",
    )
    webhook_allowlist: str = ""
    webhook_timeout_seconds: float = 10.0
    global_webhook_url: str | None = None
    global_webhook_secret: str | None = None
    template_dir: Path | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "tessera@localhost"
    smtp_starttls: bool = False

    @field_validator("base_url")
    @classmethod
    def _normalise_base_url(cls, value: str) -> str:
        # Normalised here, once: every link is built by appending a path that starts with "/".
        url = value.strip().rstrip("/")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise ValueError(
                f"BASE_URL must be the server's absolute http(s) URL, e.g. https://tessera.example.com "
                f"(got {value!r})"
            )
        return url

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        # The drivers Tessera ships with are the only ones it can use: plain URLs get them, any other
        # database or driver is refused here, in one line, instead of a traceback from the first connect.
        url = value.strip()
        if not url:
            return url
        scheme, sep, rest = url.partition("://")
        driver = _DRIVERS.get(scheme.lower())
        if not sep or driver is None:
            got = f"a {scheme!r} URL" if sep else "no scheme"
            raise ValueError(
                "must be a PostgreSQL or SQLite URL, e.g. postgresql://user@host:5432/tessera "
                f"or sqlite:///data/tessera.db (got {got})"
            )
        return f"{driver}://{rest}"

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.environment is Environment.PRODUCTION:
            if self.auth_disabled:
                raise ValueError("AUTH_DISABLED=true is refused when ENVIRONMENT=production")
            if not self.secret_key:
                raise ValueError("SECRET_KEY must be set when ENVIRONMENT=production")
        if self.worker_heartbeat_seconds * 2 > self.worker_lease_seconds:
            raise ValueError(
                "WORKER_HEARTBEAT_SECONDS must be at most half of WORKER_LEASE_SECONDS, so that leases are "
                f"renewed before they run out (got {self.worker_heartbeat_seconds} "
                f"and {self.worker_lease_seconds})"
            )
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{(self.data_dir / 'tessera.db').as_posix()}"
        if self.is_sqlite and (self.database_url.endswith(":memory:") or self.database_url.endswith("://")):
            # Every connection would open a database of its own: the migrations and the requests would
            # not see the same tables.
            raise ValueError(
                "DATABASE_URL: an in-memory SQLite database is not supported; use a file, e.g. "
                "sqlite+aiosqlite:///data/tessera.db (or leave DATABASE_URL unset)"
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        """True when the configured database is SQLite."""
        return self.database_url.startswith("sqlite")

    @property
    def webhook_allowed_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        """Networks that webhook targets may resolve to despite being private (comma separated)."""
        return [
            ipaddress.ip_network(p.strip(), strict=False)
            for p in self.webhook_allowlist.split(",")
            if p.strip()
        ]

    def resolved_secret_key(self) -> str:
        """The key used to hash API keys; in development one is created and kept in the data directory."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(32)
        path.write_text(key)
        path.chmod(0o600)
        return key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
