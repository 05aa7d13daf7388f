"""Every list endpoint at a large company's size, on PostgreSQL.

    uv run python bench/bench_large_lists.py [--no-autovacuum] [--repeat 30] [--scale 1.0]

Creates a throwaway PostgreSQL database (``TESSERA_PG_ADMIN_URL``, default the local ``test`` database's
server), migrates it, makes a few real rows through the app's API (teams, an asset with a contract, a
registration, an open proposal) and multiplies them in the server (bench/large_data.py) into 100,000
assets, 300,000 registrations, 1,000,000 audit events and 20,000 proposals (``--scale`` shrinks that).
Then it reads every list endpoint through the real app (httpx over ASGI, auth on) at the first page, a
middle page and the last page, each reached the way a client walks a list (the ``next`` cursor; the
positions are found once, untimed), without and with each filter, ``--repeat`` times each, and prints
p50/p95 per endpoint and page. The goal is p95 < 30 ms for every one. A last table shows what the same
middle page costs by ``offset``, for comparison.

Then the web UI's lists (signed in as the admin, 25 rows a page, keyset cursors behind "Next" and
"Previous"): the first page, the page its "Next" link leads to, a deep page (the middle of the list) by
cursor where the UI list shares the API's order (its cursor is the API's), "Previous" from there, and
the same deep page by the old ``?page=N`` (offset) links.

Default: the seeded tables are analysed once (what autovacuum would do soon after such a load).
``--no-autovacuum`` turns autovacuum off on every table before seeding and never analyses by hand, as on
databases without autovacuum: the planner then knows only what the product's own ANALYZE tells it.
The database is dropped at the end, unless ``--keep`` (its URL is printed); ``--reuse URL`` then reads
the lists of that seeded database again without seeding (``--only /proposals`` reads only the lists
whose path starts so). Each line also shows the CPU time per read (user + system of this process, which
runs the app and the client: the figure that load on a shared machine inflates least).
"""

from __future__ import annotations

import argparse
import asyncio
import html
import re
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.benchlib import ADMIN, percentile, running_app, throwaway_postgres
from bench.large_data import Sizes, multiply

API = "/api/v1"
V1 = {"type": "object", "properties": {"id": {"type": "integer"}, "email": {"type": "string"}}}
BREAKING = {"type": "object", "properties": {"id": {"type": "integer"}}}
TEAMS = 20
AUTOVACUUM = {True: "off, no manual ANALYZE", False: "on, analysed once after seeding"}


async def call(client: httpx.AsyncClient, method: str, url: str, expect: int, **kw: Any) -> Any:
    resp = await client.request(method, f"{API}{url}", **kw)
    if resp.status_code != expect:
        raise SystemExit(f"{method} {url}: {resp.status_code} {resp.text[:300]}")
    return resp.json()


async def write_key(client: httpx.AsyncClient, team_id: str) -> dict[str, str]:
    body = {"name": "bench", "team_id": team_id, "scopes": ["read", "write"]}
    created = await call(client, "POST", "/api-keys", 201, headers=ADMIN, json=body)
    return {"Authorization": f"Bearer {created['key']}"}


async def templates(client: httpx.AsyncClient) -> dict[str, str]:
    """The real rows the data is copied from; returns ids used as filters."""
    teams = [
        (await call(client, "POST", "/teams", 201, headers=ADMIN, json={"name": f"team-{i:02d}"}))["id"]
        for i in range(TEAMS)
    ]
    owner, consumer = await write_key(client, teams[0]), await write_key(client, teams[1])
    asset = await call(
        client,
        "POST",
        "/assets",
        201,
        headers=owner,
        json={"fqn": "warehouse.core.orders", "owner_team_id": teams[0]},
    )
    await call(client, "POST", f"/assets/{asset['id']}/contracts", 201, headers=owner, json={"schema": V1})
    await call(client, "POST", "/registrations", 201, headers=consumer, json={"asset_id": asset["id"]})
    await call(
        client, "POST", f"/assets/{asset['id']}/contracts", 202, headers=owner, json={"schema": BREAKING}
    )
    return {"owner": teams[0], "consumer": teams[1], "team": teams[5]}


