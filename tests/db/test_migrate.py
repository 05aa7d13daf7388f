"""The cheap start-up check: is the database already at the migration scripts' head?"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tessera.db.migrate import current_heads, database_revisions, is_at_head, script_heads, upgrade
from tests.conftest import DATABASE_URL, ON_POSTGRES


def test_the_heads_read_from_the_files_are_alembics() -> None:
    assert script_heads() == current_heads()


def test_a_missing_or_empty_sqlite_file_is_not_at_head(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'absent.db'}"
    assert database_revisions(url) is None and not is_at_head(url)
    sqlite3.connect(tmp_path / "empty.db").close()
    assert not is_at_head(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")


def test_an_older_database_is_upgraded_and_then_skipped(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 't.db'}"
    upgrade(url, "0001")
    assert database_revisions(url) == {"0001"}
    assert not is_at_head(url)
    upgrade(url)  # the check must not skip a needed migration
    assert database_revisions(url) == script_heads()
    assert is_at_head(url)
    upgrade(url)  # at head: nothing to do, nothing changes
    assert database_revisions(url) == script_heads()


@pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL on PostgreSQL")
def test_the_migrated_postgres_test_database_is_at_head(migrated_template: str) -> None:
    assert database_revisions(DATABASE_URL) == script_heads()
    assert is_at_head(DATABASE_URL)


def test_an_unreachable_postgres_is_left_to_alembic_to_report() -> None:
    assert database_revisions("postgresql+asyncpg://postgres@127.0.0.1:1/nowhere") is None
