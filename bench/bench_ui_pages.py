"""Server time and weight of every web UI page on a database with 5,000 assets.

    uv run python bench/bench_ui_pages.py [--models 5000] [--columns 12] [--requests 40] [--database-url URL]

Builds the database through the HTTP API of the real app (in-process ASGI transport, auth on): twelve
teams with members, a bulk dbt sync of a generated manifest (bench/dbt_manifest_gen.py: assets, contracts,
lineage, registrations), 300 more registrations naming columns, a compatible publish and then a breaking
one on 40 assets read by one consumer team (40 open proposals, half of them answered), 10 data-quality
runs on each of 100 assets; every step writes its audit events. Then it signs in through the sign-in
form as that consumer team (an admin-scope key, so admin pages render too), discovers the UI's pages
from the router (``tessera.demo.screens``: the screenshot list, plus any other GET page) and for each:

* server time: ``--requests`` GETs after 3 warm-ups, p50 and p95 (wall time of the ASGI call; the
  client's own share is a few hundred microseconds), and the p50 of the process's CPU time per request
  (all threads, so SQLite's too): on a shared machine the wall time grows with the load average, printed
  with the table, while the CPU time stays close to what the page costs;
* weight: the HTML plus every stylesheet and script under /static the page references, as files
  (uncompressed) and on the wire (what a browser that accepts gzip downloads: Tessera serves static files
  gzip-compressed, the HTML as it is).

Targets (issue 10): p50 < 30 ms, and < 200 KB per page on the wire (the bytes a browser transfers, as
page-weight audits such as Lighthouse's count them). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from tessera.demo.screens import SHOTS, plan, ui_pages
from tessera.demo.seed import TEAMS, DemoSeed
from tessera.demo.story import CUSTOMERS, ORDERS, REVENUE

KEY = "bench-bootstrap-key-0123456789abcdef"
ADMIN = {"Authorization": f"Bearer {KEY}"}
PROPOSALS = 40
QUALITY_ASSETS = 100
QUALITY_RUNS = 10
EXTRA_REGISTRATIONS = 300
_STATIC = re.compile(r'<(?:script[^>]*\ssrc|link[^>]*\shref)="(/static/[^"?#]+)[^"]*"')
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


async def call(client: httpx.AsyncClient, method: str, url: str, expect: int = 200, **kw: Any) -> Any:
    """An API call that must answer ``expect``; its JSON."""
    headers = {**ADMIN, **kw.pop("headers", {})}
    response = await client.request(method, url, headers=headers, **kw)
    assert response.status_code == expect, f"{method} {url} -> {response.status_code}: {response.text[:300]}"
    return response.json() if response.content else None


async def build(client: httpx.AsyncClient, manifest: bytes) -> dict[str, Any]:
    """The data set; returns the ids the pages are opened with."""
    teams = []
    for i in range(12):
        team = await call(
            client, "POST", "/api/v1/teams", 201, json={"name": f"team_{i:02d}", "contact": "#t"}
        )
        teams.append(team["id"])
        await call(
            client,
            "POST",
            "/api/v1/users",
            201,
            json={"email": f"team_{i:02d}@corp.example", "name": f"Team {i:02d}", "team_ids": [team["id"]]},
        )
    t0 = time.perf_counter()
    synced = await call(
        client,
        "POST",
        f"/api/v1/sync/dbt?owner_team_id={teams[0]}",
        content=manifest,
        headers={**ADMIN, "Content-Type": "application/json"},
        timeout=900,
    )
    print(f"sync: {synced['summary']} in {time.perf_counter() - t0:.1f} s", flush=True)
    assets = (await call(client, "GET", "/api/v1/assets?limit=500"))["items"]
    # The consumer whose inbox is measured: team_01, registered on assets it does not own.
    consumer = teams[1]
    foreign = [a for a in assets if a["owner_team_id"] != consumer]
    for asset in foreign[:EXTRA_REGISTRATIONS]:
        contract = (await call(client, "GET", f"/api/v1/assets/{asset['id']}/contracts?limit=1"))["items"][0]
        columns = sorted(contract["schema"].get("properties", {}))[:3]
        response = await client.post(
            "/api/v1/registrations",
            headers=ADMIN,
            json={"asset_id": asset["id"], "consumer_team_id": consumer, "columns": columns},
        )
        assert response.status_code in (201, 409), response.text  # 409: the sync registered it already
    proposals = []
    for asset in foreign[:PROPOSALS]:
        contract = (await call(client, "GET", f"/api/v1/assets/{asset['id']}/contracts?limit=1"))["items"][0]
        schema = contract["schema"]
        # Every consumer must answer (the strict switch): the dropped column below may be one that the
        # column lineage says nobody reads, which would publish at once instead of opening a proposal.
        await call(client, "PATCH", f"/api/v1/assets/{asset['id']}", json={"require_all_consumers": True})
        schema["properties"]["bench_note"] = {"type": ["string", "null"]}
        await call(client, "POST", f"/api/v1/assets/{asset['id']}/contracts", 201, json={"schema": schema})
        dropped = sorted(schema["properties"])[0]
        del schema["properties"][dropped]
        schema["required"] = [c for c in schema.get("required", []) if c != dropped]
        result = await call(
            client, "POST", f"/api/v1/assets/{asset['id']}/contracts", 202, json={"schema": schema}
        )
        proposals.append(result["proposal"]["id"])
    for pid in proposals[: PROPOSALS // 2]:
        await call(
            client,
            "POST",
            f"/api/v1/proposals/{pid}/acknowledge",
            json={"response": "blocked", "team_id": consumer, "reason": "bench"},
        )
    for asset in assets[:QUALITY_ASSETS]:
        for run in range(QUALITY_RUNS):
            status = "failed" if run % 4 == 0 else "passed"
            await call(
                client,
                "POST",
                f"/api/v1/assets/{asset['id']}/audit",
                201,
                json={"status": status, "results": [{"guarantee": "not_null:id", "status": status}]},
            )
    key = await call(
        client,
        "POST",
        "/api/v1/api-keys",
        201,
        json={"name": "bench", "team_id": consumer, "scopes": ["admin"]},
    )
    return {"teams": teams, "asset": foreign[0]["id"], "proposal": proposals[-1], "key": key["key"]}


async def sign_in(client: httpx.AsyncClient, key: str) -> None:
    """Through the sign-in form, as a browser would."""
    form = await client.get("/signin")
    token = _CSRF.search(form.text)
    assert token, "the sign-in form has no CSRF field"
    response = await client.post("/signin", data={"api_key": key, "csrf_token": token.group(1), "next": "/"})
    assert response.status_code == 303, response.text[:300]


def pages(app: Any, ids: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, path) of every UI page the router has, with the bench's objects in place of the demo's."""
    asset = uuid.UUID(ids["asset"])
    seed = DemoSeed(
        teams={spec.name: uuid.UUID(ids["teams"][i + 1]) for i, spec in enumerate(TEAMS)},
        assets={ORDERS: asset, CUSTOMERS: asset, REVENUE: asset},
        proposals={"open": uuid.UUID(ids["proposal"])},
    )
    # The bench's asset has versions 1.0.0 and 1.1.0 (the proposal would make 2.0.0).
    shots = [
        dataclasses.replace(s, query="from=1.0.0&to=1.1.0") if s.route.endswith("/compare") else s
        for s in SHOTS
        if not s.dark
    ]
    planned, notes = plan(ui_pages(app), seed, shots)
    for note in notes:
        print(f"  ({note})")
    return [(p.shot.name, p.path) for p in planned]


