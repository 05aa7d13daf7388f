"""Regenerate the column-lineage fixture manifests (``tests/fixtures/dbt/manifests/lineage__*.json.gz``).

Same approach and dbt installation as ``regenerate_dbt_manifests.py`` (read its docstring): real dbt-core
1.12.6 with dbt-duckdb 1.11.1 in its own venv, never the project's. The project is
``tests/fixtures/dbt/projects/lineage`` (no packages). Every variant is produced by ``dbt parse``
(``raw_code`` only); ``base_compiled`` is the base project through ``dbt compile`` (``compiled_code`` too),
which opens a scratch duckdb file but needs no tables. See ``tests/fixtures/dbt/projects/lineage/README.md``
for the scenario each variant stands for.

Usage::

    python scripts/regenerate_dbt_lineage_manifests.py [--dbt /work/dbtvenv/bin/dbt] [--only VARIANT ...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from regenerate_dbt_manifests import Change, Edit, apply_change, write_manifest

REPO = Path(__file__).resolve().parent.parent
PROJECT = REPO / "tests" / "fixtures" / "dbt" / "projects" / "lineage"
SCRATCH = Path("/tmp/tessera-dbt-lineage-fixtures")  # noqa: S108 - scratch copies of a committed project

STAGING = "models/staging/_staging.yml"

# name -> (dbt command, edits)
VARIANTS: dict[str, tuple[str, tuple[Change, ...]]] = {
    "base": ("parse", ()),
    "base_compiled": ("compile", ()),
    # (a) stg_customers.loyalty_code goes; only growth's loyalty_members reads it.
    "dropped_loyalty_code": (
        "parse",
        (
            Edit("models/staging/stg_customers.sql", "    loyalty_code,\n", ""),
            Edit(STAGING, "      - {name: loyalty_code, data_type: varchar}\n", ""),
        ),
    ),
    # (b) stg_payments.amount numeric(12,2) -> double; finance's order_totals.total derives from it and
    # marketing's big_orders reads order_totals.total.
    "retyped_amount": (
        "parse",
        (
            Edit(
                "models/staging/stg_payments.sql", "    amount,\n", "    cast(amount as double) as amount,\n"
            ),
            Edit(STAGING, '{name: amount, data_type: "numeric(12,2)"}', "{name: amount, data_type: double}"),
        ),
    ),
    # (c) stg_payments.paid_at goes; read by audit's `select *` model and finance's payments_daily.
    "dropped_paid_at": (
        "parse",
        (
            Edit("models/staging/stg_payments.sql", ",\n    created_at as paid_at\n", "\n"),
            Edit(STAGING, "      - {name: paid_at, data_type: timestamp}\n", ""),
        ),
    ),
    # (d) stg_orders.channel goes; no SQL model names it, but crm_order_status's select list is a macro.
    "dropped_channel": (
        "parse",
        (
            Edit("models/staging/stg_orders.sql", "    channel,\n", ""),
            Edit(STAGING, "      - {name: channel, data_type: varchar}\n", ""),
        ),
    ),
    # (e) order_totals.avg_amount is computed differently (same type); marketing's big_orders reads it.
    "changed_avg_amount": (
        "parse",
        (
            Edit(
                "models/finance/order_totals.sql", "avg(amount) as avg_amount", "median(amount) as avg_amount"
            ),
        ),
    ),
}


def run_variant(dbt: str, name: str, command: str, changes: tuple[Change, ...]) -> bytes:
    """Copy the project, apply ``changes``, run real dbt and return the manifest bytes."""
    work = SCRATCH / name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("target", "logs", "*.duckdb", "*.duckdb.wal")
    project = work / "lineage"
    shutil.copytree(PROJECT, project, ignore=ignore)
    for change in changes:
        apply_change(project, change)
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DBT_PROFILES_DIR": str(project)}
    result = subprocess.run(  # noqa: S603 - a fixed command line
        [dbt, command, "--no-partial-parse"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"dbt {command} failed for {name}:\n{result.stdout}\n{result.stderr}")
    return (project / "target" / "manifest.json").read_bytes()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dbt", default=os.environ.get("DBT", "/work/dbtvenv/bin/dbt"), help="dbt executable"
    )
    parser.add_argument("--only", nargs="*", help="variants to regenerate (default: all)")
    args = parser.parse_args(argv)
    if shutil.which(args.dbt) is None:
        print(
            f"dbt not found at {args.dbt}; see regenerate_dbt_manifests.py for how to install it",
            file=sys.stderr,
        )
        return 2
    for name in args.only or list(VARIANTS):
        command, changes = VARIANTS[name]
        data = run_variant(args.dbt, name, command, changes)
        print(
            f"{write_manifest(name, data, 'lineage').relative_to(REPO)}: {len(data):,} bytes of JSON (dbt {command})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
