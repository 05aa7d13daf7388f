"""CPU of one page of 50 proposals, SQL to JSON, through the list's plain rows vs the single read's models.

    uv run python bench/bench_proposal_rows.py URL [--rounds 3] [--pages 60]

``URL``: a seeded database kept by ``bench/bench_large_lists.py --keep`` (SQLAlchemy asyncpg URL). Each
round reads ``--pages`` first pages of ``/proposals`` both ways, alternately, and prints the CPU time of
this process per page (``time.process_time``: the SQL's own time is the server's, not counted), which
load on a shared machine inflates least. "models": ``list_proposals`` + ``service.to_read`` (ORM entities,
parsed JSON, a pydantic model per proposal and answer); "rows": ``list_proposal_rows`` +
``service.list_items`` (what ``GET /proposals`` does: plain rows, stored JSON unparsed).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

FILTERS: dict[str, Any] = {
    "asset_id": None,
    "status": None,
    "awaiting_team_id": None,
    "proposed_by_team_id": None,
    "source_ref": None,
    "limit": 50,
    "offset": 0,
}


class _Page:
    limit, offset, cursor, next_url = 50, 0, None, None


async def one_page(session: AsyncSession, how: str) -> int:
    from tessera.proposals import repository, service
    from tessera.proposals.schemas import ProposalRead
    from tessera.schemas import page_response

    if how == "models":
        entities, total = await repository.list_proposals(session, **FILTERS)
        response = page_response(ProposalRead, await service.to_read(session, entities), total, _Page())
    else:
        rows, total = await repository.list_proposal_rows(session, **FILTERS)
        response = page_response(ProposalRead, await service.list_items(session, rows), total, _Page())
    return len(response.body)


async def run(args: argparse.Namespace) -> None:
    from tessera.db.engine import create_engine

    engine = create_engine(args.url)
    for _ in range(args.rounds):
        for how in ("models", "rows"):
            cpu, size = 0.0, 0
            for i in range(args.pages + 5):
                async with AsyncSession(engine) as session:
                    started = time.process_time()
                    size = await one_page(session, how)
                    if i >= 5:  # the first reads warm caches
                        cpu += time.process_time() - started
            print(f"{how:<7} {cpu * 1000 / args.pages:5.1f} ms CPU a page ({size:,} bytes)")
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("url")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", type=int, default=60)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
