"""Changes in words for people: where (the column and path) and what, never raw JSON.

The diff's change records keep their machine fields (kind, path, old, new); this module turns one of them
into ``("amount", "integer → string")`` so the pull-request comment can print "`orders.amount`: integer →
string" and "`orders.customer_id`: no longer has to match `shop.main.customers.id`".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal

from tessera.core.pointer import unescape

Category = Literal["schema", "guarantee"]
_Describe = Callable[[Mapping[str, object]], str]


# A schema path that can lead to a field: properties, array items, and the branches of a union or
# composition (an API body that is a ``oneOf`` of objects, an array of them).
_FIELD_PATH_START = frozenset({"properties", "items", "oneOf", "anyOf", "allOf"})


def location(path: str) -> str:
    """The dotted place a change path points at: ``/properties/address/properties/zip`` → ``address.zip``,
    ``/columns/amount/not_null`` → ``amount``, ``/custom/unique_pair/id`` → ``id``, a table-level path →
    ``""``; array items show as ``[]``; union and composition branches (``/oneOf/0``) are skipped."""
    tokens = [unescape(t) for t in path.split("/")[1:]] if path.startswith("/") else []
    if not tokens:
        return ""
    if tokens[0] == "columns":
        return tokens[1] if len(tokens) > 1 else ""
    if tokens[0] == "custom":
        return tokens[2] if len(tokens) > 2 else ""
    if tokens[0] not in _FIELD_PATH_START:
        return ""
    parts: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token == "properties" and i + 1 < len(tokens):
            parts.append(tokens[i + 1])
            i += 2
            continue
        if token == "items":
            parts[-1:] = [f"{parts[-1]}[]"] if parts else ["[]"]
        i += 1
    return ".".join(parts)


def _types(value: object) -> str:
    if isinstance(value, list) and value:
        return " | ".join(str(v) for v in value)
    return "any type" if value is None else str(value)


def _duration(value: object) -> str:
    """``{"count": 12, "period": "hour"}`` → ``12 hours``; ISO strings and numbers stay as they are."""
    if isinstance(value, Mapping) and "count" in value and "period" in value:
        count, period = value["count"], str(value["period"])
        return f"{count} {period}{'' if count == 1 else 's'}"
    return str(value)


def _target(value: object) -> str:
    if isinstance(value, Mapping) and "to" in value and "field" in value:
        return f"`{value['to']}.{value['field']}`"
    return "another column"


def _values(value: object) -> str:
    items = value if isinstance(value, list) else [value]
    shown = ", ".join(f"`{v}`" for v in items[:6])
    return shown + (f" and {len(items) - 6} more" if len(items) > 6 else "")


_KEYWORD_WORDS = {
    "maxLength": "max length",
    "minLength": "min length",
    "maxItems": "max items",
    "minItems": "min items",
    "exclusiveMaximum": "exclusive maximum",
    "exclusiveMinimum": "exclusive minimum",
    "multipleOf": "multiple of",
    "x-precision": "precision",
    "x-scale": "scale",
}


def _constraint(c: Mapping[str, object]) -> str:
    """``precision 12 → 18 (relaxed)``, ``max length 20 added``, ``scale 2 no longer declared``."""
    keyword = str(c.get("keyword") or "constraint")
    word = _KEYWORD_WORDS.get(keyword, keyword)
    old, new = c.get("old"), c.get("new")
    if old is None:
        return f"{word} {new} added"
    if new is None:
        return f"{word} {old} no longer declared"
    verb = str(c.get("kind", "")).rsplit("_", 1)[-1]
    return f"{word} {old} → {new}" + (f" ({verb})" if verb in ("tightened", "relaxed") else "")


def _field_word(c: Mapping[str, object]) -> str:
    return "column" if str(c.get("path", "")).count("/") <= 2 else "field"


_SCHEMA: dict[str, _Describe] = {
    "property_added": lambda c: f"{_field_word(c)} added",
    "property_removed": lambda c: f"{_field_word(c)} removed",
    "required_added": lambda c: "now required",
    "required_removed": lambda c: "no longer required",
    "type_changed": lambda c: f"{_types(c.get('old'))} → {_types(c.get('new'))}",
    "type_widened": lambda c: f"{_types(c.get('old'))} → {_types(c.get('new'))} (widened)",
    "type_narrowed": lambda c: f"{_types(c.get('old'))} → {_types(c.get('new'))} (narrowed)",
    "type_declared": lambda c: f"type declared as {_types(c.get('new'))}",
    "type_undeclared": lambda c: f"type no longer declared (was {_types(c.get('old'))})",
    "nullability_added": lambda c: "may now be null",
    "nullability_removed": lambda c: "may no longer be null",
    "constraint_tightened": _constraint,
    "constraint_relaxed": _constraint,
    "constraint_changed": _constraint,
    "asset_removed": lambda c: "model removed from the project",
}

_GUARANTEE: dict[str, _Describe] = {
    "not_null_added": lambda c: "now tested to be never null",
    "not_null_removed": lambda c: "no longer tested to be never null",
    "unique_added": lambda c: "now tested to be unique",
    "unique_removed": lambda c: "no longer tested to be unique",
    "accepted_values_added": lambda c: f"values now limited to {_values(c.get('new'))}",
    "accepted_values_removed": lambda c: "values no longer limited to a list",
    "accepted_values_narrowed": lambda c: f"no longer accepts {_values(c.get('old'))}",
    "accepted_values_expanded": lambda c: f"now also accepts {_values(c.get('new'))}",
    "relationship_added": lambda c: f"now has to match {_target(c.get('new'))}",
    "relationship_removed": lambda c: f"no longer has to match {_target(c.get('old'))}",
    "relationship_changed": lambda c: (
        f"has to match {_target(c.get('new'))} instead of {_target(c.get('old'))}"
    ),
    "freshness_added": lambda c: f"{_key(c)} freshness of {_duration(c.get('new'))} promised",
    "freshness_removed": lambda c: f"{_key(c)} freshness of {_duration(c.get('old'))} no longer promised",
    "freshness_tightened": lambda c: (
        f"{_key(c)} freshness tightened from {_duration(c.get('old'))} to {_duration(c.get('new'))}"
    ),
    "freshness_relaxed": lambda c: (
        f"{_key(c)} freshness relaxed from {_duration(c.get('old'))} to {_duration(c.get('new'))}"
    ),
    "volume_added": lambda c: f"{_key(c)} of {c.get('new')} promised",
    "volume_removed": lambda c: f"{_key(c)} of {c.get('old')} no longer promised",
    "volume_tightened": lambda c: f"{_key(c)} tightened from {c.get('old')} to {c.get('new')}",
    "volume_relaxed": lambda c: f"{_key(c)} relaxed from {c.get('old')} to {c.get('new')}",
    "custom_test_added": lambda c: f"test `{_test_name(c.get('new'))}` added",
    "custom_test_removed": lambda c: f"test `{_test_name(c.get('old'))}` removed",
}


def _key(c: Mapping[str, object]) -> str:
    return str(c.get("path", "")).rsplit("/", 1)[-1]


def _test_name(value: object) -> str:
    return str(value.get("name", "?")) if isinstance(value, Mapping) else "?"


def category_of(change: Mapping[str, object]) -> Category:
    """Whether a change record came from the guarantees diff or the schema diff (their kinds differ)."""
    return "guarantee" if str(change.get("kind", "")) in _GUARANTEE else "schema"


def describe(change: Mapping[str, object], category: Category = "schema") -> str:
    """What changed, in words, without the place (see :func:`location`); the diff's own message for kinds
    that have no shorter wording."""
    table = _GUARANTEE if category == "guarantee" else _SCHEMA
    kind = str(change.get("kind", ""))
    describe_kind = table.get(kind)
    if describe_kind is not None:
        return describe_kind(change)
    return str(change.get("message", kind))
