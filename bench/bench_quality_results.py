"""Benchmark recording a dbt run_results.json with 20,000 test results (target: under 3 s).

    uv run python bench/bench_quality_results.py [--models 1000] [--tests 20000] [--database-url URL]

Generates a manifest (bench/dbt_manifest_gen.py) and adds generic tests (not_null, unique,
accepted_values) on the models' columns until it holds ``--tests`` tests; syncs it through the API
(not timed) so every model is an asset; then writes a run_results.json (schema v6, the layout dbt 1.12
writes for ``dbt build``: a result per model and per test, about 3% failing and 2% warning) and times,
through the HTTP API (in-process ASGI transport, auth on, SQLite file by default):
  1. the first upload (one run per asset, every guarantee state created, ``guarantee.failed`` events),
  2. a second invocation in which a tenth of the statuses flipped (states moved, failed/recovered events),
  3. the second invocation uploaded again (recognised, nothing recorded).
Each step prints its wall time and the process's CPU time (user + system, every thread: the parse runs in
one; on PostgreSQL the database server's CPU is not included), with the load average: on a shared machine
the wall time is inflated and the CPU time is the figure to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).parent))

from dbt_manifest_gen import generate_manifest

KEY = "bench-bootstrap-key-0123456789abcdef"
V6 = "https://schemas.getdbt.com/dbt/run-results/v6.json"


def add_tests(manifest: dict[str, Any], total: int) -> list[str]:
    """Add generic tests on model columns until the manifest holds ``total`` tests; all test ids."""
    nodes: dict[str, Any] = manifest["nodes"]  # type: ignore[assignment]
    tests = [uid for uid, n in nodes.items() if n["resource_type"] == "test"]
    models = [(uid, n) for uid, n in nodes.items() if n["resource_type"] == "model"]
    kinds = ("not_null", "unique", "accepted_values")
    i = 0
    while len(tests) < total:
        uid, model = models[i % len(models)]
        columns = list(model["columns"])
        kind = kinds[(i // len(models)) % len(kinds)]
        column = columns[(i // (len(models) * len(kinds))) % len(columns)]
        kwargs: dict[str, Any] = {
            "column_name": column,
            "model": f"{{{{ get_where_subquery(ref('{model['name']}')) }}}}",
        }
        if kind == "accepted_values":
            kwargs["values"] = ["a", "b", f"v{i % 7}"]
        name = f"{kind}_{model['name']}_{column}_b{i}"
        project = manifest["metadata"]["project_name"]  # type: ignore[index]
        test_id = f"test.{project}.{name}.{uuid.uuid5(uuid.NAMESPACE_URL, name).hex[:10]}"
        nodes[test_id] = {
            "unique_id": test_id,
            "resource_type": "test",
            "name": name,
            "package_name": model["package_name"],
            "attached_node": uid,
            "column_name": column,
            "depends_on": {"nodes": [uid], "macros": []},
            "test_metadata": {"name": kind, "kwargs": kwargs, "namespace": None},
            "config": {"severity": "ERROR", "where": None},
        }
        tests.append(test_id)
        i += 1
    return tests


def run_results(models: list[str], tests: list[str], seed: int, invocation: str) -> bytes:
    """A dbt build's run_results.json: every model succeeded, tests pass/fail/warn at random."""
    rng = random.Random(seed)
    results: list[dict[str, Any]] = []
    timing = [
        {"name": "execute", "started_at": "2026-12-07T03:00:00Z", "completed_at": "2026-12-07T03:00:01Z"}
    ]
    common = {"timing": timing, "thread_id": "Thread-1", "adapter_response": {}, "compiled": True,
              "compiled_code": "select 1", "relation_name": None, "batch_results": None}  # fmt: skip
    for uid in models:
        results.append({**common, "unique_id": uid, "status": "success", "failures": None, "message": "OK",
                        "execution_time": 0.4})  # fmt: skip
    for uid in tests:
        roll = rng.random()
        status, failures = (
            ("fail", rng.randint(1, 500)) if roll < 0.03 else ("warn", 3) if roll < 0.05 else ("pass", 0)
        )
        results.append({**common, "unique_id": uid, "status": status, "failures": failures,
                        "message": None if status == "pass" else f"Got {failures} results",
                        "execution_time": 0.05})  # fmt: skip
    metadata = {"dbt_schema_version": V6, "dbt_version": "1.12.6", "invocation_id": invocation,
                "generated_at": f"2026-12-07T0{seed}:00:00Z"}  # fmt: skip
    return orjson.dumps({"metadata": metadata, "results": results, "elapsed_time": 60.0, "args": {}})


async def run(models: int, total_tests: int, database_url: str) -> None:
    from tessera.app import create_app
    from tessera.config import Environment, Settings
    from tessera.db.migrate import upgrade

    manifest = generate_manifest(models=models, columns=20)
    tests = add_tests(manifest, total_tests)
    model_ids = [uid for uid, n in manifest["nodes"].items() if n["resource_type"] == "model"]  # type: ignore[union-attr]
    raw_manifest = orjson.dumps(manifest)
    first_results = run_results(model_ids, tests, 3, str(uuid.uuid4()))
    second_results = run_results(model_ids, tests, 4, str(uuid.uuid4()))

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
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as client,
    ):
        team = (await client.post("/api/v1/teams", json={"name": "bench"}, headers=headers)).json()
        synced = await client.post(
            f"/api/v1/sync/dbt?owner_team_id={team['id']}",
            content=raw_manifest,
            headers={**headers, "Content-Type": "application/json"},
        )
        assert synced.status_code == 200, synced.text[:500]
        timings: list[tuple[str, float, float, dict[str, Any]]] = []
        for label, body in (("first upload", first_results), ("next invocation", second_results),
                            ("same again", second_results)):  # fmt: skip
            files = {"run_results": ("run_results.json", body), "manifest": ("manifest.json", raw_manifest)}
            t0, c0 = time.perf_counter(), _cpu()
            resp = await client.post("/api/v1/quality/dbt/run-results", files=files, headers=headers)
            elapsed, cpu = time.perf_counter() - t0, _cpu() - c0
            assert resp.status_code == 200, resp.text[:500]
            timings.append((label, elapsed, cpu, resp.json()))

    sizes = f"manifest: {len(raw_manifest) / 1e6:.1f} MB   run_results: {len(first_results) / 1e6:.1f} MB"
    print(
        f"database: {database_url.split('://')[0]}   {sizes}   {len(tests)} tests on {len(model_ids)} models"
    )
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    for label, elapsed, cpu, body in timings:
        recorded = sum(1 for r in body["recorded"] if not r["duplicate"])
        print(
            f"{label:16s} {elapsed:6.2f} s wall  {cpu:6.2f} s CPU   checks={body['checks']} "
            f"runs recorded={recorded} "
            f"failed={len(body['failed'])} recovered={len(body['recovered'])} "
            f"unmatched={len(body['unmatched'])}"
        )


def _cpu() -> float:
    """User + system CPU seconds of this process (all its threads: the parse runs in one); the database
    server's own CPU on PostgreSQL is not included."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--tests", type=int, default=20000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    url = args.database_url or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    asyncio.run(run(args.models, args.tests, url))


if __name__ == "__main__":
    main()
