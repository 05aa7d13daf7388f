"""The migration chain goes down and up again (on a SQLite file of its own: the shared test database
must stay at head while other tests use it)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from tessera.db.migrate import alembic_config, upgrade


def test_every_revision_downgrades_and_upgrades_again(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'chain.db'}"
    upgrade(url)
    config = alembic_config(url)
    command.downgrade(config, "0001")
    assert _revision(tmp_path) == "0001"
    command.upgrade(config, "head")
    assert _revision(tmp_path) == ScriptDirectory.from_config(config).get_current_head()


def _revision(tmp_path: Path) -> str:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'chain.db'}")
    with engine.connect() as conn:
        version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
    engine.dispose()
    return str(version)
