"""Regenerate the committed dbt result artifacts in ``tests/fixtures/dbt/results/`` with real dbt-core.

The tests never run dbt: they read what this script writes. It runs the ``quality`` fixture project
(``tests/fixtures/dbt/projects/quality``: a DuckDB project whose tests pass, warn, fail, error and get
skipped, and whose sources are fresh, late and stale) and keeps the artifacts:

- ``build/run_results.json`` + ``build/manifest.json.gz``: ``dbt build`` (run_results schema v6);
- ``test/run_results.json``: ``dbt test`` right after (same manifest, another invocation);
- ``freshness/sources.json``: ``dbt source freshness`` (sources schema v3);
- ``v5/run_results.json``, ``v4/run_results.json`` + ``v4/manifest.json.gz``: derived from the v6 files for
  older dbt (see :func:`to_v5` and :func:`to_v4`), because the older dbt versions do not install here.

dbt is installed in its own virtual environment as described in ``scripts/regenerate_dbt_manifests.py``
(dbt-core 1.12.6, dbt-duckdb 1.11.1 produced the committed files). Usage::

    python scripts/regenerate_dbt_results.py [--dbt /work/dbt-venv/bin/dbt]

``dbt build`` exits non-zero on purpose (failing and erroring tests): the script checks the artifacts,
not the exit codes. Freshness is relative to the run (the fixture loads are ``current_timestamp`` minus
fixed ages), so the verdicts are the same whenever the script runs; times and ids differ.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PROJECT = REPO / "tests" / "fixtures" / "dbt" / "projects" / "quality"
OUT = REPO / "tests" / "fixtures" / "dbt" / "results"
SCRATCH = Path("/tmp/tessera-dbt-results")  # noqa: S108 - scratch copy of a committed project

sys.path.insert(0, str(Path(__file__).resolve().parent))
from regenerate_dbt_manifests import to_v7_layout  # noqa: E402


def run(dbt: str, *args: str) -> None:
    """Run dbt in the scratch project; a non-zero exit is expected when tests fail."""
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    subprocess.run(  # noqa: S603 - a fixed command line
        [dbt, *args, "--profiles-dir", str(SCRATCH), "--no-partial-parse"],
        cwd=SCRATCH,
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
    )


def save(data: Any, *parts: str) -> None:
    """Write ``data`` as indented JSON under ``OUT``."""
    path = OUT.joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=1, sort_keys=True) + "\n"
    if path.suffix == ".gz":  # manifests are large: gzip, with no name or time in the header
        path.write_bytes(gzip.compress(text.encode(), mtime=0))
    else:
        path.write_text(text)


def artifact(name: str) -> Any:
    """A JSON artifact of the last dbt command."""
    return json.loads((SCRATCH / "target" / name).read_text())


def to_v5(results: dict[str, Any]) -> dict[str, Any]:
    """run_results v6 -> v5 (dbt 1.5-1.7): no ``batch_results``/``overload_results``, no start time.

    Field differences read from the public schemas (schemas.getdbt.com/dbt/run-results/v5 and v6).
    """
    out = json.loads(json.dumps(results))
    out["metadata"]["dbt_schema_version"] = "https://schemas.getdbt.com/dbt/run-results/v5.json"
    out["metadata"]["dbt_version"] = "1.7.0"
    out["metadata"].pop("invocation_started_at", None)
    for entry in out["results"]:
        entry.pop("batch_results", None)
        entry.pop("overload_results", None)
    return out


def to_v4(results: dict[str, Any]) -> dict[str, Any]:
    """run_results v5 -> v4 (dbt 1.0-1.4): no ``compiled``, ``compiled_code``, ``relation_name``."""
    out = to_v5(results)
    out["metadata"]["dbt_schema_version"] = "https://schemas.getdbt.com/dbt/run-results/v4.json"
    out["metadata"]["dbt_version"] = "1.3.0"
    for entry in out["results"]:
        for key in ("compiled", "compiled_code", "relation_name"):
            entry.pop(key, None)
    return out


def main(argv: list[str] | None = None) -> int:
    """Run dbt on the fixture project and write the artifacts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dbt", default=shutil.which("dbt") or "dbt", help="path of the dbt executable")
    args = parser.parse_args(argv)
    shutil.rmtree(SCRATCH, ignore_errors=True)
    shutil.copytree(PROJECT, SCRATCH)
    run(args.dbt, "build")
    manifest, build = artifact("manifest.json"), artifact("run_results.json")
    save(manifest, "build", "manifest.json.gz")
    save(build, "build", "run_results.json")
    run(args.dbt, "test")
    save(artifact("run_results.json"), "test", "run_results.json")
    run(args.dbt, "source", "freshness")
    save(artifact("sources.json"), "freshness", "sources.json")
    save(to_v5(build), "v5", "run_results.json")
    save(to_v4(build), "v4", "run_results.json")
    save(to_v7_layout(manifest), "v4", "manifest.json.gz")
    print(f"wrote {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
