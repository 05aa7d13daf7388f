"""Comparison of two normalised nodes, keyword group by keyword group.

Each function compares one concern, emits change records and pushes the pairs of sub-schemas that still
need comparing onto the walk. None of them recurses.
"""

from __future__ import annotations

from collections.abc import Mapping

from tessera.core import changes as c
from tessera.core.compose import compare_compositions
from tessera.core.constraints import SCALAR_KEYS, VALUE_KEYS, compare_scalar_constraints, compare_values
from tessera.core.keywords import is_metadata_keyword
from tessera.core.kinds import ChangeKind
from tessera.core.pointer import Path
from tessera.core.schema import MISSING, Node
from tessera.core.values import canonical_key, identical
from tessera.core.walk import Scope, Walk, as_json

K = ChangeKind
TIGHTENED, RELAXED, CHANGED = K.CONSTRAINT_TIGHTENED, K.CONSTRAINT_RELAXED, K.CONSTRAINT_CHANGED

_OPAQUE_SUBSCHEMAS = ("not", "if", "then", "else")
_OBJECT_KEYS = frozenset(
    {
        "properties",
        "required",
        "patternProperties",
        "dependentSchemas",
        "$defs",
        "definitions",
        "additionalProperties",
        "unevaluatedProperties",
        "propertyNames",
    }
)
_ARRAY_KEYS = frozenset(
    {"prefixItems", "items", "additionalItems", "unevaluatedItems", "uniqueItems", "contains"}
)
_COMPOSITION_KEYS = frozenset({"anyOf", "oneOf", "allOf", "not", "if", "then", "else"})


def compare_nodes(walk: Walk, path: Path, o: Node, n: Node) -> None:
    """Emit every change between ``o`` and ``n`` and queue their sub-schemas."""
    if o.is_false or n.is_false:
        if o.is_false and not n.is_false:
            walk.emit(c.schema_allowed(path, dict(n.raw)))
        elif n.is_false and not o.is_false:
            walk.emit(c.schema_forbidden(path, dict(o.raw)))
        return
    scope = Scope(walk, path, o, n)
    _types(scope)
    # Only keyword groups with a keyword whose raw value differs can hold a change.
    old_raw, new_raw = o.raw, n.raw
    changed = {
        k
        for k in old_raw.keys() | new_raw.keys()
        if not identical(old_raw.get(k, MISSING), new_raw.get(k, MISSING))
    }
    if not changed:
        return
    if not changed.isdisjoint(VALUE_KEYS):
        compare_values(scope)
    if not changed.isdisjoint(SCALAR_KEYS):
        compare_scalar_constraints(scope)
    if not changed.isdisjoint(_OBJECT_KEYS):
        _objects(scope)
    if not changed.isdisjoint(_ARRAY_KEYS):
        _arrays(scope)
    if not changed.isdisjoint(_COMPOSITION_KEYS):
        _compositions(scope)
    _annotations(scope, changed)


def _types(s: Scope) -> None:
    o, n = s.o, s.n
    if s.declaring:
        assert n.types is not None
        s.walk.emit(c.type_declared(s.path, n.types))
    elif s.undeclaring:
        assert o.types is not None
        s.walk.emit(c.type_undeclared(s.path, o.types))
    elif o.types is not None and n.types is not None and o.types != n.types:
        s.walk.emit(c.type_change(s.path, o.types, n.types))
    # Nullability of a node of unknown type is unknown too: only compare like with like.
    if (o.types is None) == (n.types is None) and o.nullable != n.nullable:
        s.walk.emit(c.nullability_added(s.path) if n.nullable else c.nullability_removed(s.path))


def _objects(s: Scope) -> None:
    o, n, path, walk = s.o, s.n, s.path, s.walk
    old_props, new_props = o.schema_map("properties"), n.schema_map("properties")
    if old_props or new_props:
        for name, old_schema in old_props.items():
            new_schema = new_props.get(name, MISSING)
            if new_schema is MISSING:
                walk.emit(c.property_removed(path.child("properties", name), old_schema))
            else:
                walk.push(path.child("properties", name), old_schema, new_schema)
        for name, new_schema in new_props.items():
            if name not in old_props:
                walk.emit(c.property_added(path.child("properties", name), new_schema))
    old_required, new_required = o.required(), n.required()
    for name in old_required - new_required:
        walk.emit(c.required_removed(path.child("properties", name)))
    for name in new_required - old_required:
        walk.emit(c.required_added(path.child("properties", name)))

    _schema_map(s, "patternProperties", definitions=False)
    _schema_map(s, "dependentSchemas", definitions=False)
    _schema_map(s, "$defs", definitions=True)
    _schema_map(s, "definitions", definitions=True)
    _open_or_closed(s, "additionalProperties", o.get("additionalProperties"), n.get("additionalProperties"))
    _open_or_closed(
        s, "unevaluatedProperties", o.get("unevaluatedProperties"), n.get("unevaluatedProperties")
    )
    _monotone_subschema(s, "propertyNames")


