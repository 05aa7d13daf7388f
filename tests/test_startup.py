"""Start-up stays light: building the app imports nothing the first request does not need.

Behaviour, not timing (the figures are in bench/bench_startup.py): the SQL parser, Alembic and the Redis
client are loaded when a dbt sync, a migration or a configured REDIS_URL needs them.
"""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
from tessera.app import create_app
from tessera.config import Settings
create_app(Settings(database_url="sqlite+aiosqlite:///unused.db"))
print("MODULES=" + json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_creating_the_app_loads_no_sql_parser_alembic_or_redis() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    line = next(line for line in result.stdout.splitlines() if line.startswith("MODULES="))
    loaded = set(json.loads(line.removeprefix("MODULES=")))
    assert "fastapi" in loaded
    assert loaded.isdisjoint({"sqlglot", "alembic", "redis"}), loaded & {"sqlglot", "alembic", "redis"}
