"""How quickly a real server answers ``/health`` while one request diffs a very wide schema.

    .venv/bin/python bench/bench_health_during_diff.py [--width 19000] [--runs 3]

Starts ``tessera serve`` on a fresh SQLite file (auth on, bootstrap key), publishes two versions of a
contract with ``--width`` columns whose type all change, then, while one client asks for the diff of the two
versions (every column a change), a second client calls ``GET /health`` every 10 ms. It prints, per run,
the diff's time and the probes' latency (p50, p95, max, and the share under 100 ms), issue 14's goal being
that ``/health`` keeps answering within 100 ms. The test suite checks the behaviour itself
(``tests/contracts/test_off_loop.py``: the diff runs off the event loop); this script measures it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from bench_startup import free_port, health_ok

ROOT = Path(__file__).resolve().parents[1]
KEY = "bench-bootstrap-key-0123456789abcdef"
API = "/api/v1"


def wide(width: int, kind: str) -> dict[str, Any]:
    """An object schema of ``width`` columns of type ``kind``."""
    return {"type": "object", "properties": {f"column_{i}": {"type": kind} for i in range(width)}}


def run_once(base_url: str, width: int, run: int) -> None:
    """Publish two wide versions, then probe /health while their diff is computed."""
    headers = {"Authorization": f"Bearer {KEY}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=300) as client:
        team = client.post(f"{API}/teams", json={"name": f"wide-{run}"}).json()
        asset = client.post(f"{API}/assets", json={"fqn": f"db.s.wide_{run}", "owner_team_id": team["id"]})
        asset_id = asset.json()["id"]
        for version, kind in (("1.0.0", "integer"), ("2.0.0", "string")):
            body = {"schema": wide(width, kind), "version": version, "force": True, "reason": "bench"}
            client.post(f"{API}/assets/{asset_id}/contracts", json=body).raise_for_status()
        timing: dict[str, float] = {}

        def diff() -> None:
            started = time.perf_counter()
            url = f"{API}/assets/{asset_id}/contracts/diff?from_version=1.0.0&to_version=2.0.0"
            client.get(url).raise_for_status()
            timing["diff"] = time.perf_counter() - started

        worker = threading.Thread(target=diff)
        worker.start()
        latencies: list[float] = []
        with httpx.Client(base_url=base_url, timeout=30) as probe:
            while worker.is_alive():
                sent = time.perf_counter()
                probe.get("/health").raise_for_status()
                latencies.append(time.perf_counter() - sent)
                time.sleep(0.01)
        worker.join()
    if not latencies:
        print(f"run {run}: the diff ({timing['diff']:.2f} s) ended before the first probe")
        return
    ms = sorted(t * 1000 for t in latencies)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    under = sum(t < 100 for t in ms) / len(ms)
    print(
        f"run {run}: diff {timing['diff']:.2f} s; {len(ms)} probes: p50 {statistics.median(ms):.1f} ms, "
        f"p95 {p95:.1f} ms, max {ms[-1]:.1f} ms, {under:.0%} under 100 ms"
    )


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--width", type=int, default=19_000, help="columns of the schema (cap: 20,000)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        env = {
            **os.environ,
            "DATA_DIR": data,
            "PORT": str(port),
            "BOOTSTRAP_API_KEY": KEY,
            "WORKER_ENABLED": "false",
            "RATE_LIMIT_PER_MINUTE": "0",
        }
        env.pop("DATABASE_URL", None)
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "tessera"), "serve"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 120
            while not health_ok(port):
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.exit("the server did not start")
                time.sleep(0.05)
            print(f"load average {os.getloadavg()[0]:.2f}; width {args.width}")
            for run in range(1, args.runs + 1):
                run_once(f"http://127.0.0.1:{port}", args.width, run)
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
