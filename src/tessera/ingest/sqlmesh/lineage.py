"""Column lineage of SQLMesh models, computed in Tessera's environment from the queries SQLMesh rendered.

The extractor writes each SQL model's query as SQLMesh renders it: macros expanded, every table named by
its fully qualified name and every column qualified, in the model's dialect. The same analysis as dbt's
(:mod:`tessera.ingest.dbt.sql_lineage`) reads it, with each parent's columns as SQLMesh resolved them, and
the result travels in the assets document as each asset's ``lineage`` (see docs/sqlmesh.md):

    {"reads": {"<parent name>": ["col", ...] | null}, "derives": {"<col>": [["<parent name>", "col"]]},
     "definitions": {"<col>": "<fingerprint>"}, "fallback_reason": "..." | null}

``null`` for a parent means "reads every column", with ``fallback_reason`` saying why (a Python model, a
query SQLMesh could not render, SQL the analysis cannot follow): precision is lost visibly, never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tessera.ingest.lineage import ALL_COLUMNS, ANY_COLUMN
from tessera.ingest.source import JsonObject, JsonValue

_FALLBACKS = {
    "python": "it is a Python model",
    "other": "it is not a SQL model",
    "sql": "SQLMesh could not render its query",
}


def _parts(fqn: str) -> tuple[str, ...]:
    return tuple(p.lower() for p in fqn.split("."))


def model_lineage(
    model: Mapping[str, Any], parents: Mapping[str, tuple[str, str, list[str] | None]]
) -> JsonObject | None:
    """The ``lineage`` of one model of the extractor's output, or ``None`` for a model that reads nothing.

    ``parents`` maps each parent's SQLMesh fqn (quoted, as in ``depends_on``) to ``(name, unquoted fqn,
    columns or None)``.
    """
    names = [parents[d][0] for d in model.get("depends_on") or [] if d in parents]
    if not names:
        return None
    query = model.get("query")
    if not isinstance(query, str) or not query.strip():
        return _fallback(names, _FALLBACKS.get(str(model.get("language") or "sql"), _FALLBACKS["sql"]))
    # Imported here: the SQL parser (sqlglot) is only needed when a SQLMesh project is read.
    from sqlglot import exp

    from tessera.ingest.dbt.sql_lineage import LineageError, Parent, analyse_query, parse

    candidates = [
        (_parts(fqn), Parent.of(name, columns))
        for d, (name, fqn, columns) in parents.items()
        if d in (model.get("depends_on") or [])
    ]

    def resolve(table: object) -> Parent | None:
        if not isinstance(table, exp.Table):
            return None
        parts = tuple(p.lower() for p in (table.catalog, table.db, table.name) if p)
        found = [parent for full, parent in candidates if full[-len(parts) :] == parts]
        return found[0] if len(found) == 1 else None

    try:
        result = analyse_query(parse(query, str(model.get("dialect") or "") or None), resolve)
    except LineageError as exc:
        return _fallback(names, str(exc))
    except RecursionError:
        return _fallback(names, "its SQL nests too deeply to analyse")
    reads: dict[str, JsonValue] = {}
    for name in names:
        columns = result.reads.get(name, set())
        listed: list[JsonValue] = [c for c in sorted(columns)]  # noqa: C416 - a list of JSON values
        reads[name] = ALL_COLUMNS if ANY_COLUMN in columns else listed
    derives: dict[str, JsonValue] = {
        column: [[s.node, s.column] for s in sorted(sources) if s.node != model["name"]]
        for column, sources in sorted(result.derives.items())
        if column != ANY_COLUMN
    }
    reason: str | None = None
    if any(value is ALL_COLUMNS for value in reads.values()):
        notes = list(dict.fromkeys(result.notes))
        reason = "; ".join(notes[:3]) or "some columns could not be resolved"
    definitions: dict[str, JsonValue] = {
        c: fp for c, fp in sorted(result.definitions.items()) if c != ANY_COLUMN
    }
    return {"reads": reads, "derives": derives, "definitions": definitions, "fallback_reason": reason}


def _fallback(names: list[str], reason: str) -> JsonObject:
    return {
        "reads": dict.fromkeys(names, ALL_COLUMNS),
        "derives": {},
        "definitions": {},
        "fallback_reason": reason,
    }
