"""Generate realistic synthetic dbt manifests (schema v12, the layout dbt-core 1.12 writes).

N models x M columns, plus: sources (some with dots in their names, some with freshness), staging /
intermediate / mart layers wired with ``depends_on`` (staging reads sources, later layers read earlier
ones), seeds, owners from a pool of teams (as e-mail strings, names and ``{name, email}`` objects, in
``meta`` or ``config.meta``) with contacts, generic tests (``not_null``, ``unique``,
``accepted_values``, ``relationships``), package tests (``dbt_utils``, ``dbt_expectations``), singular
tests, enforced contracts, exposures, macros, ``parent_map``/``child_map`` and all the volatile fields
(``created_at``, ``checksum``, ``raw_code`` ...). The output is deterministic for a given seed.

A 5,000 x 20 manifest is about 40 MB, like a large real project.

Usage::

    python bench/dbt_manifest_gen.py --models 5000 --columns 20 -o /tmp/big_manifest.json[.gz]

or ``from dbt_manifest_gen import generate_manifest`` (returns a dict) / ``generate_manifest_bytes``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import random
import sys
from pathlib import Path

import orjson

JsonDict = dict[str, object]

TYPES = (
    "varchar",
    "varchar(64)",
    "text",
    "integer",
    "bigint",
    "numeric(18,2)",
    "decimal(38,6)",
    "double",
    "boolean",
    "date",
    "timestamp",
    "timestamptz",
    "json",
    "array<varchar>",
    "struct<code varchar, amount numeric(12,2)>",
    "array<struct<sku varchar, qty integer>>",
)
STATUSES = ("new", "active", "paused", "closed", "archived", "deleted")
PERIODS = ("minute", "hour", "day")


def _checksum(text: str) -> JsonDict:
    return {"name": "sha256", "checksum": hashlib.sha256(text.encode()).hexdigest()}


def _column(name: str, data_type: str | None, description: str, constraints: list[JsonDict]) -> JsonDict:
    return {
        "name": name,
        "description": description,
        "meta": {},
        "data_type": data_type,
        "constraints": constraints,
        "quote": None,
        "tags": [],
        "granularity": None,
    }


def _node_config(materialized: str, meta: JsonDict, tags: list[str], enforced: bool) -> JsonDict:
    return {
        "enabled": True,
        "alias": None,
        "schema": None,
        "database": None,
        "tags": tags,
        "meta": meta,
        "group": None,
        "static_analysis": None,
        "materialized": materialized,
        "incremental_strategy": None,
        "batch_size": None,
        "lookback": 1,
        "begin": None,
        "persist_docs": {},
        "post-hook": [],
        "pre-hook": [],
        "quoting": {},
        "column_types": {},
        "full_refresh": None,
        "unique_key": None,
        "on_schema_change": "ignore",
        "on_configuration_change": "apply",
        "grants": {},
        "packages": [],
        "docs": {"show": True, "node_color": None},
        "contract": {"enforced": enforced, "alias_types": True},
        "event_time": None,
        "concurrent_batches": None,
        "access": "protected",
        "freshness": None,
        "on_error": None,
        "latest_version_pointer": {"enabled": None, "alias": None},
    }


class _Generator:
    def __init__(self, models: int, columns: int, seed: int, project: str, teams: int) -> None:
        self.rng = random.Random(seed)
        self.models, self.columns, self.project = models, columns, project
        self.clock = 1_795_000_000.0
        self.teams = [self._team(i) for i in range(teams)]
        self.nodes: dict[str, JsonDict] = {}
        self.sources: dict[str, JsonDict] = {}
        self.exposures: dict[str, JsonDict] = {}
        self.parents: dict[str, list[str]] = {}

    def _team(self, i: int) -> JsonDict:
        name = f"team_{i:02d}"
        email = f"{name}@corp.example"
        style = i % 3
        owner: object = (
            email if style == 0 else name if style == 1 else {"name": name.title(), "email": email}
        )
        return {"owner": owner, "contact": f"#{name}-alerts"}

    def _now(self) -> float:
        self.clock += 0.000137
        return round(self.clock, 6)

    def _meta(self) -> JsonDict:
        team = self.rng.choice(self.teams)
        return {
            "owner": team["owner"],
            "contact": team["contact"],
            "tier": self.rng.choice(("gold", "silver")),
        }

    def _columns(self, enforced: bool) -> dict[str, JsonDict]:
        out: dict[str, JsonDict] = {}
        for j in range(self.columns):
            name = "id" if j == 0 else "parent_id" if j == 1 else "status" if j == 2 else f"col_{j:02d}"
            data_type: str | None = (
                "integer" if j < 2 else "varchar(16)" if j == 2 else self.rng.choice(TYPES)
            )
            if j > 2 and self.rng.random() < 0.05:
                data_type = None  # undeclared: an unknown type
            constraints: list[JsonDict] = (
                [
                    {
                        "type": "not_null",
                        "name": None,
                        "expression": None,
                        "warn_unenforced": True,
                        "warn_unsupported": True,
                        "to": None,
                        "to_columns": [],
                    }
                ]
                if enforced and j < 2
                else []
            )
            description = f"The {name.replace('_', ' ')} of the row." if self.rng.random() < 0.2 else ""
            out[name] = _column(name, data_type, description, constraints)
        return out

    def build(self) -> JsonDict:
        n_sources = max(1, self.models // 10)
        source_ids = [self._source(i) for i in range(n_sources)]
        seed_ids = [self._seed(i) for i in range(max(1, self.models // 250))]
        staging_end, intermediate_end = int(self.models * 0.3), int(self.models * 0.6)
        model_ids: list[str] = []
        for i in range(self.models):
            if i < staging_end or not model_ids:
                layer, parents = "staging", [source_ids[i % n_sources]]
            elif i < intermediate_end:
                layer = "intermediate"
                parents = self.rng.sample(model_ids[:staging_end], k=min(2, len(model_ids[:staging_end])))
            else:
                layer = "marts"
                parents = self.rng.sample(model_ids, k=min(3, len(model_ids)))
                if self.rng.random() < 0.1:
                    parents.append(self.rng.choice(seed_ids))
            model_ids.append(self._model(i, layer, parents))
        marts = model_ids[intermediate_end:] or model_ids
        for i in range(max(1, self.models // 50)):
            self._exposure(i, self.rng.sample(marts, k=min(3, len(marts))))
        for i in range(max(1, self.models // 50)):
            self._singular_test(i, self.rng.sample(model_ids, k=min(2, len(model_ids))))
        return self._manifest()

    def _source(self, i: int) -> str:
        source_name = f"erp.region_{i % 7}" if i % 5 == 0 else f"raw_app_{i % 23}"
        table = f"table_{i:05d}"
        uid = f"source.{self.project}.{source_name}.{table}"
        freshness = (
            {
                "warn_after": {"count": 12, "period": "hour"},
                "error_after": {"count": 1, "period": "day"},
                "filter": None,
            }
            if i % 3 == 0
            else {
                "warn_after": {"count": None, "period": None},
                "error_after": {"count": None, "period": None},
                "filter": None,
            }
        )
        meta = self._meta()
        self.sources[uid] = {
            "database": "analytics",
            "schema": source_name.replace(".", "_"),
            "name": table,
            "resource_type": "source",
            "package_name": self.project,
            "path": "models/staging/_sources.yml",
            "original_file_path": "models/staging/_sources.yml",
            "unique_id": uid,
            "fqn": [self.project, "staging", source_name, table],
            "source_name": source_name,
            "source_description": "Replicated from the operational database.",
            "loader": "fivetran",
            "identifier": table.upper() if i % 4 == 0 else table,
            "quoting": {"database": None, "schema": None, "identifier": None, "column": None},
            "loaded_at_field": "_loaded_at",
            "loaded_at_query": None,
            "freshness": freshness,
            "external": None,
            "description": f"Source table {table}.",
            "meta": meta,
            "source_meta": {},
            "tags": ["source"],
            "config": {
                "enabled": True,
                "event_time": None,
                "freshness": freshness,
                "loaded_at_field": "_loaded_at",
                "loaded_at_query": None,
                "meta": meta,
                "tags": ["source"],
                "static_analysis": None,
            },
            "patch_path": None,
            "unrendered_config": {"meta": meta},
            "relation_name": f'"analytics"."{source_name}"."{table}"',
            "created_at": self._now(),
            "unrendered_database": None,
            "unrendered_schema": None,
            "doc_blocks": [],
            "columns": self._columns(False),
        }
        self._test(uid, "not_null", "id", {}, None)
        return uid

    def _seed(self, i: int) -> str:
        name = f"seed_lookup_{i:03d}"
        uid = f"seed.{self.project}.{name}"
        self.nodes[uid] = self._base_node(uid, name, "seed", "seeds", "", False, [])
        self.nodes[uid]["config"]["materialized"] = "seed"  # type: ignore[index]
        self._test(uid, "unique", "id", {}, None)
        return uid

    def _base_node(
        self,
        uid: str,
        name: str,
        resource_type: str,
        folder: str,
        raw_code: str,
        enforced: bool,
        parents: list[str],
    ) -> JsonDict:
        meta = self._meta()
        tags = [folder] + (["pii"] if self.rng.random() < 0.1 else [])
        in_config = self.rng.random() < 0.5  # dbt >= 1.10 keeps meta in config; older styles at top level
        self.parents[uid] = parents
        return {
            "database": "analytics",
            "schema": folder,
            "name": name,
            "resource_type": resource_type,
            "package_name": self.project,
            "path": f"{folder}/{name}.sql",
            "original_file_path": f"models/{folder}/{name}.sql",
            "unique_id": uid,
            "fqn": [self.project, folder, name],
            "alias": name,
            "checksum": _checksum(raw_code + name),
            "config": _node_config(
                "table" if folder == "marts" else "view", meta if in_config else {}, tags, enforced
            ),
            "tags": tags,
            "description": f"The {name} model, maintained by its owner team.",
            "columns": self._columns(enforced),
            "meta": meta,
            "group": None,
            "docs": {"show": True, "node_color": None},
            "patch_path": f"{self.project}://models/{folder}/_{folder}.yml",
            "build_path": None,
            "unrendered_config": {"materialized": "table"},
            "created_at": self._now(),
            "relation_name": f'"analytics"."{folder}"."{name}"',
            "raw_code": raw_code,
            "doc_blocks": [],
            "language": "sql",
            "refs": [],
            "sources": [],
            "metrics": [],
            "functions": [],
            "depends_on": {"macros": ["macro.dbt.is_incremental"], "nodes": parents},
            "compiled_path": None,
            "contract": {"enforced": enforced, "alias_types": True, "checksum": None},
            "access": "protected",
            "constraints": [],
            "version": None,
            "latest_version": None,
            "deprecation_date": None,
            "primary_key": ["id"],
            "time_spine": None,
        }

    def _model(self, i: int, layer: str, parents: list[str]) -> str:
        prefix = {"staging": "stg", "intermediate": "int", "marts": "fct"}[layer]
        name = f"{prefix}_entity_{i:05d}"
        uid = f"model.{self.project}.{name}"
        raw_code = self._sql(i, layer, parents)
        enforced = layer == "marts" and i % 10 == 0
        self.nodes[uid] = self._base_node(uid, name, "model", layer, raw_code, enforced, parents)
        # About 1.8 tests per model, the ratio seen in large real projects.
        roll = self.rng.random
        self._test(uid, "unique", "id", {}, None)
        if roll() < 0.3:
            self._test(uid, "not_null", "id", {}, None)
        if roll() < 0.2:
            self._test(uid, "accepted_values", "status", {"values": list(STATUSES[: 3 + i % 4])}, None)
        parent = parents[0]
        if not parent.startswith("source.") and roll() < 0.15:
            to = f"ref('{self._name_of(parent)}')"
            self._test(
                uid, "relationships", "parent_id", {"to": to, "field": "id"}, None, extra_parent=parent
            )
        if roll() < 0.08:
            self._test(
                uid,
                "expression_is_true",
                None,
                {"expression": "col_03 is not null or status = 'new'"},
                "dbt_utils",
            )
        if roll() < 0.05:
            self._test(
                uid, "expect_table_row_count_to_be_between", None, {"min_value": 1}, "dbt_expectations"
            )
        if roll() < 0.04:
            args = {"min_value": 0, "max_value": 1000, "row_condition": "status != 'deleted'"}
            self._test(uid, "expect_column_values_to_be_between", "col_04", args, "dbt_expectations")
        return uid

    def _relation(self, uid: str) -> str:
        if uid.startswith("source."):
            source = self.sources[uid]
            return f"{{{{ source('{source['source_name']}', '{source['name']}') }}}}"
        return f"{{{{ ref('{self._name_of(uid)}') }}}}"

    def _sql(self, i: int, layer: str, parents: list[str]) -> str:
        """Realistic model SQL: import CTEs, renames, casts, joins, filters, aggregates, windows,
        ``select *`` sometimes, an incremental filter sometimes, a macro-made select list sometimes.

        A separate random stream keeps the rest of the manifest identical to earlier generator versions.
        """
        rng = random.Random(i * 7919 + len(parents))
        names = ["id", "parent_id", "status", *(f"col_{j:02d}" for j in range(3, self.columns))]
        names = names[: self.columns]
        if layer == "staging":
            items = []
            for name in names:
                roll = rng.random()
                if name == "status":
                    items.append("lower(status) as status")
                elif roll < 0.15:
                    items.append(f"cast({name} as varchar) as {name}")
                elif roll < 0.25:
                    items.append(f"nullif(trim({name}), '') as {name}")
                else:
                    items.append(name)
            select = ",\n        ".join(items)
            return (
                f"with source as (\n    select * from {self._relation(parents[0])}\n),\n\n"
                f"renamed as (\n    select\n        {select}\n    from source\n"
                "    where id is not null\n)\n\nselect * from renamed\n"
            )
        style = i % 10
        first = parents[0]
        if style == 0:
            return f"select * from {self._relation(first)}\n"
        if style == 1:
            return (
                f"select {{{{ dbt_utils.star(from=ref('{self._name_of(first)}'), except=['col_03']) }}}}\n"
                f"from {self._relation(first)}\n"
            )
        ctes = ",\n".join(
            f"t{k} as (\n    select * from {self._relation(p)}"
            + ("\n    where status <> 'deleted'" if k == 0 else "")
            + "\n)"
            for k, p in enumerate(parents)
        )
        joins = "".join(f"\nleft join t{k} on t{k}.id = t0.id" for k in range(1, len(parents)))
        if style == 2:
            items = ["t0.id", "max(t0.parent_id) as parent_id", "min(t0.status) as status"]
            for name in names[3:]:
                k = rng.randrange(len(parents))
                agg = rng.choice(("max", "min", "count"))
                items.append(f"{agg}(t{k}.{name}) as {name}")
            select = ",\n    ".join(items)
            return (
                f"with {ctes}\n\nselect\n    {select}\nfrom t0{joins}\ngroup by t0.id\nhaving count(*) > 0\n"
            )
        items = ["t0.id", "t0.parent_id", "t0.status"]
        for name in names[3:]:
            k = rng.randrange(len(parents))
            roll = rng.random()
            if roll < 0.1:
                items.append(f"coalesce(t{k}.{name}, t0.{name}) as {name}")
            elif roll < 0.15:
                items.append(f"row_number() over (partition by t0.parent_id order by t{k}.{name}) as {name}")
            elif roll < 0.2:
                items.append(f"{{{{ cents_to_dollars('{name}') }}}} as {name}")
            else:
                items.append(f"t{k}.{name}")
        select = ",\n    ".join(items)
        where = "\nwhere t0.id is not null"
        if style == 3:
            where += (
                "\n{% if is_incremental() %}"
                "\n  and t0.col_03 > (select max(col_03) from {{ this }})\n{% endif %}"
            )
        return f"with {ctes}\n\nselect\n    {select}\nfrom t0{joins}{where}\n"

    def _name_of(self, uid: str) -> str:
        node = self.nodes.get(uid) or self.sources[uid]
        return str(node["name"])

    def _test(
        self,
        target: str,
        name: str,
        column: str | None,
        args: JsonDict,
        namespace: str | None,
        extra_parent: str | None = None,
    ) -> None:
        target_name = self._name_of(target)
        model = (
            f"{{{{ get_where_subquery(source('{self.sources[target]['source_name']}', '{target_name}')) }}}}"
            if target.startswith("source.")
            else f"{{{{ get_where_subquery(ref('{target_name}')) }}}}"
        )
        kwargs: JsonDict = {**({"column_name": column} if column else {}), **args, "model": model}
        prefix = f"{namespace}_" if namespace else ""
        macro = f"{namespace}.test_{name}" if namespace else f"test_{name}"
        test_name = f"{prefix}{name}_{target_name}_{column or ''}".rstrip("_")
        digest = hashlib.md5(repr(sorted(kwargs.items())).encode()).hexdigest()[:10]
        uid = f"test.{self.project}.{test_name}.{digest}"
        parents = [target] + ([extra_parent] if extra_parent else [])
        self.parents[uid] = parents
        self.nodes[uid] = {
            "database": "analytics",
            "schema": "dbt_test__audit",
            "name": test_name,
            "resource_type": "test",
            "package_name": self.project,
            "path": f"{test_name}.sql",
            "original_file_path": "models/schema.yml",
            "unique_id": uid,
            "fqn": [self.project, test_name],
            "alias": test_name,
            "checksum": {"name": "none", "checksum": ""},
            "config": {
                "enabled": True,
                "alias": None,
                "schema": "dbt_test__audit",
                "database": None,
                "tags": [],
                "meta": {},
                "group": None,
                "materialized": "test",
                "severity": "warn" if column == "status" else "ERROR",
                "store_failures": None,
                "where": None,
                "limit": None,
                "fail_calc": "count(*)",
                "warn_if": "!= 0",
                "error_if": "!= 0",
            },
            "tags": [],
            "description": "",
            "columns": {},
            "meta": {},
            "group": None,
            "docs": {"show": True, "node_color": None},
            "patch_path": None,
            "build_path": None,
            "unrendered_config": {},
            "created_at": self._now(),
            "relation_name": None,
            "raw_code": f"{{{{ {macro}(**_dbt_generic_test_kwargs) }}}}",
            "doc_blocks": [],
            "language": "sql",
            "refs": [],
            "sources": [],
            "metrics": [],
            "functions": [],
            "depends_on": {
                "macros": [f"macro.{namespace or 'dbt'}.test_{name}", "macro.dbt.get_where_subquery"],
                "nodes": parents,
            },
            "compiled_path": None,
            "contract": {"enforced": False, "alias_types": True, "checksum": None},
            "column_name": column,
            "file_key_name": f"models.{target_name}",
            "attached_node": target,
            "test_metadata": {"name": name, "kwargs": kwargs, "namespace": namespace},
        }

    def _singular_test(self, i: int, parents: list[str]) -> None:
        name = f"assert_consistent_{i:04d}"
        uid = f"test.{self.project}.{name}"
        self.parents[uid] = parents
        self.nodes[uid] = {
            "database": "analytics",
            "schema": "dbt_test__audit",
            "name": name,
            "resource_type": "test",
            "package_name": self.project,
            "path": f"{name}.sql",
            "original_file_path": f"tests/{name}.sql",
            "unique_id": uid,
            "fqn": [self.project, name],
            "alias": name,
            "checksum": _checksum(name),
            "config": {
                "enabled": True,
                "materialized": "test",
                "severity": "ERROR",
                "where": None,
                "meta": {},
                "tags": [],
            },
            "tags": [],
            "description": "",
            "columns": {},
            "meta": {},
            "created_at": self._now(),
            "raw_code": "select 1 from {{ ref('a') }} where false",
            "depends_on": {"macros": [], "nodes": parents},
            "refs": [],
            "sources": [],
            "language": "sql",
        }

    def _exposure(self, i: int, parents: list[str]) -> None:
        name = f"dashboard_{i:04d}"
        uid = f"exposure.{self.project}.{name}"
        team = self.rng.choice(self.teams)
        owner = team["owner"]
        owner_obj = (
            owner
            if isinstance(owner, dict)
            else ({"email": owner, "name": None} if "@" in str(owner) else {"name": owner, "email": None})
        )
        self.exposures[uid] = {
            "name": name,
            "resource_type": "exposure",
            "package_name": self.project,
            "path": "exposures.yml",
            "original_file_path": "models/exposures.yml",
            "unique_id": uid,
            "fqn": [self.project, name],
            "type": "dashboard",
            "owner": owner_obj,
            "description": "",
            "label": name.title(),
            "maturity": "high",
            "meta": {},
            "tags": [],
            "config": {"enabled": True, "tags": [], "meta": {}},
            "unrendered_config": {},
            "url": f"https://bi.corp.example/{name}",
            "depends_on": {"macros": [], "nodes": parents},
            "refs": [],
            "sources": [],
            "metrics": [],
            "created_at": self._now(),
        }
        self.parents[uid] = parents

    def _macros(self) -> dict[str, JsonDict]:
        macros: dict[str, JsonDict] = {}
        for i in range(max(50, min(600, self.models // 8))):
            name = f"helper_{i:04d}"
            uid = f"macro.{'dbt' if i % 2 else self.project}.{name}"
            sql = f"{{% macro {name}(column) %}}\n  coalesce({{{{ column }}}}, 0) + {i}\n{{% endmacro %}}"
            macros[uid] = {
                "name": name,
                "resource_type": "macro",
                "package_name": uid.split(".")[1],
                "path": f"macros/{name}.sql",
                "original_file_path": f"macros/{name}.sql",
                "unique_id": uid,
                "macro_sql": sql,
                "depends_on": {"macros": []},
                "description": "",
                "meta": {},
                "docs": {"show": True, "node_color": None},
                "config": {"meta": {}, "docs": {"show": True, "node_color": None}},
                "patch_path": None,
                "arguments": [],
                "created_at": self._now(),
                "supported_languages": None,
            }
        return macros

    def _manifest(self) -> JsonDict:
        children: dict[str, list[str]] = {uid: [] for uid in [*self.nodes, *self.sources, *self.exposures]}
        for child, parents in self.parents.items():
            for parent in parents:
                children.setdefault(parent, []).append(child)
        return {
            "metadata": {
                "dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json",
                "dbt_version": "1.12.6",
                "generated_at": "2026-01-01T00:00:00.000000Z",
                "invocation_id": "00000000-0000-4000-8000-000000000000",
                "invocation_started_at": "2026-01-01T00:00:00Z",
                "env": {},
                "project_name": self.project,
                "project_id": hashlib.md5(self.project.encode()).hexdigest(),
                "user_id": None,
                "send_anonymous_usage_stats": False,
                "adapter_type": "snowflake",
                "quoting": {"database": True, "schema": True, "identifier": True, "column": None},
                "run_started_at": "2026-01-01T00:00:00+00:00",
            },
            "nodes": self.nodes,
            "sources": self.sources,
            "macros": self._macros(),
            "docs": {},
            "exposures": self.exposures,
            "metrics": {},
            "groups": {},
            "selectors": {},
            "disabled": {},
            "parent_map": {uid: sorted(parents) for uid, parents in self.parents.items()},
            "child_map": {uid: sorted(kids) for uid, kids in children.items()},
            "group_map": {},
            "saved_queries": {},
            "semantic_models": {},
            "unit_tests": {},
            "functions": {},
        }


def generate_manifest(
    models: int = 5000, columns: int = 20, *, seed: int = 0, project: str = "bigshop", teams: int = 12
) -> JsonDict:
    """Return a synthetic manifest (a JSON-ready dict) with ``models`` models of ``columns`` columns."""
    return _Generator(models, columns, seed, project, teams).build()


def generate_manifest_bytes(
    models: int = 5000, columns: int = 20, *, seed: int = 0, gzipped: bool = False
) -> bytes:
    """The synthetic manifest serialised as JSON bytes (gzip-compressed when ``gzipped``)."""
    data = orjson.dumps(generate_manifest(models, columns, seed=seed))
    return gzip.compress(data, mtime=0) if gzipped else data


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: write a manifest to ``--output`` (``.gz`` to compress) or stdout."""
    parser = argparse.ArgumentParser(description="Generate a synthetic dbt manifest.json")
    parser.add_argument("--models", type=int, default=5000)
    parser.add_argument("--columns", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", type=Path, help="output file; .gz compresses; default stdout")
    args = parser.parse_args(argv)
    gzipped = args.output is not None and args.output.suffix == ".gz"
    data = generate_manifest_bytes(args.models, args.columns, seed=args.seed, gzipped=gzipped)
    if args.output is None:
        sys.stdout.buffer.write(data)
    else:
        args.output.write_bytes(data)
        print(f"{args.output}: {len(data) / 1e6:.1f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
