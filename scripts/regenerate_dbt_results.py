"""Regenerate the committed dbt result artifacts in ``tests/fixtures/dbt/results/`` with real dbt-core.

The tests never run dbt: they read what this script writes. It runs the ``quality`` fixture project
(``tests/fixtures/dbt/projects/quality``: a DuckDB project whose tests pass, warn, fail, error and get
skipped, and whose sources are fresh, late and stale) and keeps the artifacts:

- ``build/run_results.json`` + ``build/manifest.json.gz``: ``dbt build`` (run_results schema v6);
- ``test/run_results.json``: ``dbt test`` right after (same manifest, another invocation);
- ``freshness/sources.json``: ``dbt source freshness`` (sources schema v3);
- ``v5/`` (``--dbt-v5``: dbt 1.5-1.7, run_results v5) and ``v4/`` (``--dbt-v4``: dbt 1.0-1.4, run_results
  v4): ``dbt build`` by that older dbt, with its own manifest. Those versions read neither ``data_tests:``
  nor ``arguments:``, so the project's YAML is first rewritten in their spelling (:func:`legacy_yaml`);
  the tests are the same.

dbt is installed in its own virtual environment as described in ``scripts/regenerate_dbt_manifests.py``
(dbt-core 1.12.6, dbt-duckdb 1.11.1 produced ``build/``, ``test/`` and ``freshness/``); the older ones
install plainly with pip (dbt-core 1.7.19 + dbt-duckdb 1.7.5 made ``v5/``; dbt-core 1.4.9 + dbt-duckdb
1.4.2 made ``v4/``). Usage::

    python scripts/regenerate_dbt_results.py [--dbt /work/dbt-venv/bin/dbt]
        [--dbt-v5 /tmp/dbt17/bin/dbt] [--dbt-v4 /tmp/dbt14/bin/dbt]

Without ``--dbt-v5``/``--dbt-v4`` the committed ``v5/``/``v4/`` files are left as they are.

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
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PROJECT = REPO / "tests" / "fixtures" / "dbt" / "projects" / "quality"
OUT = REPO / "tests" / "fixtures" / "dbt" / "results"
SCRATCH = Path("/tmp/tessera-dbt-results")  # noqa: S108 - scratch copy of a committed project



def run(dbt: str, *args: str) -> None:
    """Run dbt in the scratch project; a non-zero exit is expected when tests fail."""
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    subprocess.run(  # noqa: S603 - a fixed command line
        [dbt, "--no-partial-parse", *args, "--profiles-dir", str(SCRATCH)],  # global flag first: dbt 1.4
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


def legacy_yaml(project: Path) -> None:
    """Rewrite the project's YAML in the spelling of dbt before 1.8: ``tests:`` for ``data_tests:``,
    and generic-test arguments beside ``config:`` instead of under ``arguments:``."""
    import yaml  # PyYAML: a dependency of Tessera itself

    def tests(entries: list[Any]) -> list[Any]:
        out = []
        for entry in entries:
            if isinstance(entry, dict):
                name, body = next(iter(entry.items()))
                body = dict(body or {})
                body.update(body.pop("arguments", None) or {})
                entry = {name: body}
            out.append(entry)
        return out

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                ("tests" if k == "data_tests" else k): tests(v) if k == "data_tests" else walk(v)
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    for path in project.rglob("*.yml"):
        if path.name in ("dbt_project.yml", "profiles.yml"):
            continue
        path.write_text(yaml.safe_dump(walk(yaml.safe_load(path.read_text())), sort_keys=False))


def older_build(dbt: str, version: str) -> None:
    """``dbt build`` by an older dbt on a legacy-spelled copy; its run_results and manifest under ``version``."""
    shutil.rmtree(SCRATCH, ignore_errors=True)
    shutil.copytree(PROJECT, SCRATCH)
    legacy_yaml(SCRATCH)
    run(dbt, "build")
    save(artifact("run_results.json"), version, "run_results.json")
    save(artifact("manifest.json"), version, "manifest.json.gz")


def main(argv: list[str] | None = None) -> int:
    """Run dbt on the fixture project and write the artifacts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dbt", default=shutil.which("dbt") or "dbt", help="path of the dbt executable")
    parser.add_argument("--dbt-v5", help="a dbt 1.5-1.7 executable: writes v5/ (run_results v5)")
    parser.add_argument("--dbt-v4", help="a dbt 1.0-1.4 executable: writes v4/ (run_results v4)")
    args = parser.parse_args(argv)
    shutil.rmtree(SCRATCH, ignore_errors=True)
    shutil.copytree(PROJECT, SCRATCH)
    run(args.dbt, "build")
    save(artifact("manifest.json"), "build", "manifest.json.gz")
    save(artifact("run_results.json"), "build", "run_results.json")
    run(args.dbt, "test")
    save(artifact("run_results.json"), "test", "run_results.json")
    run(args.dbt, "source", "freshness")
    save(artifact("sources.json"), "freshness", "sources.json")
    if args.dbt_v5:
        older_build(args.dbt_v5, "v5")
    if args.dbt_v4:
        older_build(args.dbt_v4, "v4")
    print(f"wrote {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
