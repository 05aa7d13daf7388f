"""Benchmark the column-lineage analysis (``analyse_project``) on a synthetic and a real dbt project.

    uv run python bench/bench_column_lineage.py [--models 5000] [--columns 20] [--real PATH] [--profile]

1. The synthetic manifest of bench/dbt_manifest_gen.py (realistic SQL: import CTEs, joins, aggregates,
   windows, ``select *``, incremental Jinja, macros; Snowflake adapter).
2. A real project's manifest (``--real PATH``; default ``bench/data/real_manifest.json.gz`` if present).

The real project measured so far is Cal-ITP's warehouse (github.com/cal-itp/data-infra, ``warehouse/``,
610 models, 218 sources, BigQuery; licence AGPL-3.0). Its manifest is not committed: it carries the
project's SQL, which is under the AGPL. To make it (offline apart from the package registry):

    git clone https://github.com/cal-itp/data-infra            # commit f20856f3f was measured
    # its packages.yml wants dbt_utils 1.3.3 and dbt_expectations (which wants dbt_date) from the hub:
    # clone dbt-labs/dbt-utils (tag 1.3.3), metaplane/dbt-expectations and godatadriven/dbt-date,
    # and point packages.yml (and dbt_expectations' packages.yml) at them with `local:` entries
    pip install --no-deps dbt-bigquery==1.11.*  # plus google-cloud-bigquery etc., into the dbt venv
    # profiles.yml: calitp_warehouse -> prod: {type: bigquery, method: oauth,
    #                                          project: cal-itp-data-infra, dataset: staging}
    dbt deps && dbt parse --no-partial-parse --target prod   # never connects; ~12 MB manifest.json

then ``--real warehouse/target/manifest.json``. (``dbt compile`` would need BigQuery credentials.)

Prints the parse time (not part of the analysis), the analysis time in total and per model (median,
p95, max over models, timed one by one), how many models fell back and why (top reasons). Target
(issue 12): the whole 5,000-model sync under 10 s, which leaves the analysis about 3 s.
``--profile`` prints the top functions of a cProfile run of the analysis.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import pstats
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

REPO = Path(__file__).resolve().parent.parent
REAL_DEFAULT = REPO / "bench" / "data" / "real_manifest.json.gz"


def measure(label: str, raw: bytes, profile: bool) -> None:
    from tessera.ingest.dbt import column_lineage, parse_manifest
    from tessera.ingest.dbt.column_lineage import analyse_model, analyse_project, dialect_for
    from tessera.ingest.dbt.sql_lineage import Parent

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
    lineage = analyse_project(project)
    total = time.perf_counter() - started
    print(f"  analyse_project           {total:7.2f} s  ({total / max(models, 1) * 1000:.2f} ms per model)")
    again = parse_manifest(raw)  # the next sync of an unchanged project, in the same process
    started = time.perf_counter()
    analyse_project(again)
    print(f"  again, models unchanged   {time.perf_counter() - started:7.2f} s (remembered analyses)")

    contracts = {
        uid: Parent.of(uid, list(a.schema.get("properties") or {}) or None)  # type: ignore[call-overload]
        for uid, a in project.assets.items()
    }
    dialect = dialect_for(project.adapter_type)
    times = []
    for uid, code in project.code.items():
        begin = time.perf_counter()
        analyse_model(project.assets[uid], code, project, contracts, dialect)
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
        analyse_project(project)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


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
    args = parser.parse_args(argv)
    raw = generate_manifest_bytes(models=args.models, columns=args.columns)
    measure(f"synthetic {args.models:,} x {args.columns}", raw, args.profile)
    if args.real and args.real.exists():
        data = args.real.read_bytes()
        measure(
            f"real: {args.real.name}",
            gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data,
            args.profile,
        )
    else:
        print(f"\n(no real manifest at {args.real}; pass --real PATH)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