async def seed(url: str, sizes: Sizes, *, no_autovacuum: bool) -> float:
    """Copy the templates into ``sizes`` rows; seconds taken."""
    from tessera.db.engine import create_engine

    engine = create_engine(url)
    started = time.perf_counter()
    async with engine.begin() as conn:
        await multiply(conn, sizes)
    if not no_autovacuum:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.exec_driver_sql("ANALYZE")
    await engine.dispose()
    return time.perf_counter() - started


async def disable_autovacuum(url: str) -> None:
    from tessera.db.engine import create_engine

    engine = create_engine(url)
    async with engine.begin() as conn:
        tables = await conn.exec_driver_sql(
            "SELECT schemaname, tablename FROM pg_tables WHERE schemaname IN ('core', 'workflow', 'audit')"
        )
        for schema, table in tables.all():
            await conn.exec_driver_sql(f'ALTER TABLE "{schema}"."{table}" SET (autovacuum_enabled = false)')
    await engine.dispose()


async def sample_ids(url: str) -> dict[str, str]:
    """A copied asset with several registrations and events, for per-asset filters."""
    from tessera.db.engine import create_engine

    engine = create_engine(url)
    async with engine.connect() as conn:
        asset = await conn.exec_driver_sql(
            "SELECT id FROM core.assets WHERE fqn LIKE 'bench.%' ORDER BY fqn LIMIT 1 OFFSET 500"
        )
        found = {"asset": str(asset.scalar_one())}
    await engine.dispose()
    return found


def endpoints(ids: dict[str, str]) -> list[str]:
    owner, consumer, team, asset = ids["owner"], ids["consumer"], ids["team"], ids["asset"]
    return [
        "/teams",
        "/users",
        "/api-keys",
        "/webhooks",
        "/assets",
        f"/assets?owner_team_id={team}",
        "/assets?environment=staging",
        "/assets?resource_type=table",
        "/assets?tag=pii",
        f"/assets/{asset}/contracts",
        "/registrations",
        f"/registrations?consumer_team_id={consumer}",
        f"/registrations?asset_id={asset}",
        "/proposals",
        "/proposals?status=open",
        f"/proposals?proposed_by_team_id={team}",
        f"/proposals?awaiting_team_id={consumer}",
        f"/proposals?asset_id={asset}",
        "/audit/events",
        "/audit/events?action=contract.published",
        "/audit/events?action=proposal.*",
        f"/audit/events?asset_id={asset}",
        f"/audit/events?actor_team_id={team}",
        f"/audit/events?target_type=asset&target_id={asset}",
        f"/audit/events?actor_team_id={owner}&since=2020-01-01T00:00:00Z",
    ]


