"""Search's cost on a large catalogue: the three sections (assets, columns with readers, teams).

    uv run python bench/bench_search.py [--assets 5000] [--columns 20] [--runs 30] [--database-url URL]

Seeds ``--assets`` assets, each with an active contract of ``--columns`` columns and two consumer
registrations (one naming columns), straight into a migrated database (SQLite file by default), then times
``tessera.search.service.search`` for a few queries (a rare column, a common one, no match) and prints the
median and 90th percentile in milliseconds with the number of SQL statements per search.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from typing import Any

QUERIES = ("customer_email_17", "email", "no-such-thing", "t_00042")


def prepare(args: argparse.Namespace) -> str:
    """A migrated database (before the event loop: migrations run their own)."""
    url = args.database_url or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    os.environ.update(DATABASE_URL=url, SECRET_KEY="bench", DATA_DIR=tempfile.mkdtemp())
    from tessera.db.migrate import upgrade

    upgrade(url)
    return url


def _rows(args: argparse.Namespace) -> dict[str, list[dict[str, Any]]]:
    from tessera.db.base import utcnow

    now = utcnow()
    teams = [
        {"id": uuid.uuid4(), "name": f"team-{i:03d}", "created_at": now, "updated_at": now} for i in range(50)
    ]
    assets, contracts, registrations = [], [], []
    for i in range(args.assets):
        asset_id = uuid.uuid4()
        owner = teams[i % len(teams)]["id"]
        assets.append(
            {
                "id": asset_id,
                "fqn": f"wh.bench.t_{i:05d}",
                "environment": "production",
                "owner_team_id": owner,
                "description": f"Bench table {i}",
                "created_at": now,
                "updated_at": now,
            }
        )
        names = ["id", f"customer_email_{i % 100}", *(f"col_{i % 7}_{c}" for c in range(args.columns - 2))]
        schema = {"type": "object", "properties": {n: {"type": "string"} for n in names}, "required": ["id"]}
        contracts.append(
            {
                "id": uuid.uuid4(),
                "asset_id": asset_id,
                "version": "1.0.0",
                "status": "active",
                "schema_def": schema,
                "schema_fingerprint": "x" * 64,
                "guarantees": {},
                "guarantees_fingerprint": "x" * 64,
                "content_hash": uuid.uuid4().hex * 2,
                "changes": [],
                "bump": "major",
                "published_by_team_id": owner,
                "published_at": now,
            }
        )
        for k, columns in ((1, [names[1]]), (2, [])):
            registrations.append(
                {
                    "id": uuid.uuid4(),
                    "asset_id": asset_id,
                    "consumer_team_id": teams[(i + k) % len(teams)]["id"],
                    "columns": columns,
                    "source": "api",
                    "created_at": now,
                    "updated_at": now,
                }
            )
    return {"teams": teams, "assets": assets, "contracts": contracts, "registrations": registrations}


async def main(args: argparse.Namespace, url: str) -> None:
    import sqlalchemy as sa

    from tessera.db.engine import create_engine, create_session_factory
    from tessera.db.models import Asset, Contract, Registration, Team
    from tessera.search.service import search

    engine = create_engine(url)
    factory = create_session_factory(engine)
    rows = _rows(args)
    async with factory() as session:
        for model, key in (
            (Team, "teams"),
            (Asset, "assets"),
            (Contract, "contracts"),
            (Registration, "registrations"),
        ):
            for start in range(0, len(rows[key]), 1000):
                await session.execute(sa.insert(model), rows[key][start : start + 1000])
        await session.commit()
    statements: list[str] = []
    sa.event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    print(f"{engine.dialect.name}: {args.assets} assets x {args.columns} columns, {args.runs} runs per query")
    for text in QUERIES:
        times = []
        for _ in range(args.runs):
            statements.clear()
            async with factory() as session:
                started = time.perf_counter()
                found = await search(session, text, pages={}, per_page=25)
                times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p90 = times[int(len(times) * 0.9) - 1]
        print(
            f"  q={text!r:22} columns={found.columns.total:6} assets={found.assets.total:5} "
            f"p50={statistics.median(times):7.1f} ms  p90={p90:7.1f} ms  statements={len(statements)}"
        )
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=5000)
    parser.add_argument("--columns", type=int, default=20)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url")
    arguments = parser.parse_args()
    asyncio.run(main(arguments, prepare(arguments)))
