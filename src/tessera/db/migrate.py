"""Applying Alembic migrations programmatically (used by ``tessera serve`` and ``tessera db upgrade``)."""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection
    from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    """An Alembic config for ``database_url`` that works from an installed package too."""
    # Alembic is imported on use: the server imports this module for its readiness probe only.
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["database_url"] = database_url
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database schema up to ``revision``."""
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


def current_heads() -> set[str]:
    """The head revision(s) of the migration scripts."""
    return set(_scripts()[0])


@functools.cache
def _scripts() -> tuple[frozenset[str], frozenset[str]]:
    """(heads, every known revision) of the installed migration scripts; they cannot change while running."""
    import alembic.runtime.migration  # noqa: F401 - loaded here, off the event loop, for schema_state
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config(""))
    known = frozenset(script.revision for script in scripts.walk_revisions())
    return frozenset(scripts.get_heads()), known


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

    # The first call imports Alembic and reads the scripts: in a thread, not on the event loop.
    heads, known = await asyncio.to_thread(_scripts)
    async with engine.connect() as conn:
        database = await conn.run_sync(read)
    return SchemaState(database=database, expected=heads, newer=bool(database - known))
