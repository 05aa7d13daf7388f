"""Benchmark the dbt sync and the pull-request impact check on a big synthetic manifest.

    uv run python bench/bench_dbt_sync.py [--models 5000] [--columns 20] [--database-url URL]
                                          [--no-column-lineage] [--profile FILE] [--first-only]

Generates the manifest (bench/dbt_manifest_gen.py) into a temp file, then in a fresh process starts the
real app (auth on, SQLite file by default, or DATABASE_URL / --database-url for PostgreSQL), creates the
owner teams, and times through the HTTP API (in-process ASGI transport):
  1. the first sync (creates every asset, contract, lineage edge and registration),
  2. a re-sync of the same manifest (must change nothing),
  3. the impact check of a manifest in which 50 models dropped a column.
Peak memory is the process's maximum RSS (resource.getrusage: the server and this client share the
process), and its growth over the size after start-up with the manifest's bytes read (the client's copy).
CPU is the main process's (event loop, threads) and, apart, the lineage pool workers' (from /proc).
``--first-only`` stops after the first sync (for profiling it, e.g. under py-spy). ``--no-column-lineage``
replaces the SQL analysis by an empty lineage, to tell its cost from the rest of the sync.
Targets: first sync < 10 s (issues 4, 12) within 250 MB (issue 17); re-sync < 5 s; impact < 3 s.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).parent))

KEY = "bench-bootstrap-key-0123456789abcdef"


def rss_mb() -> float:
    """Peak resident set size of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_cpu() -> float:
    """CPU seconds used so far by the lineage pool's worker processes (Linux /proc; 0 without a pool)."""
    from tessera.ingest.dbt import lineage_pool

    pool = lineage_pool._POOL  # a benchmark may read the pool's private process table
    total = 0.0
    for pid in getattr(pool[1], "_processes", None) or {} if pool else {}:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def drop_columns(raw: bytes, count: int) -> bytes:
    """The same manifest with the last column of ``count`` models removed (a breaking change)."""
    data = orjson.loads(raw)
    changed = 0
    for node in data["nodes"].values():
        if node.get("resource_type") == "model" and node.get("columns") and changed < count:
            last = list(node["columns"])[-1]
            del node["columns"][last]
            changed += 1
    return orjson.dumps(data)


async def run(
    manifest_path: Path, database_url: str, profile: str | None = None, first_only: bool = False
) -> None:
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
        data_dir=Path(tempfile.mkdtemp()),
    )
    app = create_app(settings)
    headers = {"Authorization": f"Bearer {KEY}"}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=600
        ) as client,
    ):
        fallback = None
        for i in range(12):
            name = f"team_{i:02d}"
            team = (await client.post("/api/v1/teams", json={"name": name}, headers=headers)).json()
            fallback = fallback or team["id"]
            await client.post(
                "/api/v1/users",
                json={"email": f"{name}@corp.example", "name": name.title(), "team_ids": [team["id"]]},
                headers=headers,
            )
        raw = await asyncio.to_thread(manifest_path.read_bytes)
        gc.collect()
        base_rss = rss_mb()
        url = f"/api/v1/sync/dbt?owner_team_id={fallback}"
        hdrs = {**headers, "Content-Type": "application/json"}

        profiler = cProfile.Profile() if profile else None
        t0 = time.perf_counter()
        cpu0 = time.process_time()
        workers0 = children_cpu()
        if profiler:
            profiler.enable()
        first = await client.post(url, content=raw, headers=hdrs)
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile)
        t_first = time.perf_counter() - t0
        cpu_first = time.process_time() - cpu0
        assert first.status_code == 200, first.text[:500]
        peak = rss_mb() - base_rss
        s = first.json()["summary"]
        first_line = (
            f"first sync    {t_first:6.2f} s   (main process CPU {cpu_first:5.2f} s, lineage workers' "
            f"{children_cpu() - workers0:5.2f} s)   peak RSS {rss_mb():4.0f} MB, growth {peak:4.0f} MB   "
            f"created={s['created']} registrations={s['registrations_created']} "
            f"edges={s['dependencies_created']}"
        )
        if first_only:
            print(first_line)
            return

        t0 = time.perf_counter()
        again = await client.post(url, content=raw, headers=hdrs)
        t_again = time.perf_counter() - t0
        assert again.status_code == 200, again.text[:500]
        s2 = again.json()["summary"]
        assert s2["created"] == s2["updated"] == s2["proposed"] == 0, s2

        changed = drop_columns(raw, 50)
        t0 = time.perf_counter()
        impact = await client.post("/api/v1/sync/dbt/impact", content=changed, headers=hdrs)
        t_impact = time.perf_counter() - t0
        assert impact.status_code == 200, impact.text[:500]
        summary = impact.json()["summary"]

    print(f"database: {database_url.split('://')[0]}   manifest: {len(raw) / 1e6:.1f} MB")
    print(first_line)
    print(f"re-sync       {t_again:6.2f} s   unchanged={s2['unchanged']}")
    print(f"impact check  {t_impact:6.2f} s   modified={summary['modified']} breaking={summary['breaking']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=5000)
    parser.add_argument("--columns", type=int, default=20)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--no-column-lineage", action="store_true", help="skip the SQL column analysis")
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the first sync to FILE")
    parser.add_argument("--first-only", action="store_true", help="time the first sync only")
    parser.add_argument("--manifest", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.manifest is None:
        # Generate in a separate process so its memory does not count against the sync.
        out = Path(tempfile.mkdtemp()) / "manifest.json"
        subprocess.run(
            [
                sys.executable,
                str(Path(__file__).parent / "dbt_manifest_gen.py"),
                "--models",
                str(args.models),
                "--columns",
                str(args.columns),
                "-o",
                str(out),
            ],
            check=True,
        )
        cmd = [sys.executable, __file__, "--manifest", str(out)]
        if args.database_url:
            cmd += ["--database-url", args.database_url]
        if args.no_column_lineage:
            cmd.append("--no-column-lineage")
        if args.profile:
            cmd += ["--profile", args.profile]
        if args.first_only:
            cmd.append("--first-only")
        raise SystemExit(subprocess.call(cmd))
    if args.no_column_lineage:
        import tessera.sync.router
        from tessera.ingest.lineage import ProjectLineage

        tessera.sync.router.analyse_project = lambda project, **_: ProjectLineage({})  # type: ignore[attr-defined]
    url = args.database_url or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    asyncio.run(run(args.manifest, url, args.profile, args.first_only))


if __name__ == "__main__":
    main()
