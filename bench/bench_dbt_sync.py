"""Benchmark the dbt sync and the pull-request impact check on a big synthetic manifest.

    uv run python bench/bench_dbt_sync.py [--models 5000] [--columns 20] [--database-url URL]
                                          [--no-column-lineage] [--profile FILE] [--first-only]
                                          [--server [--gzip]]

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
``--server`` instead starts a real server process (``tessera serve``, as a user starts it) and uploads
the first sync to it over HTTP from this process: the figures are then the server process's alone (peak
RSS from /proc VmHWM, growth over its RSS just before the upload, CPU from /proc), as in production, and
apart the peak of the server with its child processes (the fork server, the lineage workers and a big
manifest's parse process) as proportional set size, sampled.
``--gzip`` (with ``--server``) uploads the manifest gzip-compressed (``Content-Encoding``-free: the body
is the .gz file, as ``tessera dbt sync`` sends it when asked to compress).
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
import threading
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


def proc_status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (peak RSS) of process ``pid`` in MB, and its CPU seconds (user + system)."""
    out: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    out["cpu"] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def tree_pss_mb(root: int) -> float:
    """Proportional set size of process ``root`` and all its descendants (the fork server, the lineage
    workers, a manifest's parse process) in MB: pages they share are split between them, not counted
    once per process as RSS would."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, ()))
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        total += sum(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")) / 1024
    return total


class TreeSampler(threading.Thread):
    """Samples :func:`tree_pss_mb` every ``interval`` seconds until stopped; keeps the peak."""

    def __init__(self, root: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.root, self.interval, self.peak = root, interval, 0.0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            self.peak = max(self.peak, tree_pss_mb(self.root))

    def stop(self) -> float:
        self._stop_event.set()
        self.join()
        return max(self.peak, tree_pss_mb(self.root))


def run_server(manifest_path: Path, database_url: str, gzip_upload: bool) -> None:
    """The first sync against a real ``tessera serve`` process; prints that process's memory and CPU."""
    import gzip
    import signal
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "BOOTSTRAP_API_KEY": KEY,
        "WORKER_ENABLED": "false",
        "RATE_LIMIT_PER_MINUTE": "0",
        "DATA_DIR": tempfile.mkdtemp(),
    }
    tessera = Path(sys.executable).parent / "tessera"
    proc = subprocess.Popen(
        [str(tessera), "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base_url = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {KEY}"}
    try:
        with httpx.Client(base_url=base_url, timeout=900) as client:
            for _ in range(1200):
                try:
                    if client.get("/health").status_code < 300:
                        break
                except httpx.TransportError:
                    pass
                if proc.poll() is not None:
                    raise SystemExit(f"tessera serve exited with {proc.returncode}")
                time.sleep(0.1)
            fallback = None
            for i in range(12):
                name = f"team_{i:02d}"
                team = client.post("/api/v1/teams", json={"name": name}, headers=headers).json()
                fallback = fallback or team["id"]
                client.post(
                    "/api/v1/users",
                    json={"email": f"{name}@corp.example", "name": name.title(), "team_ids": [team["id"]]},
                    headers=headers,
                )
            raw = manifest_path.read_bytes()
            body = gzip.compress(raw, compresslevel=6) if gzip_upload else raw
            kind = "application/gzip" if gzip_upload else "application/json"
            before = proc_status(proc.pid)
            tree_before = tree_pss_mb(proc.pid)
            sampler = TreeSampler(proc.pid)
            sampler.start()
            t0 = time.perf_counter()
            first = client.post(
                f"/api/v1/sync/dbt?owner_team_id={fallback}",
                content=body,
                headers={**headers, "Content-Type": kind},
            )
            elapsed = time.perf_counter() - t0
            after = proc_status(proc.pid)
            tree_peak = sampler.stop()
        assert first.status_code == 200, first.text[:500]
        s = first.json()["summary"]
        print(
            f"database: {database_url.split('://')[0]}   manifest: {len(raw) / 1e6:.1f} MB   "
            f"upload: {kind}, {len(body) / 1e6:.1f} MB"
        )
        print(
            f"first sync (server process) {elapsed:6.2f} s   "
            f"(server CPU {after['cpu'] - before['cpu']:5.2f} s)   "
            f"RSS before {before['VmRSS']:4.0f} MB, peak RSS {after['VmHWM']:4.0f} MB, "
            f"growth {after['VmHWM'] - before['VmRSS']:4.0f} MB   created={s['created']}"
        )
        print(
            f"server with its child processes (PSS, sampled every {sampler.interval:.1f} s): "
            f"before {tree_before:4.0f} MB, peak {tree_peak:4.0f} MB"
        )
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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
    parser.add_argument("--server", action="store_true", help="sync against a real `tessera serve` process")
    parser.add_argument("--gzip", action="store_true", help="with --server: upload the manifest gzipped")
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
        for flag in ("first_only", "server", "gzip"):
            if getattr(args, flag):
                cmd.append("--" + flag.replace("_", "-"))
        raise SystemExit(subprocess.call(cmd))
    if args.no_column_lineage:
        import tessera.sync.router
        from tessera.ingest.lineage import ProjectLineage

        tessera.sync.router.analyse_project = lambda project, **_: ProjectLineage({})  # type: ignore[attr-defined]
    url = args.database_url or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    if args.server:
        run_server(args.manifest, url, args.gzip)
        return
    asyncio.run(run(args.manifest, url, args.profile, args.first_only))


if __name__ == "__main__":
    main()
