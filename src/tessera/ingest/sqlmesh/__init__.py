"""SQLMesh: what :mod:`tessera.ingest.sqlmesh.extract` read from a project -> source-neutral assets.

The extractor runs under SQLMesh's own interpreter (SQLMesh pins a sqlglot Tessera cannot share) and
writes SQLMesh's facts as they are; this module, in Tessera's environment and free of database and HTTP
code, turns them into the assets document of ``POST /sync/sqlmesh`` (see docs/sqlmesh.md):

* columns with their types as SQLMesh resolved them, mapped by the same table as dbt's ``data_type``;
* a one-column grain or unique key is ``unique``; a grain of several columns, an audit Tessera has no
  guarantee for, and a composite unique key are ``custom`` guarantees (name and arguments);
* the built-in audits ``not_null``, ``unique_values`` and ``accepted_values`` become those guarantees;
* ``owner`` is the model's ``owner`` property; dependencies on other models of the project are lineage;
* column lineage (which parent columns each model reads, what each output column derives from) comes from
  the query SQLMesh rendered, read by the same analysis as dbt's (:mod:`tessera.ingest.sqlmesh.lineage`).

A model whose columns SQLMesh could not resolve is listed as ``unreadable``: the server leaves its asset
alone instead of taking the missing columns for removed ones.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tessera.ingest.dbt.types import map_data_type
from tessera.ingest.source import InvalidSourceError, JsonObject, JsonValue
from tessera.ingest.sqlmesh.lineage import model_lineage

FORMAT = 1
_PART = re.compile(r'"((?:[^"]|"")*)"|([^."]+)')


def unquote(fqn: str) -> str:
    """``"db"."schema"."table"`` -> ``db.schema.table`` (SQLMesh's fully qualified names are quoted)."""
    return ".".join((quoted.replace('""', '"') if quoted else bare) for quoted, bare in _PART.findall(fqn))


def to_assets(extracted: Mapping[str, Any], project_name: str | None = None) -> dict[str, JsonValue]:
    """The assets document for the extractor's output; :class:`InvalidSourceError` if it is not one."""
    if extracted.get("tool") != "sqlmesh" or extracted.get("format") != FORMAT:
        raise InvalidSourceError(
            "invalid_sqlmesh_extract",
            f"Not an output of this Tessera's SQLMesh extractor (format {FORMAT} expected).",
        )
    models = extracted.get("models")
    if not isinstance(models, list):
        raise InvalidSourceError("invalid_sqlmesh_extract", "The extractor's output has no list of models.")
    names = {m["fqn"]: m["name"] for m in models}
    parents = {
        m["fqn"]: (m["name"], unquote(m["fqn"]), [c[0] for c in m["columns"]] if m.get("columns") else None)
        for m in models
    }
    assets: list[JsonValue] = []
    unreadable: list[JsonValue] = []
    for model in models:
        if model.get("columns") is None:
            unreadable.append(model["name"])
            continue
        asset = _asset(model, names)
        lineage = model_lineage(model, parents)
        if lineage is not None:
            asset["lineage"] = lineage
        assets.append(asset)
    return {
        "project_name": project_name or str(extracted.get("project") or "sqlmesh"),
        "version": str(extracted.get("version") or ""),
        "assets": assets,
        "unreadable": unreadable,
    }


def _asset(model: Mapping[str, Any], names: Mapping[str, str]) -> JsonObject:
    dialect = str(model.get("dialect") or "")
    descriptions = model.get("column_descriptions") or {}
    properties: JsonObject = {}
    for name, data_type in model["columns"]:
        fragment = map_data_type(data_type, dialect=dialect)
        if descriptions.get(name):
            fragment["description"] = str(descriptions[name])
        properties[name] = fragment
    meta: JsonObject = {"kind": model.get("kind"), "dialect": dialect, "sqlmesh_fqn": model["fqn"]}
    return {
        "unique_id": model["name"],
        "name": model["name"],
        "fqn": unquote(model["fqn"]),
        "resource_type": "model",
        "description": model.get("description") or "",
        # No "required": nullability is a guarantee (not_null), as for dbt models.
        "schema": {"type": "object", "properties": properties},
        "guarantees": guarantees(model),
        "owner": model.get("owner"),
        "tags": list(model.get("tags") or []),
        "depends_on": [names[d] for d in model.get("depends_on") or [] if d in names],
        "meta": meta,
    }


def guarantees(model: Mapping[str, Any]) -> JsonObject:
    """Grains, unique keys and audits as Tessera guarantees (see the module's docstring)."""
    columns: dict[str, dict[str, JsonValue]] = {}
    custom: list[JsonValue] = []

    def column(name: object) -> dict[str, JsonValue]:
        return columns.setdefault(str(name), {})

    for label, keys in (("grain", model.get("grains") or []), ("unique_key", model.get("unique_key") or [])):
        for key in keys:
            if len(key) == 1:
                column(key[0])["unique"] = True
            else:
                custom.append({"name": label, "arguments": {"columns": list(key)}})
    for name, args in model.get("audits") or []:
        targets = args.get("columns", [args["column"]] if "column" in args else [])
        targets = targets if isinstance(targets, list) else [targets]
        if name == "not_null" and targets:
            for target in targets:
                column(target)["not_null"] = True
        elif name == "unique_values" and targets:
            for target in targets:
                column(target)["unique"] = True
        elif name == "accepted_values" and len(targets) == 1 and isinstance(args.get("is_in"), list):
            column(targets[0])["accepted_values"] = list(args["is_in"])
        else:
            test: dict[str, JsonValue] = {"name": str(name), "arguments": dict(args)}
            if len(targets) == 1:
                test["column"] = str(targets[0])
            custom.append(test)
    result: JsonObject = {}
    if columns:
        result["columns"] = {name: dict(sorted(g.items())) for name, g in sorted(columns.items())}
    if custom:
        result["custom"] = custom
    return result
