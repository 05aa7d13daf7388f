"""Count the SQL statements a page costs, to assert it does not grow with the amount of data.

    async with count_queries(app) as counted:
        await client.get("/assets")
    assert counted.total <= 6

Listens on both of the app's engines (write and read) through SQLAlchemy's ``before_cursor_execute``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from sqlalchemy import event

from tessera.resources import app_resources


@dataclass
class Counted:
    """The statements executed inside the block."""

    statements: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """How many statements ran."""
        return len(self.statements)


@asynccontextmanager
async def count_queries(app: FastAPI) -> AsyncIterator[Counted]:
    """Count every statement the app's engines execute while the block runs."""
    resources = app_resources(app)
    counted = Counted()

    def listener(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        counted.statements.append(statement)

    engines = {id(e.sync_engine): e.sync_engine for e in (resources.engine, resources.read_engine)}
    for engine in engines.values():
        event.listen(engine, "before_cursor_execute", listener)
    try:
        yield counted
    finally:
        for engine in engines.values():
            event.remove(engine, "before_cursor_execute", listener)
