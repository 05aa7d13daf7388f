"""Small helpers that build minimal manifest fragments for the dbt adapter's tests."""

from __future__ import annotations

import hashlib
from typing import Any

V12 = "https://schemas.getdbt.com/dbt/manifest/v12.json"


def manifest(
    *nodes: dict[str, Any], sources: tuple[dict[str, Any], ...] = (), **extra: Any
) -> dict[str, Any]:
    """A v12 manifest of project ``shop`` holding ``nodes`` and ``sources``."""
    metadata = {
        "dbt_schema_version": V12,
        "dbt_version": "1.12.6",
        "project_name": "shop",
        "adapter_type": "duckdb",
    }
    metadata.update(extra.pop("metadata", {}))
    return {
        "metadata": metadata,
        "nodes": {node["unique_id"]: node for node in nodes},
        "sources": {source["unique_id"]: source for source in sources},
        **extra,
    }


def model(
    name: str, *, columns: dict[str, str | None] | None = None, package: str = "shop", **fields: Any
) -> dict[str, Any]:
    """A model node; ``columns`` maps column names to data types."""
    node: dict[str, Any] = {
        "unique_id": f"model.{package}.{name}",
        "resource_type": "model",
        "name": name,
        "package_name": package,
        "database": "db",
        "schema": "main",
        "alias": name,
        "config": {"materialized": "table", "meta": {}, "tags": []},
        "columns": {
            col: {"name": col, "data_type": dtype, "description": ""}
            for col, dtype in (columns or {}).items()
        },
        "depends_on": {"nodes": []},
    }
    node.update(fields)
    return node


def source(
    source_name: str, name: str, *, columns: dict[str, str | None] | None = None, **fields: Any
) -> dict[str, Any]:
    """A source table."""
    node: dict[str, Any] = {
        "unique_id": f"source.shop.{source_name}.{name}",
        "resource_type": "source",
        "name": name,
        "source_name": source_name,
        "package_name": "shop",
        "database": "db",
        "schema": source_name.replace(".", "_"),
        "identifier": name,
        "columns": {col: {"name": col, "data_type": dtype} for col, dtype in (columns or {}).items()},
    }
    node.update(fields)
    return node


def generic_test(
    name: str,
    target: dict[str, Any],
    column: str | None,
    *,
    namespace: str | None = None,
    parents: tuple[str, ...] = (),
    attached: bool = True,
    config: dict[str, Any] | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """A generic test on ``target`` (attached with ``attached_node`` unless ``attached`` is False)."""
    call = (
        f"source('{target['source_name']}', '{target['name']}')"
        if target["resource_type"] == "source"
        else f"ref('{target['name']}')"
    )
    all_kwargs = {
        **({"column_name": column} if column else {}),
        **kwargs,
        "model": f"{{{{ get_where_subquery({call}) }}}}",
    }
    digest = hashlib.md5(repr(sorted(all_kwargs.items())).encode()).hexdigest()[:10]
    uid = f"test.shop.{name}_{target['name']}_{column}.{digest}"
    node: dict[str, Any] = {
        "unique_id": uid,
        "resource_type": "test",
        "name": f"{name}_{target['name']}",
        "package_name": "shop",
        "column_name": column,
        "config": {"severity": "ERROR", "where": None, **(config or {})},
        "depends_on": {"nodes": [target["unique_id"], *parents]},
        "test_metadata": {"name": name, "kwargs": all_kwargs, "namespace": namespace},
    }
    if attached:
        node["attached_node"] = target["unique_id"]
    return node


def singular_test(name: str, *parents: dict[str, Any]) -> dict[str, Any]:
    """A singular test reading ``parents``."""
    return {
        "unique_id": f"test.shop.{name}",
        "resource_type": "test",
        "name": name,
        "package_name": "shop",
        "config": {"severity": "ERROR"},
        "depends_on": {"nodes": [parent["unique_id"] for parent in parents]},
    }
