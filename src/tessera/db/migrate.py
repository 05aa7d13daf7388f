"""Applying Alembic migrations programmatically (used by ``tessera serve`` and ``tessera db upgrade``).

Starting the server checks first, cheaply, whether the database is already at the scripts' head: the
revision numbers are read from the migration files as text and the database's ``alembic_version`` with
one query, so a routine start skips importing Alembic, loading every migration script and its
environment (about a third of a second, the largest single part of a start; docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio
import functools
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection
    from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"^revision\b[^=\n]*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\b[^=\n]*=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


def alembic_config(database_url: str) -> Config:
    """An Alembic config for ``database_url`` that works from an installed package too."""
    # Alembic is imported on use: the server imports this module for its readiness probe only.
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["database_url"] = database_url
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database schema up to ``revision`` (nothing to load when it is at the head already)."""
    if revision == "head" and is_at_head(database_url):
        return
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


def current_heads() -> set[str]:
    """The head revision(s) of the migration scripts, as Alembic computes them."""
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config("")).get_heads())


def script_heads() -> set[str]:
    """The head revision(s) from the ``revision`` / ``down_revision`` lines of the migration files.

    The same answer as :func:`current_heads` (``tests/db/test_migrate.py``) without importing Alembic.
    """
    revisions, parents = _script_graph()
    return set(revisions - parents)


@functools.cache
def _script_graph() -> tuple[frozenset[str], frozenset[str]]:
    """(every revision, every revision some other one names as its parent), read from the files."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        found = _REVISION.search(text)
        if found is None:
            continue
        revisions.add(found.group(1))
        down = _DOWN_REVISION.search(text)
        if down is not None:
            parents.update(_QUOTED.findall(down.group(1)))
    return frozenset(revisions), frozenset(parents)


def database_revisions(database_url: str) -> set[str] | None:
    """The revisions recorded in the database's ``alembic_version``; None when it cannot tell (no file,
    no table, no connection): the caller then lets Alembic do the work and report any problem."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    try:
        if url.get_backend_name() == "sqlite":
            path = Path(url.database or "")
            if not url.database or not path.is_file():
                return None
            with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as conn:
                rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
                return {row[0] for row in rows}
        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        return asyncio.run(_postgres_revisions(dsn))
    except Exception:  # any doubt: run the migrations, which report the problem properly
        return None


async def _postgres_revisions(dsn: str) -> set[str]:
    import asyncpg  # type: ignore[import-untyped]  # no stubs; the one direct use

    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        rows = await conn.fetch("SELECT version_num FROM alembic_version")
    finally:
        await conn.close()
    return {row[0] for row in rows}


def is_at_head(database_url: str) -> bool:
    """Whether the database is at the migration scripts' head (a cheap check: no Alembic)."""
    revisions = database_revisions(database_url)
    return revisions is not None and revisions == script_heads()


def _load_for_schema_state() -> tuple[frozenset[str], frozenset[str]]:
    import alembic.runtime.migration  # noqa: F401 - imported here, off the event loop, for schema_state

    return _script_graph()


@dataclass(frozen=True, slots=True)
class SchemaState:
    """Where the database's schema stands against this code's migrations."""

    database: frozenset[str]  # revision(s) in the alembic_version table; empty before the first upgrade
    expected: frozenset[str]  # this code's head revision(s)
    newer: bool  # the database carries a revision this code does not know (a later release migrated it)

    @property
    def at_head(self) -> bool:
        """The schema is the one this code was written for."""
        return self.database == self.expected


async def schema_state(engine: AsyncEngine) -> SchemaState:
    """Read the database's migration revision (one indexed read of a one-row table)."""

    def read(connection: Connection) -> frozenset[str]:
        from alembic.runtime.migration import MigrationContext

        return frozenset(MigrationContext.configure(connection).get_current_heads())

    # The first call reads the scripts (and Alembic's runtime): in a thread, not on the event loop.
    known, _ = await asyncio.to_thread(_load_for_schema_state)
    async with engine.connect() as conn:
        database = await conn.run_sync(read)
    return SchemaState(database=database, expected=frozenset(script_heads()), newer=bool(database - known))
