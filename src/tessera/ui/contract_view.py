"""A published contract as people read it: one row per column with its guarantees, and the table's own.

Presentation only: the schema and guarantees are the stored ones (already validated at publish time);
nothing here decides compatibility. An unusual schema shape shows what can be read of it instead of
failing the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tessera.core.values import canonical_json


@dataclass(frozen=True, slots=True)
class ColumnRow:
    """One column of the current contract."""

    name: str
    type: str
    nullable: bool | None  # None: the schema does not say (no type)
    required: bool
    description: str | None
    guarantees: tuple[str, ...]


def _types(schema: Mapping[str, Any]) -> tuple[list[str], bool | None]:
    """Declared types (without null) and whether null is allowed (None when no type is declared)."""
    declared = schema.get("type")
    types: list[str] = []
    nullable = False
    if isinstance(declared, str):
        types = [declared]
    elif isinstance(declared, list):
        types = [t for t in declared if isinstance(t, str)]
    for keyword in ("anyOf", "oneOf"):
        for branch in schema.get(keyword) or []:
            if isinstance(branch, Mapping):
                inner, inner_null = _types(branch)
                types.extend(inner)
                nullable = nullable or bool(inner_null) or branch.get("type") == "null"
    if "null" in types:
        nullable = True
    if schema.get("nullable") is True:  # OpenAPI 3.0 spelling
        nullable = True
    real = list(dict.fromkeys(t for t in types if t != "null"))
    if not real and not nullable:
        return [], None
    return real, nullable


def type_label(schema: Mapping[str, Any]) -> str:
    """``string (date)``, ``integer | string``, ``enum: a, b``, ``$ref #/...`` or ``any``."""
    branches = [
        b
        for keyword in ("anyOf", "oneOf")
        for b in schema.get(keyword) or []
        if isinstance(b, Mapping) and b.get("type") != "null"
    ]
    if branches and "type" not in schema:  # a union (often "X or null"): each branch in its own words
        return " | ".join(dict.fromkeys(type_label(b) for b in branches))
    types, _ = _types(schema)
    text = " | ".join(types)
    if isinstance(schema.get("format"), str):
        text = f"{text} ({schema['format']})" if text else schema["format"]
    if isinstance(schema.get("enum"), list):
        values = ", ".join(canonical_json(v) for v in schema["enum"][:8])
        more = "…" if len(schema["enum"]) > 8 else ""
        text = f"{text} enum: {values}{more}".strip()
    if not text and isinstance(schema.get("$ref"), str):
        text = f"$ref {schema['$ref']}"
    return text or "any"


def guarantee_labels(spec: Mapping[str, Any]) -> tuple[str, ...]:
    """A column's guarantees as short phrases: ``not null``, ``unique``, ``accepted values: …``, …"""
    labels: list[str] = []
    if spec.get("not_null"):
        labels.append("not null")
    if spec.get("unique"):
        labels.append("unique")
    values = spec.get("accepted_values")
    if isinstance(values, list):
        labels.append("accepted values: " + ", ".join(canonical_json(v) for v in values))
    relation = spec.get("relationships")
    if isinstance(relation, Mapping):
        labels.append(f"relationship: {relation.get('to')}.{relation.get('field')}")
    return tuple(labels)


def contract_columns(schema: Mapping[str, Any], guarantees: Mapping[str, Any]) -> list[ColumnRow]:
    """The schema's top-level columns in published order, each with its column guarantees."""
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return []
    required = {name for name in schema.get("required") or [] if isinstance(name, str)}
    by_column = {
        str(name).lower(): spec
        for name, spec in (guarantees.get("columns") or {}).items()
        if isinstance(spec, Mapping)
    }
    rows = []
    for name, column in properties.items():
        column = column if isinstance(column, Mapping) else {}
        _, nullable = _types(column)
        description = column.get("description")
        rows.append(
            ColumnRow(
                name=name,
                type=type_label(column),
                nullable=nullable,
                required=name in required,
                description=description if isinstance(description, str) else None,
                guarantees=guarantee_labels(by_column.get(name.lower(), {})),
            )
        )
    return rows


def table_guarantees(guarantees: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Table-level guarantees as (what, value): freshness, volume, and other tests."""
    out: list[tuple[str, str]] = []
    freshness = guarantees.get("freshness") or {}
    for key, label in (("warn_after", "Freshness: warn after"), ("error_after", "Freshness: error after")):
        if freshness.get(key) is not None:
            out.append((label, _duration(freshness[key])))
    volume = guarantees.get("volume") or {}
    for key, label in (("min_rows", "Volume: at least"), ("max_rows", "Volume: at most")):
        if volume.get(key) is not None:
            out.append((label, f"{volume[key]:,} rows"))
    for test in guarantees.get("custom") or []:
        if isinstance(test, Mapping):
            where = f" on {test['column']}" if test.get("column") else ""
            args = test.get("arguments") or {}
            shown = f" {canonical_json(args)}" if args else ""
            out.append((f"Test{where}", f"{test.get('name')}{shown}"))
    return out


def _duration(value: Any) -> str:
    if isinstance(value, Mapping):  # dbt's {"count": 12, "period": "hour"}
        count, period = value.get("count"), value.get("period")
        return f"{count} {period}{'' if count == 1 else 's'}"
    return str(value)
