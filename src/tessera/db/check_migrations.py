"""CI check: ``alembic upgrade head`` on PostgreSQL yields exactly the models' schema.

Usage: ``python -m tessera.db.check_migrations postgresql+asyncpg://.../empty_db``
Exits 1 and prints every difference Alembic's comparison finds.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from tessera.db import models  # noqa: F401 - registers the tables
from tessera.db.base import Base
from tessera.db.engine import create_engine
from tessera.db.migrate import upgrade


def _diff(connection: Connection) -> list[Any]:
    ctx = MigrationContext.configure(
        connection,
        opts={"include_schemas": True, "compare_type": True, "compare_server_default": True},
    )
    return list(compare_metadata(ctx, Base.metadata))


async def _compare(url: str) -> list[Any]:
    engine = create_engine(url)
    async with engine.connect() as conn:
        diff = await conn.run_sync(_diff)
    await engine.dispose()
    return diff


def main(url: str) -> int:
    """Upgrade an empty database and compare it with the models; 0 when identical."""
    upgrade(url)
    diff = asyncio.run(_compare(url))
    if diff:
        print("Migrations and models differ:")
        for item in diff:
            print("  ", item)
        return 1
    print("Migrations match the models.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
