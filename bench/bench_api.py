"""Benchmark the API with auth on: publish latency and list throughput.

    uv run python bench/bench_api.py [--database-url URL] [--seconds 10] [--concurrency 16]

Starts a real Tessera server (``tessera serve``: uvicorn, one process, per-key rate limiting on with a
limit the run cannot reach) on 127.0.0.1 with a SQLite file by default (or the given PostgreSQL URL),
then, from this process over real HTTP:
  * publish latency: compatible publishes on 20-24 column tables, and on one table growing by a column
    per publish -> p50 / p95 / p99;
  * read throughput: GET /api/v1/assets?limit=50 (50 assets with versions) from ``--concurrency``
    keep-alive connections for ``--seconds`` -> requests/s, latency percentiles, and the server's CPU
    time per request (from /proc, Linux).
Targets (issue 3): publish p50 < 15 ms; list of 50 assets >= 500 requests/s.
The load generator shares the two cores with the server (and PostgreSQL), so it is a minimal HTTP/1.1
client on asyncio streams rather than httpx, which would need about as much CPU per request as the
server and measure itself.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

KEY = "bench-bootstrap-key-0123456789abcdef"


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (0-100) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (Linux /proc), or NaN elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def keep_alive_client(port: int, path: str, key: str, stop: float, latencies: list[float]) -> None:
    """Send GET ``path`` on one keep-alive connection until ``stop``; every answer must be a 200."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
        "Accept: application/json\r\n\r\n"
    ).encode()
    try:
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            body = await reader.readexactly(length)
            latencies.append((time.perf_counter() - t0) * 1000)
            assert head.startswith(b"HTTP/1.1 200"), head + body[:300]
    finally:
        writer.close()


def start_server(database_url: str, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BOOTSTRAP_API_KEY": KEY,
        "SECRET_KEY": "bench",
        "RATE_LIMIT_PER_MINUTE": "100000000",
        "WORKER_ENABLED": "false",
        "DATA_DIR": tempfile.mkdtemp(),
    }
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "tessera"), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def main(args: argparse.Namespace) -> None:
    port = 18000 + os.getpid() % 1000
    url = args.database_url or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    proc = start_server(url, port)
    base = f"http://127.0.0.1:{port}"
    admin = {"Authorization": f"Bearer {KEY}"}
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as c:
            for _ in range(300):
                try:
                    if (await c.get("/health")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
            team = (await c.post("/api/v1/teams", json={"name": "bench"}, headers=admin)).json()
            key = (
                await c.post(
                    "/api/v1/api-keys",
                    json={"name": "b", "team_id": team["id"], "scopes": ["write"]},
                    headers=admin,
                )
            ).json()["key"]
            auth = {"Authorization": f"Bearer {key}"}
            assets = []
            for i in range(50):
                a = (
                    await c.post(
                        "/api/v1/assets",
                        json={"fqn": f"wh.bench.t{i:02d}", "owner_team_id": team["id"]},
                        headers=auth,
                    )
                ).json()
                assets.append(a)
                schema = {"type": "object", "properties": {"id": {"type": "integer"}}}
                await c.post(f"/api/v1/assets/{a['id']}/contracts", json={"schema": schema}, headers=auth)
            target = assets[0]["id"]
            props: dict[str, object] = {"id": {"type": "integer"}}
            latencies = []
            for i in range(args.publishes):
                props[f"c{i}"] = {"type": "string"}
                body = {"schema": {"type": "object", "properties": dict(props)}}
                t0 = time.perf_counter()
                r = await c.post(f"/api/v1/assets/{target}/contracts", json=body, headers=auth)
                latencies.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 201, r.text
            # A typical table: 20 columns, one compatible column added per publish, across 50 assets.
            typical = []
            for a in assets[1:]:
                cols = {"id": {"type": "integer"}, **{f"k{j}": {"type": "string"} for j in range(19)}}
                await c.post(
                    f"/api/v1/assets/{a['id']}/contracts",
                    json={"schema": {"type": "object", "properties": cols}},
                    headers=auth,
                )
                for step in range(4):
                    cols[f"extra{step}"] = {"type": "string"}
                    body = {"schema": {"type": "object", "properties": dict(cols)}}
                    t0 = time.perf_counter()
                    r = await c.post(f"/api/v1/assets/{a['id']}/contracts", json=body, headers=auth)
                    typical.append((time.perf_counter() - t0) * 1000)
                    assert r.status_code == 201, r.text
        print(f"database: {url.split('://')[0]}")
        print(
            f"publish latency over HTTP ({len(typical)} compatible publishes on 20-24 column tables): "
            f"p50 {pct(typical, 50):.1f} ms  p95 {pct(typical, 95):.1f} ms  p99 {pct(typical, 99):.1f} ms"
        )
        print(
            f"publish latency over HTTP ({len(latencies)} compatible publishes, schema growing to "
            f"{len(props)} columns): p50 {pct(latencies, 50):.1f} ms  p95 {pct(latencies, 95):.1f} ms  "
            f"p99 {pct(latencies, 99):.1f} ms"
        )

        path = "/api/v1/assets?limit=50"
        async with httpx.AsyncClient(base_url=base, timeout=30) as c:
            first = await c.get(path, headers=auth)
        assert first.status_code == 200 and len(first.json()["items"]) == 50, first.text

        stop = time.perf_counter() + args.seconds
        reads: list[float] = []
        cpu_before = server_cpu_seconds(proc.pid)
        started = time.perf_counter()
        await asyncio.gather(
            *(keep_alive_client(port, path, key, stop, reads) for _ in range(args.concurrency))
        )
        elapsed = time.perf_counter() - started
        cpu_used = server_cpu_seconds(proc.pid) - cpu_before
        print(
            f"GET /assets?limit=50 with auth, {args.concurrency} connections, {elapsed:.1f} s: "
            f"{len(reads) / elapsed:.0f} requests/s  p50 {statistics.median(reads):.1f} ms  "
            f"p95 {pct(reads, 95):.1f} ms  server CPU {cpu_used / len(reads) * 1000:.2f} ms/request"
        )
    finally:
        proc.terminate()
        proc.wait(timeout=20)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--publishes", type=int, default=200)
    asyncio.run(main(parser.parse_args()))
