"""Regenerate the committed dbt manifests in ``tests/fixtures/dbt/manifests/`` with real dbt-core.

The tests never run dbt: they read the gzipped manifests this script writes. Run it again only when the
fixture projects or the variants below change, then review the test expectations.

How dbt must be installed (this script installs nothing)
--------------------------------------------------------
dbt lives in its OWN virtual environment, never in the project's venv. What worked on the project's
machines (offline apart from the package registry)::

    python3 -m venv /work/dbt-venv
    /work/dbt-venv/bin/pip install agate 'click>=8.3' daff 'dbt-adapters>=1.24.5' 'dbt-common>=1.37.5' \\
        dbt-extractor dbt-protos jinja2 jsonschema 'mashumaro[msgpack]' 'metricflow>=0.213' networkx \\
        opentelemetry-api packaging pathspec protobuf pydantic python-dotenv pytz pyyaml requests \\
        snowplow-tracker sqlparse typing-extensions duckdb
    /work/dbt-venv/bin/pip install --no-deps dbt-core==1.12.6 dbt-duckdb==1.11.1

(``pip install dbt-core`` 1.12 on its own fails offline: its ``dbt-core-experimental-parser``
requirement downloads a binary while building; it only backs the opt-in ``--use-v2-parser`` flag.)
This produced the committed manifests with dbt-core 1.12.6 and dbt-duckdb 1.11.1 (manifest schema v12).

Usage::

    python scripts/regenerate_dbt_manifests.py [--dbt /work/dbt-venv/bin/dbt] [--only VARIANT ...]

What it does, per variant: copy ``tests/fixtures/dbt/projects/shop`` (and its local package
``shop_utils``) into a scratch directory, apply the variant's edits, run ``dbt deps`` (a local package:
no network) and ``dbt parse --no-partial-parse`` with ``DBT_SEND_ANONYMOUS_USAGE_STATS=false`` and the
duckdb profile kept in the project (parse never connects), then write ``target/manifest.json`` gzipped
as ``shop__<variant>.json.gz``. ``base_reparse`` is the base project parsed a second time (a no-op).

Finally ``shop__v7_layout.json.gz`` is derived from the base manifest by :func:`to_v7_layout`, which
rewrites it into the older layout of manifest schema v7 (dbt 1.3): no ``attached_node`` on tests, no
``metadata.project_name``, no contracts/constraints/access/versions, no top-level collections that v7
did not have.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PROJECTS = REPO / "tests" / "fixtures" / "dbt" / "projects"
OUT = REPO / "tests" / "fixtures" / "dbt" / "manifests"
# A fixed scratch path keeps any path dbt might embed identical between regenerations.
SCRATCH = Path("/tmp/tessera-dbt-fixtures")  # noqa: S108 - scratch copies of committed projects


@dataclass(frozen=True)
class Edit:
    """Replace exactly one occurrence of ``old`` with ``new`` in ``path`` (relative to the project)."""

    path: str
    old: str
    new: str


@dataclass(frozen=True)
class Rename:
    """Move a file inside the project."""

    old_path: str
    new_path: str


@dataclass(frozen=True)
class Write:
    """Create (or overwrite) a file inside the project."""

    path: str
    content: str


Change = Edit | Rename | Write

STAGING = "models/staging/_staging.yml"
MARTS = "models/marts/_marts.yml"

VARIANTS: dict[str, tuple[Change, ...]] = {
    "base": (),
    "base_reparse": (),
    # fct_orders loses its country_code column (SQL and properties).
    "dropped_column": (
        Edit("models/marts/fct_orders.sql", "    c.country_code,\n", ""),
        Edit(
            MARTS,
            "      - name: country_code\n        data_type: varchar(2)\n      - name: status",
            "      - name: status",
        ),
    ),
    # fct_orders.customer_id: integer -> varchar.
    "type_change": (
        Edit(
            MARTS,
            "      - name: customer_id\n        data_type: integer\n        constraints:",
            "      - name: customer_id\n        data_type: varchar\n        constraints:",
        ),
    ),
    # stg_orders.customer_id loses its not_null test (its relationships test stays).
    "removed_not_null": (
        Edit(
            STAGING,
            "        data_type: integer\n        data_tests:\n"
            "          - not_null\n          - relationships:",
            "        data_type: integer\n        data_tests:\n          - relationships:",
        ),
    ),
    # stg_orders.status accepts one more value (old, top-level `values:` syntax).
    "widened_accepted_values": (
        Edit(
            STAGING,
            "values: ['placed', 'shipped', 'returned']",
            "values: ['placed', 'shipped', 'returned', 'cancelled']",
        ),
    ),
    # dim_customers becomes dim_customer: file, properties, the relationships test and the exposure.
    "renamed_model": (
        Rename("models/marts/dim_customers.sql", "models/marts/dim_customer.sql"),
        Edit(MARTS, "  - name: dim_customers\n", "  - name: dim_customer\n"),
        Edit(MARTS, "to: ref('dim_customers')", "to: ref('dim_customer')"),
        Edit("models/marts/_exposures.yml", "ref('dim_customers')", "ref('dim_customer')"),
    ),
    # stg_orders gains a nullable `discount` column without tests.
    "added_nullable_column": (
        Edit("models/staging/stg_orders.sql", "    amount,\n", "    amount,\n    discount,\n"),
        Edit(
            STAGING,
            "      - name: ordered_at\n        data_type: timestamp\n      - name: items",
            "      - name: discount\n        description: Discount granted, if any.\n"
            "        data_type: numeric(12,2)\n"
            "      - name: ordered_at\n        data_type: timestamp\n      - name: items",
        ),
    ),
    # The finance team starts reading the ingestion team's raw.orders source directly.
    "new_source_consumer": (
        Write(
            "models/marts/finance_order_audit.sql",
            "select order_id, amount\nfrom {{ source('raw', 'orders') }}\nwhere amount < 0\n",
        ),
        Write(
            "models/marts/_finance_audit.yml",
            "version: 2\nmodels:\n  - name: finance_order_audit\n    meta:\n      owner: finance\n"
            "    columns:\n      - name: order_id\n        data_type: integer\n"
            "      - name: amount\n        data_type: numeric(12,2)\n",
        ),
    ),
    # The staging owner is written as an object instead of an e-mail string (same team).
    "owner_as_object": (
        Edit(
            "dbt_project.yml",
            "      +meta:\n        owner: platform@shop.example\n        contact:",
            "      +meta:\n        owner:\n          name: Platform\n          email: platform@shop.example\n"
            "        contact:",
        ),
    ),
}


def apply_change(root: Path, change: Change) -> None:
    """Apply one edit to the project copy at ``root``; an edit that does not match exactly once fails."""
    if isinstance(change, Edit):
        target = root / change.path
        text = target.read_text()
        if text.count(change.old) != 1:
            raise SystemExit(f"edit does not match exactly once in {change.path}: {change.old!r}")
        target.write_text(text.replace(change.old, change.new))
    elif isinstance(change, Rename):
        (root / change.old_path).rename(root / change.new_path)
    else:
        (root / change.path).write_text(change.content)


def parse_variant(dbt: str, name: str, changes: tuple[Change, ...]) -> bytes:
    """Copy the project, apply ``changes``, run real dbt and return the manifest bytes."""
    work = SCRATCH / name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("target", "dbt_packages", "logs", "package-lock.yml", "*.duckdb")
    shutil.copytree(PROJECTS / "shop", work / "shop", ignore=ignore)
    shutil.copytree(PROJECTS / "shop_utils", work / "shop_utils", ignore=ignore)
    project = work / "shop"
    for change in changes:
        apply_change(project, change)
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DBT_PROFILES_DIR": str(project)}
    for args in (["deps"], ["parse", "--no-partial-parse"]):
        result = subprocess.run(  # noqa: S603 - a fixed command line
            [dbt, *args], cwd=project, env=env, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise SystemExit(f"dbt {' '.join(args)} failed for {name}:\n{result.stdout}\n{result.stderr}")
    return (project / "target" / "manifest.json").read_bytes()


V7_DROPPED_NODE_KEYS = (
    "attached_node",
    "contract",
    "constraints",
    "access",
    "version",
    "latest_version",
    "deprecation_date",
    "primary_key",
    "time_spine",
    "group",
    "doc_blocks",
    "functions",
)
V7_TOP_LEVEL = (
    "metadata",
    "nodes",
    "sources",
    "macros",
    "docs",
    "exposures",
    "metrics",
    "selectors",
    "disabled",
    "parent_map",
    "child_map",
)


def to_v7_layout(manifest: dict[str, object]) -> dict[str, object]:
    """Rewrite a v12 manifest into the layout of manifest schema v7 (dbt 1.3).

    The transformation: keep only the top-level collections v7 had; in ``metadata`` set
    ``dbt_schema_version`` to v7 and ``dbt_version`` to 1.3.4 and drop ``project_name`` (v7 only had
    ``project_id``, the md5 of the name); in every node, source and exposure drop the keys v7 did not
    have (``attached_node``, ``contract``, ``constraints``, ``access``, versions, ...), and drop
    ``constraints`` from columns. Tests then attach to their models only through ``depends_on.nodes``
    and ``test_metadata.kwargs.model``, as in real dbt 1.3 manifests.
    """
    old = {key: manifest[key] for key in V7_TOP_LEVEL if key in manifest}
    metadata = dict(manifest["metadata"])  # type: ignore[call-overload]
    metadata["dbt_schema_version"] = "https://schemas.getdbt.com/dbt/manifest/v7.json"
    metadata["dbt_version"] = "1.3.4"
    metadata.pop("project_name", None)
    old["metadata"] = metadata

    def strip(node: dict[str, object]) -> dict[str, object]:
        out = {key: value for key, value in node.items() if key not in V7_DROPPED_NODE_KEYS}
        columns = out.get("columns")
        if isinstance(columns, dict):
            out["columns"] = {
                name: {
                    key: value for key, value in column.items() if key not in ("constraints", "granularity")
                }
                for name, column in columns.items()
            }
        config = out.get("config")
        if isinstance(config, dict):
            out["config"] = {key: value for key, value in config.items() if key not in ("contract", "access")}
        return out

    for collection in ("nodes", "sources", "exposures"):
        items = old.get(collection)
        if isinstance(items, dict):
            old[collection] = {uid: strip(node) for uid, node in items.items()}
    return old


def write_manifest(name: str, data: bytes, project: str = "shop") -> Path:
    """Write ``data`` gzipped with a zero mtime so unchanged manifests give identical files."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{project}__{name}.json.gz"
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(data)
    return path


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dbt", default=os.environ.get("DBT", "/work/dbt-venv/bin/dbt"), help="dbt executable"
    )
    parser.add_argument("--only", nargs="*", help="variants to regenerate (default: all)")
    args = parser.parse_args(argv)
    if shutil.which(args.dbt) is None:
        print(
            f"dbt not found at {args.dbt}; see this script's docstring for how to install it", file=sys.stderr
        )
        return 2
    selected = args.only or list(VARIANTS)
    for name in selected:
        data = parse_variant(args.dbt, name, VARIANTS[name])
        print(f"{write_manifest(name, data).relative_to(REPO)}: {len(data):,} bytes of JSON")
        if name == "base":
            v7 = to_v7_layout(json.loads(data))
            v7_bytes = json.dumps(v7, indent=2).encode()
            print(f"{write_manifest('v7_layout', v7_bytes).relative_to(REPO)}: derived from base")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
