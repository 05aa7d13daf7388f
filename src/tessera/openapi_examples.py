"""Example values for the OpenAPI document, built from each operation's JSON Schema.

A field's own ``example``/``examples``/``default`` wins; otherwise the value is chosen from its type and
format (a UUID for ``uuid``, a timestamp for ``date-time``, the first enum value, ...) and from a few field
names that read better with a realistic value (``fqn``, ``email``, ``name``). Deterministic, so the document
does not change between runs.
"""

from __future__ import annotations

from typing import Any

_BY_FORMAT: dict[str, Any] = {
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "date-time": "2026-12-01T09:30:00Z",
    "date": "2026-12-01",
    "email": "ada@example.com",
    "uri": "https://example.com/hooks/tessera",
    "binary": "<bytes>",
}
_BY_NAME: dict[str, Any] = {
    "fqn": "warehouse.analytics.orders",
    "email": "ada@example.com",
    "name": "analytics",
    "url": "https://example.com/hooks/tessera",
    "version": "1.2.0",
    "source_ref": "github:acme/dbt#42",
    "environment": "production",
    "message": "Explain the change in words.",
    "reason": "The column was never populated.",
}
# Free-form objects that read better with a real value than with ``{}``.
_OBJECT_BY_NAME: dict[str, Any] = {
    "schema": {
        "type": "object",
        "properties": {"order_id": {"type": "integer"}, "amount": {"type": "number"}},
        "required": ["order_id"],
    },
    "guarantees": {"columns": {"order_id": {"not_null": True, "unique": True}}},
}
_MAX_DEPTH = 6


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        resolved: dict[str, Any] = components.get("schemas", {}).get(ref.rsplit("/", 1)[-1], {})
        return resolved
    return schema


def example_for(schema: dict[str, Any], components: dict[str, Any], name: str = "", depth: int = 0) -> Any:
    """A plausible value valid against ``schema`` (references resolved in ``components``)."""
    schema = _resolve(schema, components)
    for key in ("example", "default"):
        if key in schema and schema[key] is not None:
            return schema[key]
    if schema.get("examples"):
        examples = schema["examples"]
        return examples[0] if isinstance(examples, list) else next(iter(examples.values())).get("value")
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            branches = [b for b in schema[key] if _resolve(b, components).get("type") != "null"]
            return example_for((branches or schema[key])[0], components, name, depth) if branches else None
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "object" or "properties" in schema:
        if name in _OBJECT_BY_NAME and not schema.get("properties"):
            return _OBJECT_BY_NAME[name]
        if depth >= _MAX_DEPTH:
            return {}
        return {
            key: example_for(sub, components, key, depth + 1)
            for key, sub in schema.get("properties", {}).items()
        }
    if kind == "array":
        if depth >= _MAX_DEPTH:
            return []
        return [example_for(schema.get("items", {}), components, name.rstrip("s"), depth + 1)]
    if kind == "string":
        fmt = schema.get("format", "")
        if fmt in _BY_FORMAT:
            return _BY_FORMAT[fmt]
        return _BY_NAME.get(name, name or "string")
    if kind == "integer":
        low = max(int(schema.get("minimum", 1)), 1)
        return min(low, int(schema.get("maximum", low)))
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    return {} if kind is None and not schema else None
