"""Normalised views of schema nodes.

The diff never rewrites a whole document. Each node it visits is normalised on its own, shallowly:
spellings that mean the same thing are folded together so that converting between them is not a change:

* nullability: ``"type": ["string", "null"]``, an ``anyOf``/``oneOf`` branch ``{"type": "null"}``,
  OpenAPI's ``"nullable": true`` and ``null`` inside ``enum`` all set one ``nullable`` flag;
* a union left with a single branch once the null branch is gone, and an ``allOf`` with a single branch,
  are merged into the node (the ``{"allOf": [{"$ref": ...}], "description": ...}`` idiom); a union of one
  branch is that branch; ``allOf`` has one normal form (nested ones flattened, branches merged into the
  node where that is safe: see ``core.allof``);
* ``$ref`` is followed, its sibling keywords laid over the target;
* draft-07 ``items: [...]`` / ``additionalItems`` read as 2020-12 ``prefixItems`` / ``items``;
* draft-04 boolean ``exclusiveMinimum``/``exclusiveMaximum`` read as numeric bounds;
* type sets compare as sets, ``integer`` is absorbed by ``number``.

Nothing here recurses: the caller (the diff walk, the validator, the fingerprinter) drives traversal with
explicit stacks, so nesting depth is limited only by memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from tessera.core.allof import normalise_all_of
from tessera.core.document import SchemaDocument
from tessera.core.errors import InvalidSchemaError
from tessera.core.json_types import JsonSchema, JsonValue
from tessera.core.keywords import (
    expect_boolean,
    expect_count,
    expect_number,
    expect_schema_list,
    expect_schema_map,
    expect_string,
    expect_string_list,
    expect_types,
    is_metadata_keyword,
)
from tessera.core.pointer import Location
from tessera.core.values import CanonicalKey, canonical_key, json_type_of

MISSING: Final = object()
_UNIONS = ("anyOf", "oneOf")


class Node:
    """One schema node after normalisation: the raw keywords plus derived type facts.

    ``types`` is the set of non-null JSON types the node admits, ``None`` when the node declares none
    (a warehouse column of unknown type). It comes from ``type``, or failing that from ``const``/``enum``.
    """

    __slots__ = ("doc", "is_false", "loc", "nullable", "raw", "types")

    def __init__(self, schema: object, doc: SchemaDocument, loc: Location, nullable: bool = False) -> None:
        self.doc = doc
        self.loc = loc
        self.is_false = schema is False
        if type(schema) is dict or (isinstance(schema, Mapping) and not isinstance(schema, bool)):
            self.raw: Mapping[str, JsonValue] = schema
        elif isinstance(schema, bool):
            self.raw = {}
        else:
            raise InvalidSchemaError("a schema must be an object or a boolean", loc)
        self.types, type_nullable = _types_of(self.raw, loc)
        explicit = self.raw.get("nullable", MISSING)
        if explicit is not MISSING and expect_boolean(explicit, "nullable", loc):
            type_nullable = True
        self.nullable = nullable or type_nullable

    def has(self, keyword: str) -> bool:
        """Whether the keyword is present."""
        return keyword in self.raw

    def get(self, keyword: str) -> object:
        """The raw value of a keyword, or ``MISSING``."""
        return self.raw.get(keyword, MISSING)

    def schema_map(self, keyword: str) -> Mapping[str, JsonValue]:
        """A name → sub-schema keyword (``properties``, ``$defs``, ...); empty when absent."""
        value = self.raw.get(keyword, MISSING)
        return {} if value is MISSING else expect_schema_map(value, keyword, self.loc)

    def schema_list(self, keyword: str) -> list[JsonValue] | None:
        """A list-of-sub-schemas keyword (``anyOf``, ...), or ``None`` when absent."""
        value = self.raw.get(keyword, MISSING)
        return None if value is MISSING else expect_schema_list(value, keyword, self.loc)

    def number(self, keyword: str) -> float | None:
        """A numeric keyword (``multipleOf``, ...), or ``None`` when absent."""
        value = self.raw.get(keyword, MISSING)
        if value is MISSING:
            return None
        number = expect_number(value, keyword, self.loc)
        if keyword == "multipleOf" and number <= 0:
            raise InvalidSchemaError("'multipleOf' must be greater than 0", self.loc)
        return number

    def count(self, keyword: str) -> int | None:
        """A non-negative integer keyword (``maxLength``, ...), or ``None`` when absent."""
        value = self.raw.get(keyword, MISSING)
        return None if value is MISSING else expect_count(value, keyword, self.loc)

    def decimal_digits(self) -> tuple[int | None, int | None]:
        """``x-precision`` and ``x-scale`` (``None`` when absent); the scale may not exceed the precision."""
        precision, scale = self.count("x-precision"), self.count("x-scale")
        if precision is not None and scale is not None and scale > precision:
            raise InvalidSchemaError(
                f"'x-scale' ({scale}) must not exceed 'x-precision' ({precision})", self.loc
            )
        return precision, scale

    def string(self, keyword: str) -> str | None:
        """A string keyword (``format``, ``pattern``), or ``None`` when absent."""
        value = self.raw.get(keyword, MISSING)
        return None if value is MISSING else expect_string(value, keyword, self.loc)

    def flag(self, keyword: str) -> bool:
        """A boolean keyword, ``False`` when absent."""
        value = self.raw.get(keyword, MISSING)
        return False if value is MISSING else expect_boolean(value, keyword, self.loc)

    def required(self) -> frozenset[str]:
        """The ``required`` property names."""
        value = self.raw.get("required", MISSING)
        return frozenset() if value is MISSING else frozenset(expect_string_list(value, "required", self.loc))

    def enum(self) -> dict[CanonicalKey, JsonValue] | None:
        """Non-null ``enum`` members by canonical key (``null`` is nullability), ``None`` when absent."""
        value = self.raw.get("enum", MISSING)
        if value is MISSING:
            return None
        if not isinstance(value, list | tuple):
            raise InvalidSchemaError("'enum' must be an array", self.loc)
        members: dict[CanonicalKey, JsonValue] = {}
        for member in value:
            if member is not None:
                members.setdefault(canonical_key(member, self.loc), member)
        return members

    def tuple_items(self) -> list[JsonValue] | None:
        """Positional item schemas: ``prefixItems``, or draft-07 array-form ``items``."""
        prefix = self.schema_list("prefixItems")
        items = self.raw.get("items", MISSING)
        if isinstance(items, list | tuple):
            if prefix is not None:
                raise InvalidSchemaError(
                    "'items' must not be an array when 'prefixItems' is present", self.loc
                )
            return expect_schema_list(items, "items", self.loc) if items else []
        return prefix

    def rest_items(self) -> object:
        """The schema for items after the positional ones (``items``/``additionalItems``), or MISSING."""
        items = self.raw.get("items", MISSING)
        if isinstance(items, list | tuple):
            return self.raw.get("additionalItems", MISSING)
        return items

    def bound(self, side: str) -> tuple[float, bool] | None:
        """The effective lower (``side="min"``) or upper bound as (value, exclusive).

        Combines ``minimum`` with ``exclusiveMinimum`` (a number, or draft-04's boolean modifier).
        """
        inclusive_kw, exclusive_kw = (
            ("minimum", "exclusiveMinimum") if side == "min" else ("maximum", "exclusiveMaximum")
        )
        inclusive = self.number(inclusive_kw)
        raw_exclusive = self.raw.get(exclusive_kw, MISSING)
        candidates: list[tuple[float, bool]] = []
        if isinstance(raw_exclusive, bool):
            if inclusive is not None:
                candidates.append((inclusive, raw_exclusive))
        else:
            if inclusive is not None:
                candidates.append((inclusive, False))
            if raw_exclusive is not MISSING:
                candidates.append((expect_number(raw_exclusive, exclusive_kw, self.loc), True))
        if not candidates:
            return None
        # The tightest bound wins: the largest minimum, the smallest maximum; exclusive beats inclusive.
        if side == "min":
            return max(candidates, key=lambda c: (c[0], c[1]))
        return min(candidates, key=lambda c: (c[0], not c[1]))


def _types_of(raw: Mapping[str, JsonValue], loc: Location) -> tuple[frozenset[str] | None, bool]:
    declared = raw.get("type", MISSING)
    if declared is not MISSING:
        names = set(expect_types(declared, loc))
    elif "const" in raw:
        names = {json_type_of(raw["const"])}
    elif "enum" in raw:
        members = raw["enum"]
        if not isinstance(members, list | tuple):
            raise InvalidSchemaError("'enum' must be an array", loc)
        if not members:
            return None, False
        names = {json_type_of(m) for m in members}
    else:
        return None, False
    nullable = "null" in names
    names.discard("null")
    if "number" in names:
        names.discard("integer")  # every integer is a number
    return frozenset(names), nullable


def _is_null_branch(branch: object) -> bool:
    if not isinstance(branch, Mapping):
        return False
    says_null = branch.get("type") in ("null", ["null"]) or branch.get("enum") == [None]
    says_null = says_null or ("const" in branch and branch["const"] is None)
    return says_null and all(key in ("type", "enum", "const") or is_metadata_keyword(key) for key in branch)


def _mergeable(outer: Mapping[str, JsonValue], branch: object) -> bool:
    if isinstance(branch, bool):
        return True
    if not isinstance(branch, Mapping):
        return False
    return not any(key in branch and not is_metadata_keyword(key) and key != "default" for key in outer)


def _merge(branch: object, outer: dict[str, JsonValue]) -> JsonSchema:
    # Keywords on the wrapper win over the branch's, which is how descriptions on wrappers read.
    if branch is False:
        return False
    if branch is True:
        return outer
    assert isinstance(branch, Mapping)
    return {**branch, **outer}


def _fold_type_union(node: Mapping[str, JsonValue], loc: Location) -> dict[str, JsonValue] | None:
    """``anyOf: [{"type": "string"}, {"type": "integer"}]`` is ``type: ["string", "integer"]``."""
    present = [k for k in _UNIONS if k in node]
    if len(present) != 1 or "type" in node:
        return None
    keyword = present[0]
    branches = expect_schema_list(node[keyword], keyword, loc)
    names: list[str] = []
    for branch in branches:
        if not isinstance(branch, Mapping) or "type" not in branch:
            return None
        if not all(k == "type" or is_metadata_keyword(k) for k in branch):
            return None
        names.extend(expect_types(branch["type"], loc))
    if keyword == "oneOf" and (len(set(names)) != len(names) or {"integer", "number"} <= set(names)):
        return None  # overlapping oneOf branches mean "exactly one", which a type list cannot say
    outer = {k: v for k, v in node.items() if k != keyword}
    return {**outer, "type": sorted(set(names))}


def unwrap(schema: object, loc: Location) -> tuple[object, bool]:
    """Fold null branches and single-branch wrappers into the node; returns (schema, nullable)."""
    if type(schema) is dict and "anyOf" not in schema and "oneOf" not in schema and "allOf" not in schema:
        return schema, False  # the common case, without the loop's bookkeeping
    nullable = False
    node = schema
    while isinstance(node, Mapping):
        changed = False
        for keyword in _UNIONS:
            if keyword not in node:
                continue
            branches = expect_schema_list(node[keyword], keyword, loc)
            kept = [b for b in branches if not _is_null_branch(b)]
            other_union = any(k in node for k in _UNIONS if k != keyword)
            if len(kept) == len(branches):
                if len(branches) == 1 and not other_union:
                    # A union of one branch is that branch: read it as an allOf branch, merged below.
                    outer = {k: v for k, v in node.items() if k != keyword}
                    earlier = expect_schema_list(outer.pop("allOf"), "allOf", loc) if "allOf" in outer else []
                    node = {**outer, "allOf": [*earlier, branches[0]]}
                    changed = True
                    break
                continue
            nullable = True
            outer = {k: v for k, v in node.items() if k != keyword}
            other_union = any(k in outer for k in _UNIONS)
            if not kept:
                node = outer if "type" in outer else {**outer, "type": "null"}
            elif len(kept) == 1 and not other_union and _mergeable(outer, kept[0]):
                node = _merge(kept[0], outer)
            else:
                node = {**outer, keyword: kept}
            changed = True
            break
        if not changed and isinstance(node, Mapping):
            folded = _fold_type_union(node, loc)
            if folded is not None:
                node = folded
                changed = True
        if not changed and isinstance(node, Mapping) and "allOf" in node:
            branches = expect_schema_list(node["allOf"], "allOf", loc)
            outer = {k: v for k, v in node.items() if k != "allOf"}
            if len(branches) == 1 and _mergeable(outer, branches[0]):
                node = _merge(branches[0], outer)  # also the `allOf: [{$ref}]` + description idiom
                changed = True
            else:
                normal = normalise_all_of(node, loc)
                if normal is not None:
                    node = normal
                    changed = True
        if not changed:
            break
    return node, nullable


def ref_of(schema: object, loc: Location) -> str | None:
    """The node's ``$ref`` text, if it has one."""
    if (type(schema) is dict or isinstance(schema, Mapping)) and "$ref" in schema:
        return expect_string(schema["$ref"], "$ref", loc)
    return None


def deref(schema: object, doc: SchemaDocument, loc: Location) -> tuple[object, bool]:
    """Follow a chain of ``$ref`` to a node without one, laying sibling keywords over each target."""
    nullable = False
    seen: set[str] = set()
    node = schema
    while (ref := ref_of(node, loc)) is not None:
        assert isinstance(node, Mapping)
        if ref in seen:
            raise InvalidSchemaError(f"$ref {ref!r} refers to itself without any schema in between", loc)
        seen.add(ref)
        found, _ = doc.lookup(ref, loc)
        target, target_nullable = unwrap(found, loc)
        nullable = nullable or target_nullable
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        node = _merge(target, siblings)
        node, wrapped_nullable = unwrap(node, loc)
        nullable = nullable or wrapped_nullable
    return node, nullable


def without_ref(schema: object) -> object:
    """The node's sibling keywords only (used when both sides point at the same definition)."""
    if isinstance(schema, Mapping):
        return {k: v for k, v in schema.items() if k != "$ref"}
    return schema


__all__ = ["MISSING", "Node", "deref", "ref_of", "unwrap", "without_ref"]
