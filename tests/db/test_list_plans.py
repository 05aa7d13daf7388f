"""Every list page is read through an index on PostgreSQL: no sequential scan of a large table.

The tables hold thousands of rows copied from real ones (bench/large_data.py) and are analysed, so the
planner knows their size: where no index fits a list's filter and order, it picks a sequential scan, which
this test catches. Each endpoint is called through the app; the statements it sends are captured and
explained with their own parameters. First pages, filtered pages and deep pages reached by cursor.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
import orjson
import pytest
import sqlalchemy as sa
from bench.large_data import Sizes, multiply

from tessera.db.engine import create_engine
from tests.conftest import ON_POSTGRES, OWNER_URL
from tests.helpers import ADMIN, API, Api, Proposed, open_proposal

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="query plans are checked on PostgreSQL")

LARGE = {"assets", "registrations", "events", "proposals", "acknowledgments"}
SIZES = Sizes(assets=20_000, registrations=40_000, events=60_000, proposals=10_000)


@pytest.fixture
async def world(api: Api, clean_database: str) -> Proposed:
    """Real rows made by the app, multiplied to thousands, with fresh statistics."""
    proposed = await open_proposal(api)
    for _ in range(3):
        await api.team()
    engine = create_engine(clean_database)
    async with engine.begin() as conn:
        await multiply(conn, SIZES)
    await engine.dispose()
    owner = create_engine(OWNER_URL)  # ANALYZE of every table takes their owner (the suite's role may not)
    async with owner.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.exec_driver_sql("ANALYZE")
    await owner.dispose()
    return proposed


@pytest.fixture
def sent() -> Iterator[list[tuple[str, Any]]]:
    """SELECT statements every engine sends while the test runs, with their parameters."""
    captured: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM" in statement:
            captured.append((statement, parameters))

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
    yield captured
    sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)


def seq_scans(plan: dict[str, Any]) -> list[str]:
    """Large tables a plan reads sequentially, outside the page's bounded total.

    The total is a count that stops after ``EXACT_TOTAL_LIMIT`` + 1 rows (an aggregate over a Limit, in
    an InitPlan): reading that few rows in table order is as cheap as an index, so it is not checked.
    """
    children = [child.get("Node Type") for child in plan.get("Plans", [])]
    if (
        plan.get("Parent Relationship") == "InitPlan"
        and plan.get("Node Type") == "Aggregate"
        and children == ["Limit"]
    ):
        return []
    found = []
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in LARGE:
        found.append(str(plan["Relation Name"]))
    for child in plan.get("Plans", []):
        found.extend(seq_scans(child))
    return found


def lists(w: Proposed) -> list[str]:
    owner, consumer, asset = w.owner.id, w.consumer.id, w.asset["id"]
    return [
        "/assets",
        f"/assets?owner_team_id={owner}",
        "/assets?environment=staging",
        "/assets?resource_type=table",
        "/assets?sort=created_at&order=desc",
        "/registrations",
        f"/registrations?consumer_team_id={consumer}",
        f"/registrations?asset_id={asset}",
        "/proposals",
        "/proposals?status=open",
        f"/proposals?proposed_by_team_id={owner}",
        f"/proposals?awaiting_team_id={consumer}",
        f"/proposals?asset_id={asset}",
        "/audit/events",
        "/audit/events?action=asset.created",
        f"/audit/events?asset_id={asset}",
        f"/audit/events?actor_team_id={owner}",
        f"/audit/events?target_type=asset&target_id={asset}",
        f"/assets/{asset}/contracts",
    ]


async def explain(url: str, statements: list[tuple[str, Any]]) -> list[str]:
    """Sequential scans of large tables in the plans of ``statements``."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        found = []
        for statement, parameters in statements:
            plan = await conn.fetchval(f"EXPLAIN (FORMAT JSON) {statement}", *(parameters or ()))
            tables = seq_scans(orjson.loads(plan)[0]["Plan"])
            if tables:
                text = await conn.fetch(f"EXPLAIN {statement}", *(parameters or ()))
                shown = "\n".join(r[0] for r in text)
                found.append(f"{', '.join(tables)} in\n{statement}\n{shown}")
        return found
    finally:
        await conn.close()


async def test_no_list_page_scans_a_large_table(
    world: Proposed, client: httpx.AsyncClient, clean_database: str, sent: list[tuple[str, Any]]
) -> None:
    failures: dict[str, list[str]] = {}
    for path in lists(world):
        sep = "&" if "?" in path else "?"
        # A deep page: the cursor after row 1,500 (reached by offset once, outside the check).
        deep = await client.get(f"{API}{path}{sep}limit=1&offset=1500", headers=ADMIN)
        assert deep.status_code == 200, (path, deep.text)
        pages = [f"{API}{path}{sep}limit=50"]
        if deep.json()["next"]:
            pages.append(deep.json()["next"].replace("limit=1", "limit=50"))
        for page in pages:
            sent.clear()
            resp = await client.get(page, headers=ADMIN)
            assert resp.status_code == 200, (page, resp.text)
            assert sent, page
            scans = await explain(clean_database, list(sent))
            if scans:
                failures[urlsplit(page).path + "?" + urlsplit(page).query[:80]] = scans
    assert not failures, "\n\n".join(f"{page}: {scans}" for page, scans in failures.items())


async def test_the_inbox_of_every_open_proposal_reads_its_order_from_an_index(
    world: Proposed, clean_database: str, sent: list[tuple[str, Any]]
) -> None:
    """The web UI's inbox for an admin without a team: every open proposal, deadline first. Without
    ``ix_proposals_open_deadline`` each page sorted all open proposals."""
    from sqlalchemy.ext.asyncio import AsyncSession

    from tessera.enums import ProposalStatus
    from tessera.proposals.repository import list_proposals

    engine = create_engine(clean_database)
    try:
        async with AsyncSession(engine) as session:
            sent.clear()
            items, _ = await list_proposals(
                session,
                asset_id=None,
                status=ProposalStatus.OPEN,
                awaiting_team_id=None,
                proposed_by_team_id=None,
                source_ref=None,
                limit=25,
                offset=0,
                sort="expires_at",
                descending=False,
            )
    finally:
        await engine.dispose()
    assert len(items) == 25
    statement, parameters = next(s for s in sent if "ORDER BY" in s[0])
    conn = await asyncpg.connect(clean_database.replace("postgresql+asyncpg", "postgresql"))
    try:
        plan = "\n".join(r[0] for r in await conn.fetch(f"EXPLAIN {statement}", *(parameters or ())))
    finally:
        await conn.close()
    assert "ix_proposals_open_deadline" in plan, plan
