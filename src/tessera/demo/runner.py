"""Recreate the demo's SQLite file, seed it, and describe how to sign in.

Used by ``tessera demo`` (which then serves Tessera on the file) and by ``scripts/screenshots.py``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from tessera.config import Environment, Settings
from tessera.db.engine import create_engine, create_session_factory
from tessera.db.migrate import upgrade
from tessera.demo.receiver import WebhookReceiver
from tessera.demo.seed import DemoSeed, seed_demo

DEFAULT_DATABASE = Path("data") / "demo.db"


@dataclass(frozen=True, slots=True)
class Demo:
    """A seeded demo database, its settings and the running webhook receiver it posts to."""

    settings: Settings
    seed: DemoSeed
    receiver: WebhookReceiver
    database: Path


def demo_settings(database: Path, base_url: str, **overrides: object) -> Settings:
    """Settings of a demo server on ``database``.

    Loopback is allowed as a webhook target (``WEBHOOK_ALLOWLIST=127.0.0.1/32``) so the demo's receiver can
    be delivered to; do not copy that into a production configuration.
    """
    values: dict[str, object] = {
        "environment": Environment.DEVELOPMENT,
        "database_url": f"sqlite+aiosqlite:///{database.as_posix()}",
        "data_dir": database.parent,
        "base_url": base_url,
        "webhook_allowlist": "127.0.0.1/32",
        "auth_disabled": False,
        "bootstrap_api_key": None,
        **overrides,
    }
    return Settings.model_validate(values)


def recreate(database: Path) -> None:
    """Delete the SQLite file (and its journal files) and build the schema again with the migrations."""
    database.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    upgrade(f"sqlite+aiosqlite:///{database.as_posix()}")


async def _seed(settings: Settings, receiver_url: str) -> DemoSeed:
    engine = create_engine(settings.database_url)
    try:
        return await seed_demo(create_session_factory(engine), settings, receiver_url=receiver_url)
    finally:
        await engine.dispose()


def prepare_demo(database: Path, base_url: str, **overrides: object) -> Demo:
    """A fresh, seeded demo database; the receiver keeps running until ``demo.receiver.stop()``."""
    recreate(database)
    settings = demo_settings(database, base_url, **overrides)
    receiver = WebhookReceiver().start()
    try:
        seed = asyncio.run(_seed(settings, receiver.url))
    except BaseException:
        receiver.stop()
        raise
    return Demo(settings, seed, receiver, database)


def sign_in_text(demo: Demo) -> str:
    """What to print: the URL, where the data lives, and a key per team and role."""
    url = demo.settings.base_url
    width = max(len(k.team) for k in demo.seed.keys)
    role_width = max(len(k.role) for k in demo.seed.keys)
    lines = [
        f"Tessera demo at {url}/  (API docs at {url}/docs)",
        f"Database: {demo.database} (SQLite; deleted and seeded again every time the demo starts)",
        "",
        "Sign in with one of these API keys:",
        *(f"  {k.team:<{width}}  {k.role:<{role_width}}  {k.key}" for k in demo.seed.keys),
        "",
        "The analytics owner has an open proposal waiting for finance; sign in as finance to answer it.",
    ]
    return "\n".join(lines)
