"""Benchmark the column-lineage analysis (``analyse_project``) on a synthetic and a real dbt project.

    uv run python bench/bench_column_lineage.py [--models 5000] [--columns 20] [--real PATH] [--profile]

1. The synthetic manifest of bench/dbt_manifest_gen.py (realistic SQL: import CTEs, joins, aggregates,
   windows, ``select *``, incremental Jinja, macros; Snowflake adapter).
2. A real project's manifest (``--real PATH``; default ``bench/data/real_manifest.json.gz`` if present).

The real project measured is GitLab's data warehouse (gitlab.com/gitlab-data/analytics, MIT licence; the
GitHub copy somun0891/analytics-master at 64f2d8318db4 was used): 2,898 models, 100 snapshots, 1,107
sources, Snowflake. Its manifest is not committed (44 MB). To make it (offline apart from the registries):

    # dbt per ../shared/NOTES-dbt.md, plus: pip install --no-deps dbt-snowflake==1.12.4
    #   'snowflake-connector-python<5,>=4.2.0' pyopenssl
    # the project is transform/snowflake-dbt/; its packages.yml pins dbt-utils 1.1.1,
    # dbt-audit-helper 0.9.0, snowplow 0.15.1, dbt-external-tables 0.8.7, dbt_artifacts 2.6.3 and
    # gitlabhq/snowflake_spend: clone each at that tag and point packages.yml at them with `local:`
    # entries (drop the private data-tests package); a Snowflake profile that never connects; a dummy
    # value for each env_var the project reads (SNOWFLAKE_*_DATABASE, SALT*, DATA_TEST_BRANCH, ...)
    dbt deps && dbt parse --no-partial-parse --no-version-check   # dbt_artifacts 2.6.3 wants dbt < 1.9

then ``--real transform/snowflake-dbt/target/manifest.json``. Cal-ITP's warehouse (cal-itp/data-infra,
610 models, BigQuery, AGPL-3.0) was measured before it the same way.

Prints the parse time (not part of the analysis), the analysis time in total and per model (median,
p95, max over models, timed one by one), how many models fell back and why (top reasons). Target
(issue 12): the whole 5,000-model sync under 10 s, which leaves the analysis about 3 s.
``--profile`` prints the top functions of a cProfile run of the analysis.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import logging
import os
import pstats
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tessera.ingest.dbt.model_lineage import ModelTask
    from tessera.ingest.lineage import NodeLineage

sys.path.insert(0, str(Path(__file__).parent))

REPO = Path(__file__).resolve().parent.parent
REAL_DEFAULT = REPO / "bench" / "data" / "real_manifest.json.gz"
FIXTURE = REPO / "tests" / "fixtures" / "dbt" / "manifests" / "lineage__base_compiled.json.gz"


def load() -> str:
    """The load average (1, 5, 15 min): the machine is shared, figures mean little without it."""
    return "load " + " ".join(f"{value:.1f}" for value in os.getloadavg())


def measure(label: str, raw: bytes, profile: bool, workers: int | None) -> None:
    from tessera.ingest.dbt import column_lineage, lineage_pool, parse_manifest
    from tessera.ingest.dbt.column_lineage import analyse_project
    from tessera.ingest.dbt.model_lineage import analyse_task

    started = time.perf_counter()
    project = parse_manifest(raw)
    parsed = time.perf_counter() - started
    models = len(project.code)
    print(
        f"\n{label}: {models:,} models/snapshots, {len(project.assets):,} assets, "
        f"adapter {project.adapter_type}"
    )
    print(f"  parse_manifest            {parsed:7.2f} s (not part of the analysis)")

    column_lineage._CACHE.clear()  # a first sync in a fresh process
    started = time.perf_counter()
    lineage = analyse_project(project, workers=1)
    total = time.perf_counter() - started
    print(
        f"  in process                {total:7.2f} s  ({total / max(models, 1) * 1000:.2f} ms per model)"
        f"  [{load()}]"
    )
    count = lineage_pool.worker_count(workers, models)
    if count > 1:
        started = time.perf_counter()
        lineage_pool.warm_pool(count)
        print(f"  pool start ({count} workers)    {time.perf_counter() - started:7.2f} s  [{load()}]")
        column_lineage._CACHE.clear()
        started = time.perf_counter()
        parallel = analyse_project(project, workers=count)
        elapsed = time.perf_counter() - started
        print(
            f"  {count} processes               {elapsed:7.2f} s  "
            f"({elapsed / max(models, 1) * 1000:.2f} ms per model; same result: {parallel == lineage})"
            f"  [{load()}]"
        )
    else:
        print(f"  (in process only: {models} models < {lineage_pool.PARALLEL_MIN_MODELS} or --workers 0/1)")
    again = parse_manifest(raw)  # the next sync of an unchanged project, in the same process
    started = time.perf_counter()
    analyse_project(again, workers=workers)
    print(f"  again, models unchanged   {time.perf_counter() - started:7.2f} s (remembered analyses)")

    captured: list[ModelTask] = []
    real_run = column_lineage._run

    def capture(tasks: list[ModelTask], count: int) -> list[NodeLineage]:
        captured.extend(tasks)
        return real_run(tasks, count)

    column_lineage._run = capture  # type: ignore[assignment]
    analyse_project(project, workers=1)
    column_lineage._run = real_run
    times = []
    for task in captured:
        begin = time.perf_counter()
        analyse_task(task)
        times.append((time.perf_counter() - begin) * 1000)
    times.sort()
    if times:
        p95 = times[int(len(times) * 0.95) - 1] if len(times) > 1 else times[0]
        print(
            f"  per model (ms)            median {statistics.median(times):.2f}  "
            f"p95 {p95:.2f}  max {times[-1]:.2f}"
        )
    fallbacks = [(node, reason) for node, reason in lineage.fallbacks() if node in project.code]
    print(f"  models that fell back     {len(fallbacks):,} of {models:,}")
    reasons = Counter(_kind(reason) for _, reason in fallbacks)
    for reason, count in reasons.most_common(8):
        print(f"    {count:6,}  {reason}")
    if profile:
        column_lineage._CACHE.clear()
        profiler = cProfile.Profile()
        profiler.enable()
        analyse_project(project, workers=1)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def _compiled() -> bool:
    import sqlglot.parser

    return not str(sqlglot.parser.__file__).endswith(".py")


def _kind(reason: str) -> str:
    """A reason without the names in backticks, so equal causes count together."""
    parts = reason.split("`")
    return "`".join(part if index % 2 == 0 else "…" for index, part in enumerate(parts))[:110]


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    from dbt_manifest_gen import generate_manifest_bytes

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=5000)
    parser.add_argument("--columns", type=int, default=20)
    parser.add_argument("--real", type=Path, default=REAL_DEFAULT, help="a real manifest.json[.gz]")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--workers", type=int, default=None, help="LINEAGE_WORKERS (default: CPUs)")
    args = parser.parse_args(argv)
    # sqlglot logs a warning for each macro call it meets where a table is expected (they fall back)
    logging.getLogger("sqlglot").setLevel(logging.ERROR)
    print(f"sqlglot compiled: {_compiled()}; CPUs: {os.cpu_count()}")
    raw = generate_manifest_bytes(models=args.models, columns=args.columns)
    measure(f"synthetic {args.models:,} x {args.columns}", raw, args.profile, args.workers)
    measure(
        "fixture project (lineage, dbt compile)", gzip.decompress(FIXTURE.read_bytes()), False, args.workers
    )
    if args.real and args.real.exists():
        data = args.real.read_bytes()
        measure(
            f"real: {args.real.name}",
            gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data,
            args.profile,
            args.workers,
        )
    else:
        print(f"\n(no real manifest at {args.real}; pass --real PATH)")
    from tessera.ingest.dbt import lineage_pool

    lineage_pool.shutdown_pool()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
