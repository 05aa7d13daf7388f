"""Start-up stays light: building the app imports nothing the first request does not need.

Behaviour, not timing (the figures are in bench/bench_startup.py and bench/bench_importtime.py): the SQL
parser, Alembic and the Redis client are loaded when a dbt sync, a migration or a configured REDIS_URL
needs them, the HTTP client with the first URL checked or notification sent; the pages' templates are
compiled when the first page is rendered; ``tessera serve`` keeps the garbage collector off while it
builds the app and freezes what it built once the lifespan has started.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, sys
from tessera.app import create_app
from tessera.config import Settings
from tessera.ui import render
from tessera.worker.channels import Channels
settings = Settings(database_url="sqlite+aiosqlite:///unused.db")
create_app(settings)
Channels(settings)  # what the in-process worker builds when the lifespan starts
print("MODULES=" + json.dumps(sorted(sys.modules)))
print("TEMPLATES=" + json.dumps(render.environment.cache_info().currsize))
"""

LIFESPAN_PROBE = """
import gc, sys
from fastapi.testclient import TestClient
from tessera.perf import pause_gc_for_startup
pause_gc_for_startup()  # as tessera serve does before importing the app
from tessera.app import create_app
from tessera.config import Settings
app = create_app(Settings(database_url="sqlite+aiosqlite:///" + sys.argv[1], worker_enabled=False))
assert not gc.isenabled()
with TestClient(app):
    print("INSIDE", gc.isenabled(), gc.get_freeze_count() > 10_000)
print("AFTER", gc.isenabled(), gc.get_freeze_count())
"""


def _probe() -> dict[str, object]:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    found: dict[str, object] = {}
    for line in result.stdout.splitlines():
        key, _, value = line.partition("=")
        found[key] = json.loads(value)
    return found


def test_creating_the_app_loads_no_sql_parser_alembic_redis_or_http_client_and_compiles_no_template() -> None:
    found = _probe()
    loaded = {str(name).split(".")[0] for name in found["MODULES"]}  # type: ignore[attr-defined]
    assert "fastapi" in loaded
    assert loaded.isdisjoint({"sqlglot", "alembic", "redis"}), loaded & {"sqlglot", "alembic", "redis"}
    # httpx (with httpcore, and the CLI it imports when rich is installed) loads with the first URL
    # checked or notification sent.
    http = {"httpx", "httpcore", "h11", "rich", "pygments", "click"}
    assert loaded.isdisjoint(http), loaded & http
    assert found["TEMPLATES"] == 0  # the UI's Jinja environment is built by the first page


def test_the_startup_pause_of_the_collector_ends_when_the_lifespan_has_started(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", LIFESPAN_PROBE, str(tmp_path / "startup.db")], capture_output=True, text=True
    )
    assert "INSIDE True True" in result.stdout, result.stdout + result.stderr
    assert "AFTER True 0" in result.stdout, result.stdout
