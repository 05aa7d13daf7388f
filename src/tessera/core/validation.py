"""Whole-document validation of a JSON Schema, with messages that say where and what is wrong."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from tessera.core.document import SchemaDocument
from tessera.core.errors import InvalidSchemaError
from tessera.core.json_types import JsonSchema
from tessera.core.keywords import (
    BOOLEAN_KEYWORDS,
    COUNT_KEYWORDS,
    DECIMAL_KEYWORDS,
    KNOWN_KEYWORDS,
    MAX_DEPTH,
    MAX_SCHEMA_DEPTH,
    MAX_SCHEMA_PROPERTIES,
    NUMBER_KEYWORDS,
    SCHEMA_KEYWORDS,
    SCHEMA_LIST_KEYWORDS,
    SCHEMA_MAP_KEYWORDS,
    STRING_KEYWORDS,
    expect_schema,
    expect_string_list,
)
from tessera.core.pointer import ROOT, Location, Path
from tessera.core.schema import Node, deref, unwrap
from tessera.core.values import canonical_json, canonical_key


def validate_schema(
    obj: object,
    *,
    label: str = "schema",
    max_depth: int = MAX_SCHEMA_DEPTH,
    max_properties: int | None = MAX_SCHEMA_PROPERTIES,
) -> JsonSchema:
    """Check that ``obj`` is a usable JSON Schema and return it, typed.

    Checks every sub-schema, every keyword the core reads (types, bounds, counts, patterns, ``required``,
    ``enum``, ...), that all values are JSON (finite numbers, string keys) and that every ``$ref``
    resolves inside the document. Unknown keywords are allowed. Raises InvalidSchemaError whose message
    names the location (a JSON pointer) and the problem; ``label`` names the document in messages.

    A submitted document is also held to the size caps ``max_depth`` (path segments, default
    :data:`MAX_SCHEMA_DEPTH`) and ``max_properties`` (``properties`` entries in all, default
    :data:`MAX_SCHEMA_PROPERTIES`; None: no cap).
    """
    root_loc = Location(label, ROOT)
    expect_schema(obj, root_loc)
    assert isinstance(obj, Mapping | bool)
    validate_subschema(
        obj,
        SchemaDocument(obj, label),
        ROOT,
        max_depth=max_depth,
        max_properties=max_properties,
    )
    return obj


def validate_subschema(
    schema: object,
    doc: SchemaDocument,
    at: Path,
    *,
    max_depth: int = MAX_DEPTH,
    max_properties: int | None = None,
) -> None:
    """Validate one sub-schema of ``doc`` (located at ``at``) and everything below it.

    ``max_depth`` caps the path depth; ``max_properties`` (when given) the ``properties`` entries in all.
    """
    label = doc.label
    seen: set[int] = set()
    stack: list[tuple[Path, object]] = [(at, schema)]
    properties = 0
    while stack:
        path, raw = stack.pop()
        loc = Location(label, path)
        if path.depth > max_depth:
            raise InvalidSchemaError(f"nested more than {max_depth} levels deep (the limit)", loc)
        expect_schema(raw, loc)
        if not isinstance(raw, Mapping) or id(raw) in seen:
            continue
        seen.add(id(raw))  # also stops on objects that contain themselves (not JSON, but possible)
        declared = raw.get("properties")
        if max_properties is not None and isinstance(declared, Mapping):
            properties += len(declared)
            if properties > max_properties:
                raise InvalidSchemaError(
                    f"declares more than {max_properties:,} properties in all (the limit)",
                    Location(label, at),
                )
        _check_node(raw, doc, loc)
        stack.extend(reversed(_children(raw, path, loc)))


_BOUND_KEYWORDS = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})
_COMPOSED = frozenset({"anyOf", "oneOf", "allOf", "$ref"})


def _check_node(raw: Mapping[object, object], doc: SchemaDocument, loc: Location) -> None:
    # Only the keywords present are looked at: most nodes carry two or three.
    if not all(isinstance(key, str) for key in raw):
        raise InvalidSchemaError("keywords must be strings", loc)
    node = Node(raw, doc, loc)
    keys = raw.keys()
    if not _COMPOSED.isdisjoint(keys):
        unwrapped, _ = unwrap(raw, loc)
        deref(unwrapped, doc, loc)  # every $ref resolves, and no chain of references loops on itself
    if not _BOUND_KEYWORDS.isdisjoint(keys):
        node.bound("min")
        node.bound("max")
    for key, value in raw.items():
        assert isinstance(key, str)
        check = _CHECKS.get(key)
        if check is not None:
            check(node, key, value, loc)
        elif key not in KNOWN_KEYWORDS:
            canonical_json(value, loc.child(key))  # unknown keywords and annotations may hold any JSON


def _check_dependent_required(node: Node, key: str, value: object, loc: Location) -> None:
    if not isinstance(value, Mapping):
        raise InvalidSchemaError("'dependentRequired' must be an object", loc)
    for name, names in value.items():
        expect_string_list(names, key, loc.child(key, str(name)))


_Check = Callable[[Node, str, object, Location], object]
_CHECKS: dict[str, _Check] = {
    **{k: (lambda node, key, value, loc: node.number(key)) for k in NUMBER_KEYWORDS},
    **{k: (lambda node, key, value, loc: node.count(key)) for k in COUNT_KEYWORDS},
    **{k: (lambda node, key, value, loc: node.decimal_digits()) for k in DECIMAL_KEYWORDS},
    **{k: (lambda node, key, value, loc: node.string(key)) for k in STRING_KEYWORDS},
    **{k: (lambda node, key, value, loc: node.flag(key)) for k in BOOLEAN_KEYWORDS},
    "enum": lambda node, key, value, loc: node.enum(),
    "required": lambda node, key, value, loc: node.required(),
    "items": lambda node, key, value, loc: node.tuple_items(),
    "prefixItems": lambda node, key, value, loc: node.tuple_items(),
    "const": lambda node, key, value, loc: canonical_key(value, loc.child(key)),
    "default": lambda node, key, value, loc: canonical_key(value, loc.child(key)),
    "dependentRequired": _check_dependent_required,
}


def _children(raw: Mapping[object, object], path: Path, loc: Location) -> list[tuple[Path, object]]:
    children: list[tuple[Path, object]] = []
    node_map = dict(raw)
    for keyword in SCHEMA_MAP_KEYWORDS:
        if keyword not in node_map:
            continue
        value = node_map[keyword]
        if not isinstance(value, Mapping):
            raise InvalidSchemaError(f"{keyword!r} must be an object", loc)
        for name, sub in value.items():
            if not isinstance(name, str):
                raise InvalidSchemaError(f"{keyword!r} keys must be strings", loc)
            children.append((path.child(keyword, name), sub))
    if "dependencies" in node_map:
        dependencies = node_map["dependencies"]
        if not isinstance(dependencies, Mapping):
            raise InvalidSchemaError("'dependencies' must be an object", loc)
        for name, sub in dependencies.items():
            where = path.child("dependencies", str(name))
            if isinstance(sub, list | tuple):
                expect_string_list(sub, "dependencies", Location(loc.label, where))
            else:
                children.append((where, sub))
    for keyword in SCHEMA_KEYWORDS:
        if keyword not in node_map:
            continue
        value = node_map[keyword]
        if keyword == "items" and isinstance(value, list | tuple):
            children.extend((path.child(keyword, str(i)), sub) for i, sub in enumerate(value))
        else:
            children.append((path.child(keyword), value))
    for keyword in SCHEMA_LIST_KEYWORDS:
        if keyword not in node_map:
            continue
        value = node_map[keyword]
        if not isinstance(value, list | tuple) or (not value and keyword != "prefixItems"):
            raise InvalidSchemaError(f"{keyword!r} must be a non-empty array of schemas", loc)
        children.extend((path.child(keyword, str(i)), sub) for i, sub in enumerate(value))
    return children


__all__ = ["validate_schema", "validate_subschema"]