async def measure(
    client: httpx.AsyncClient, path: str, requests: int, static: dict[str, int]
) -> tuple[float, float, float, int, int, int]:
    """p50 ms, p95 ms, CPU p50 ms, HTML bytes, static bytes, bytes of both on the wire."""
    for _ in range(3):
        first = await client.get(path)
        assert first.status_code == 200, f"{path} -> {first.status_code}: {first.text[:300]}"
    times, cpu = [], []
    for _ in range(requests):
        t0, c0 = time.perf_counter(), time.process_time()
        response = await client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200
    html = response.content
    refs = sorted(set(_STATIC.findall(response.text)))
    wire = response.num_bytes_downloaded  # as transferred: compressed when the server compressed it
    for ref in refs:
        if ref not in static:
            asset = await client.get(ref, headers={"Accept-Encoding": "gzip"})
            assert asset.status_code == 200, ref
            static[ref] = len(asset.content)
            static[ref + "#wire"] = asset.num_bytes_downloaded
        wire += static[ref + "#wire"]
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    weight = sum(static[r] for r in refs)
    return statistics.median(times), p95, statistics.median(cpu), len(html), weight, wire


async def run(manifest_path: Path, database_url: str, requests: int) -> None:
    from tessera.app import create_app
    from tessera.config import Environment, Settings
    from tessera.db.migrate import upgrade

    await asyncio.to_thread(upgrade, database_url)
    settings = Settings(
        environment=Environment.TEST,
        database_url=database_url,
        secret_key="bench",
        bootstrap_api_key=KEY,
        worker_enabled=False,
        rate_limit_per_minute=0,
        ui_signin_per_minute=0,
        data_dir=Path(tempfile.mkdtemp()),
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=900) as api:
            t0 = time.perf_counter()
            ids = await build(api, await asyncio.to_thread(manifest_path.read_bytes))
            print(f"data set built in {time.perf_counter() - t0:.0f} s", flush=True)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=60) as browser:
            await sign_in(browser, ids["key"])
            static: dict[str, int] = {}
            rows = []
            load_before = os.getloadavg()[0]
            for name, path in pages(app, ids):
                rows.append((name, path, *(await measure(browser, path, requests, static))))
    dialect = database_url.split("+")[0].split(":")[0]
    load = f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} CPUs"
    print(f"\ndatabase: {dialect}, {requests} requests per page after 3 warm-ups; {load}\n")
    print(
        "| page | path | p50 ms | p95 ms | CPU p50 ms | HTML KB | CSS+JS KB | files KB | wire KB | targets |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for name, path, p50, p95, cpu, html, assets, wire in rows:
        total = (html + assets) / 1024
        missed = [what for what, bad in (("time", p50 >= 30), ("weight", wire / 1024 >= 200)) if bad]
        verdict = "missed: " + ", ".join(missed) if missed else "ok"
        shown = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "{id}", path)
        kb = f"{html / 1024:.1f} | {assets / 1024:.1f} | {total:.1f} | {wire / 1024:.1f}"
        print(f"| {name} | `{shown}` | {p50:.1f} | {p95:.1f} | {cpu:.1f} | {kb} | {verdict} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=5000)
    parser.add_argument("--columns", type=int, default=12)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--manifest", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.manifest is None:
        out = Path(tempfile.mkdtemp()) / "manifest.json"
        gen = Path(__file__).parent / "dbt_manifest_gen.py"
        cmd = [sys.executable, str(gen), "--models", str(args.models), "--columns", str(args.columns), "-o"]
        subprocess.run([*cmd, str(out)], check=True)
        args.manifest = out
    url = args.database_url or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    asyncio.run(run(args.manifest, url, args.requests))


if __name__ == "__main__":
    main()