async def positions(client: httpx.AsyncClient, path: str, limit: int) -> tuple[int, dict[str, str]]:
    """The list's exact size and the URLs of its first, middle and last pages (cursor links)."""
    from tessera.db import paging

    sep = "&" if "?" in path else "?"
    exact, paging.EXACT_TOTAL_LIMIT = paging.EXACT_TOTAL_LIMIT, 10**12  # an exact count, once, untimed
    try:
        total = (await call(client, "GET", f"{path}{sep}limit=1", 200, headers=ADMIN))["total"]
        pages = {"first": f"{API}{path}{sep}limit={limit}"}
        for name, before in (("middle", total // 2 - 1), ("last", total - limit - 1)):
            if before >= 0:
                probe = await call(client, "GET", f"{path}{sep}limit=1&offset={before}", 200, headers=ADMIN)
                if probe["next"]:
                    pages[name] = probe["next"].replace("limit=1", f"limit={limit}")
    finally:
        paging.EXACT_TOTAL_LIMIT = exact
    return total, pages


async def timed(client: httpx.AsyncClient, url: str, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        resp = await client.get(url, headers=ADMIN)
        times.append((time.perf_counter() - started) * 1000)
        if resp.status_code != 200:
            raise SystemExit(f"GET {url}: {resp.status_code} {resp.text[:300]}")
    return times


async def run(args: argparse.Namespace) -> None:
    sizes = Sizes(
        assets=int(100_000 * args.scale),
        registrations=int(300_000 * args.scale),
        events=int(1_000_000 * args.scale),
        proposals=int(20_000 * args.scale),
    )
    if args.reuse:
        ids = await template_ids(args.reuse)
        ids.update(await sample_ids(args.reuse))
        async with running_app(args.reuse) as client:
            await report(client, endpoints(ids), args)
            if not args.only:
                await report_ui(client, ids, args)
        return
    async with throwaway_postgres(keep=args.keep) as url:
        if args.no_autovacuum:
            await disable_autovacuum(url)
        async with running_app(url) as client:
            ids = await templates(client)
        took = await seed(url, sizes, no_autovacuum=args.no_autovacuum)
        print(
            f"seeded {sizes.assets:,} assets, {sizes.registrations:,} registrations, {sizes.events:,} audit "
            f"events, {sizes.proposals:,} proposals (+ acknowledgments) in {took:.0f} s; "
            f"autovacuum {AUTOVACUUM[args.no_autovacuum]}"
        )
        ids.update(await sample_ids(url))
        async with running_app(url) as client:
            await report(client, endpoints(ids), args)
            if not args.only:
                await report_ui(client, ids, args)
        if args.keep:
            print(f"\nkept the database: --reuse {url}")


async def template_ids(url: str) -> dict[str, str]:
    """The filter ids :func:`templates` returned, found again in a kept database."""
    from tessera.db.engine import create_engine

    engine = create_engine(url)
    async with engine.connect() as conn:
        rows = await conn.exec_driver_sql("SELECT name, id FROM core.teams WHERE name LIKE 'team-%'")
        teams = {name: str(team_id) for name, team_id in rows.all()}
    await engine.dispose()
    return {"owner": teams["team-00"], "consumer": teams["team-01"], "team": teams["team-05"]}


async def report(client: httpx.AsyncClient, paths: list[str], args: argparse.Namespace) -> None:
    print(
        f"\n{'endpoint':<62} {'rows':>9}  {'first':>13} {'middle':>13} {'last':>13}  {'p50':>6} {'p95':>6}"
        f" {'cpu':>5}"
    )
    print(
        f"{'':<62} {'':>9}  {'p50/p95 ms':>13} {'p50/p95 ms':>13} {'p50/p95 ms':>13}  {'all':>6} {'all':>6}"
        f" {'ms':>5}"
    )
    worst = 0.0
    offsets: list[tuple[str, float]] = []
    for path in paths:
        if args.only and not path.startswith(args.only) and path != "/teams":  # /teams: the floor
            continue
        total, pages = await positions(client, path, args.limit)
        cells, every = [], []
        cpu = 0.0
        for name in ("first", "middle", "last"):
            if name not in pages:
                cells.append(f"{'-':>13}")
                continue
            await timed(client, pages[name], 2)  # warm the plan cache and the buffers
            before = _cpu()
            times = await timed(client, pages[name], args.repeat)
            cpu += _cpu() - before
            every += times
            cells.append(f"{statistics.median(times):>6.1f}/{percentile(times, 0.95):<6.1f}")
        p95 = percentile(every, 0.95)
        worst = max(worst, p95)
        shown = path.replace(ids_hint(path), "…") if len(path) > 62 else path
        per_read = cpu * 1000 / len(every)
        print(
            f"{shown:<62} {total:>9,}  {' '.join(cells)}  {statistics.median(every):>6.1f} {p95:>6.1f}"
            f" {per_read:>5.1f}"
        )
        if total > 2 * args.limit:
            sep = "&" if "?" in path else "?"
            deep = await timed(client, f"{API}{path}{sep}limit={args.limit}&offset={total // 2}", 3)
            offsets.append((shown, statistics.median(deep)))
    print(f"\nworst p95 over every endpoint and page: {worst:.1f} ms (goal < 30 ms)")
    print("\nthe middle page by offset instead of cursor (p50 of 3, ms):")
    for shown, ms in offsets:
        print(f"  {shown:<62} {ms:>8.1f}")


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_LINK = re.compile(r'<a href="([^"]+)" rel="(next|prev)"')
UI_PER_PAGE = 25


def ui_lists(ids: dict[str, str]) -> list[tuple[str, str | None]]:
    """(UI list, the API list whose order, and so cursors, it shares, if any)."""
    team, asset = ids["team"], ids["asset"]
    return [
        ("/assets", "/assets"),
        ("/audit", "/audit/events"),
        ("/", None),  # the admin's home: every open proposal, deadline first
        ("/inbox/activity", None),
        (f"/teams/{team}", None),
        ("/search?q=bench", None),
        (f"/assets/{asset}/audit", None),
        (f"/assets/{asset}/consumers", None),
    ]


def ui_link(page: str, rel: str) -> str | None:
    """The first pagination link ``rel`` of a UI page."""
    for href, found in _LINK.findall(page):
        if found == rel:
            return html.unescape(href)
    return None


async def report_ui(client: httpx.AsyncClient, ids: dict[str, str], args: argparse.Namespace) -> None:
    form = await client.get("/signin")
    token = _CSRF.search(form.text)
    assert token, "the sign-in form has no CSRF field"
    data = {"api_key": ADMIN["Authorization"].split()[1], "csrf_token": token.group(1), "next": "/"}
    signed = await client.post("/signin", data=data)
    assert signed.status_code == 303, signed.text[:300]
    print(f"\nweb UI lists ({UI_PER_PAGE} rows a page), p50/p95 ms:")
    print(f"{'page':<44} {'first':>13} {'next':>13} {'deep cursor':>13} {'its prev':>13} {'deep ?page=':>13}")
    worst = 0.0
    for path, api in ui_lists(ids):
        first = await client.get(path)
        if first.status_code != 200:
            raise SystemExit(f"GET {path}: {first.status_code} {first.text[:300]}")
        urls: dict[str, str | None] = {"first": path, "next": ui_link(first.text, "next")}
        urls["deep"] = urls["prev"] = urls["offset"] = None
        if api is not None:
            total, pages = await positions(client, api, 1)
            middle = pages.get("middle")
            if middle and "cursor=" in middle:
                cursor = middle.split("cursor=")[1].split("&")[0]
                sep = "&" if "?" in path else "?"
                deep = await client.get(f"{path}{sep}cursor={cursor}")
                if deep.status_code == 200:
                    urls["deep"], urls["prev"] = f"{path}{sep}cursor={cursor}", ui_link(deep.text, "prev")
                urls["offset"] = f"{path}{sep}page={min(total // 2 // UI_PER_PAGE, 2**31 // UI_PER_PAGE - 1)}"
        cells = []
        for name in ("first", "next", "deep", "prev", "offset"):
            url = urls[name]
            if url is None:
                cells.append(f"{'-':>13}")
                continue
            times = []
            for i in range(args.repeat + 2):
                started = time.perf_counter()
                resp = await client.get(url)
                if i >= 2:
                    times.append((time.perf_counter() - started) * 1000)
                if resp.status_code != 200:
                    raise SystemExit(f"GET {url}: {resp.status_code} {resp.text[:300]}")
            if name != "offset":
                worst = max(worst, percentile(times, 0.95))
            cells.append(f"{statistics.median(times):>6.1f}/{percentile(times, 0.95):<6.1f}")
        shown = path.replace(ids_hint(path), "…")
        print(f"{shown:<44} {' '.join(cells)}")
    print(f"worst UI p95 by cursor: {worst:.1f} ms")


def _cpu() -> float:
    """Seconds of CPU this process has used (user + system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def ids_hint(path: str) -> str:
    """The id in a long path, shortened in the table."""
    for part in path.replace("?", "=").replace("&", "=").replace("/", "=").split("="):
        if len(part) == 36:
            return part[8:]
    return "\0"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--no-autovacuum", action="store_true", help="autovacuum off, no manual ANALYZE")
    parser.add_argument("--repeat", type=int, default=30, help="timed reads per page")
    parser.add_argument("--limit", type=int, default=50, help="page size")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full data size")
    parser.add_argument("--keep", action="store_true", help="keep the seeded database (prints its URL)")
    parser.add_argument("--reuse", metavar="URL", help="read the lists of a kept database, no seeding")
    parser.add_argument("--only", metavar="PREFIX", help="only the API lists whose path starts so")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