def _schema_map(s: Scope, keyword: str, *, definitions: bool) -> None:
    old_map, new_map = s.o.schema_map(keyword), s.n.schema_map(keyword)
    for name, old_schema in old_map.items():
        where = s.path.child(keyword, name)
        new_schema = new_map.get(name, MISSING)
        if new_schema is not MISSING:
            s.walk.push(where, old_schema, new_schema)
        elif definitions:
            s.walk.emit(c.definition_removed(where, old_schema))
        else:
            s.walk.emit(c.subschema_removed(where, keyword, old_schema))
    for name, new_schema in new_map.items():
        if name not in old_map:
            where = s.path.child(keyword, name)
            if definitions:
                s.walk.emit(c.definition_added(where, new_schema))
            else:
                s.walk.emit(c.subschema_added(where, keyword, new_schema))


def _openness(value: object) -> int:
    """2 = anything allowed, 1 = constrained by a schema, 0 = nothing allowed."""
    if value is MISSING or value is True:
        return 2
    if value is False:
        return 0
    if isinstance(value, Mapping) and all(is_metadata_keyword(k) for k in value):
        return 2
    return 1


def _open_or_closed(s: Scope, keyword: str, old: object, new: object) -> None:
    old_rank, new_rank = _openness(old), _openness(new)
    if old_rank == 1 and new_rank == 1:
        s.walk.push(s.path.child(keyword), old, new)
    elif old_rank != new_rank:
        kind = TIGHTENED if new_rank < old_rank else RELAXED
        shown = {0: False, 2: True}
        s.constraint(
            kind,
            keyword,
            shown[old_rank] if old_rank != 1 else as_json(old),
            shown[new_rank] if new_rank != 1 else as_json(new),
        )


def _monotone_subschema(s: Scope, keyword: str) -> None:
    """Keywords where a tighter sub-schema means a tighter schema: compare inside them."""
    old, new = s.o.get(keyword), s.n.get(keyword)
    if old is MISSING and new is MISSING:
        return
    if old is MISSING:
        s.walk.emit(c.subschema_added(s.path.child(keyword), keyword, as_json(new)))
    elif new is MISSING:
        s.walk.emit(c.subschema_removed(s.path.child(keyword), keyword, as_json(old)))
    else:
        s.walk.push(s.path.child(keyword), old, new)


def _arrays(s: Scope) -> None:
    o, n, path, walk = s.o, s.n, s.path, s.walk
    old_tuple, new_tuple = o.tuple_items() or [], n.tuple_items() or []
    for index in range(max(len(old_tuple), len(new_tuple))):
        where = path.child("prefixItems", str(index))
        if index >= len(new_tuple):
            walk.emit(c.tuple_item_removed(where, old_tuple[index]))
        elif index >= len(old_tuple):
            walk.emit(c.tuple_item_added(where, new_tuple[index]))
        else:
            walk.push(where, old_tuple[index], new_tuple[index])
    _open_or_closed(s, "items", o.rest_items(), n.rest_items())
    _open_or_closed(s, "unevaluatedItems", o.get("unevaluatedItems"), n.get("unevaluatedItems"))
    old_unique, new_unique = o.flag("uniqueItems"), n.flag("uniqueItems")
    if old_unique != new_unique:
        s.constraint(TIGHTENED if new_unique else RELAXED, "uniqueItems", old_unique, new_unique)
    _monotone_subschema(s, "contains")


def _compositions(s: Scope) -> None:
    compare_compositions(s.walk, s.path, s.o, s.n)
    for keyword in _OPAQUE_SUBSCHEMAS:
        _opaque_subschema(s, keyword)


def _opaque_subschema(s: Scope, keyword: str) -> None:
    """``not`` flips direction and ``if``/``then``/``else`` interact: compare them as a whole."""
    old, new = s.o.get(keyword), s.n.get(keyword)
    if old is MISSING and new is MISSING:
        return
    where = s.path.child(keyword)
    if old is MISSING:
        s.walk.emit(c.subschema_added(where, keyword, as_json(new)))
    elif new is MISSING:
        s.walk.emit(c.subschema_removed(where, keyword, as_json(old)))
    else:
        old_fp = s.walk.fingerprints("old", s.o, [as_json(old)], keyword)
        new_fp = s.walk.fingerprints("new", s.n, [as_json(new)], keyword)
        if old_fp != new_fp:
            s.walk.emit(c.subschema_changed(where, keyword, as_json(old), as_json(new)))


def _annotations(s: Scope, changed: set[str]) -> None:
    o, n = s.o, s.n
    for keyword in sorted(changed):
        if not (is_metadata_keyword(keyword) or keyword == "contentSchema"):
            continue
        old, new = o.get(keyword), n.get(keyword)
        if old is MISSING or new is MISSING or canonical_key(old, o.loc) != canonical_key(new, n.loc):
            s.walk.emit(
                c.metadata_changed(
                    s.path,
                    keyword,
                    None if old is MISSING else as_json(old),
                    None if new is MISSING else as_json(new),
                )
            )


__all__ = ["compare_nodes"]
