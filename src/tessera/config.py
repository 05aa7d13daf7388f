"""Settings read from the environment (and an optional ``.env`` file).

Each setting's ``description`` is its documentation: the configuration reference of the documentation
site is generated from this class (docs/hooks/reference.py), and tests/docs checks that none lacks one.
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

    environment: Environment = Field(
        default=Environment.DEVELOPMENT,
        description="`development`, `test` or `production`. Production refuses `AUTH_DISABLED=true` and "
        "requires `SECRET_KEY`.",
    )
    data_dir: Path = Field(
        default=Path("data"),
        description="Where the embedded SQLite database and the generated development secret live.",
    )
    database_url: str = Field(
        default="",
        description="The database; unset: `sqlite+aiosqlite:///<DATA_DIR>/tessera.db`. PostgreSQL: "
        "`postgresql://user:pass@host:5432/db` (or `postgres://`, `postgresql+asyncpg://`; the asyncpg "
        "driver is always used; tables in schemas `core`, `workflow`, `audit`). SQLite: `sqlite:///path` "
        "(or `sqlite+aiosqlite:///path`), a file (an in-memory database is refused). Any other database or "
        "driver is a configuration error.",
    )
    redis_url: str | None = Field(
        default=None,
        description="Optional Redis (`redis://127.0.0.1:6379/0`) shared by replicas for rate limits. Without "
        "it (or while it is down) limits are counted in memory, per process.",
    )
    redis_timeout_seconds: float = Field(
        default=0.1,
        gt=0,
        description="Connect and reply timeout of each Redis call. Three failed or timed-out calls in a row "
        "open a circuit for 10 s: requests count their limits in memory (per process) at once instead of "
        "waiting on Redis again. One slow reply alone does not open it.",
    )
    auth_disabled: bool = Field(
        default=False,
        description="Development only: every request acts as an admin without a key. Refused in production.",
    )
    bootstrap_api_key: str | None = Field(
        default=None,
        description="A key that acts as admin (no team): use it to create the first teams and API keys.",
    )
    secret_key: str = Field(
        default="",
        description="Server secret used to hash API keys (HMAC-SHA256); unset: generated into "
        "`DATA_DIR/secret_key`. Set it explicitly in production and keep it stable: changing it invalidates "
        "every API key.",
    )
    # The worker makes event links absolute with this value (tessera.links.resolve); normalised below.
    base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Public URL of this server (absolute `http(s)`, optionally with a path prefix), used for "
        "links in notifications and event payloads. Events store link paths and are made absolute when the "
        "worker sends them, so a changed `BASE_URL` applies to events already waiting in the outbox. "
        "Trailing slashes are dropped; anything else is a configuration error.",
    )
    host: str = Field(default="127.0.0.1", description="Address `tessera serve` listens on.")
    port: int = Field(default=8000, description="Port `tessera serve` listens on.")

    rate_limit_per_minute: int = Field(
        default=600,
        ge=0,
        description="Requests per API key per minute; `0` turns limiting off. Over the limit: `429` with "
        "`Retry-After`.",
    )
    api_key_cache_seconds: float = Field(
        default=30.0,
        description="How long a verified key record is cached in a process. Revocation takes effect on the "
        "server that revoked it as soon as it commits, within this time on other replicas.",
    )
    failed_auth_per_minute: int = Field(
        default=30,
        ge=0,
        description="Failed authentications (a wrong, revoked or expired key) per client address per minute, "
        "counted per process; past it the address gets `429` with `Retry-After` before its key is looked up. "
        "`0` turns it off. Unknown key ids are also remembered for 5 s, so a guessed key costs one lookup.",
    )
    ui_session_hours: float = Field(
        default=12.0,
        gt=0,
        description="Lifetime of a web UI sign-in; the session also ends at once when its API key is revoked "
        "or expires.",
    )
    ui_signin_per_minute: int = Field(
        default=30,
        ge=0,
        description="Web UI sign-in attempts per client address per minute; `0` turns the limit off.",
    )
    max_body_bytes: int = Field(
        default=10 * 1024 * 1024,
        ge=1024,
        description="Largest request body (uploads aside); above it `413 payload_too_large` naming the "
        "limit, also for bodies sent without a length (counted as they arrive).",
    )
    max_upload_bytes: int = Field(
        default=256 * 1024 * 1024,
        ge=1024,
        description="Largest artifact upload: dbt manifests (`/api/v1/sync/dbt*`, the UI's manifest check) "
        "and data-quality artifacts (`/api/v1/quality/*`); for gzip the compressed size. The request edge "
        "and each of these routes enforce this one number. A gzip upload may inflate to at most 256 MiB.",
    )
    db_echo: bool = Field(default=False, description="Log every SQL statement.")
    gc_freeze_startup: bool = Field(
        default=False,
        description="Move everything alive after startup out of the garbage collector's passes "
        "(`gc.freeze`). Off by default: counted with callgrind it saved no instructions per list request.",
    )
    sync_pause_gc: bool = Field(
        default=True,
        description="Switch the cyclic garbage collector off (process-wide) while a dbt sync or impact "
        "check runs: faster syncs of big projects; requests served meanwhile run without cyclic collection "
        "too. Set `false` if a server's memory matters more than sync time.",
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
        description="PostgreSQL is reached through a pooler in transaction mode (PgBouncer, Supavisor): "
        "no prepared-statement caches, each statement gets a unique name.",
    )

    lineage_max_depth: int = Field(
        default=10, description="Depth of the downstream search in impact analysis."
    )
    require_all_consumers: bool = Field(
        default=False,
        description="Strict gating everywhere: a breaking change needs every consumer team's answer, "
        "not only the teams that read an affected column (an asset can also ask for it on its own).",
    )
    lineage_workers: int | None = Field(
        default=None,
        ge=0,
        description="Processes that analyse the column lineage of a big dbt project (300 models or more); "
        "unset: one per CPU; 0 or 1: in the server process. Started on first use and kept, about 60 MB each.",
    )

    worker_enabled: bool = Field(
        default=True,
        description="Run the notification worker inside the server. Set `false` when you run "
        "`tessera worker` processes separately.",
    )
    worker_poll_seconds: float = Field(default=1.0, description="How often an idle worker looks for work.")
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
    webhook_allowlist: str = Field(
        default="",
        description="Comma-separated networks (CIDR) that webhook URLs may resolve to although private or "
        "loopback, e.g. `10.1.0.0/16,127.0.0.1/32`.",
    )
    webhook_timeout_seconds: float = Field(
        default=10.0, description="Timeout of one webhook delivery attempt (the whole request)."
    )
    global_webhook_url: str | None = Field(
        default=None, description="One endpoint that receives every event."
    )
    global_webhook_secret: str | None = Field(
        default=None, description="The signing secret (`whsec_...`) of `GLOBAL_WEBHOOK_URL`."
    )
    template_dir: Path | None = Field(
        default=None, description="Directory of notification template overrides."
    )
    smtp_host: str | None = Field(default=None, description="Email notifications are sent when it is set.")
    smtp_port: int = Field(default=25, description="Port of the SMTP server.")
    smtp_username: str | None = Field(default=None, description="SMTP login.")
    smtp_password: str | None = Field(default=None, description="SMTP password; never logged.")
    smtp_from: str = Field(default="tessera@localhost", description="Sender address of notification emails.")
    smtp_starttls: bool = Field(default=False, description="Upgrade the SMTP connection with STARTTLS.")

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
