"""One normal form for ``allOf``: nested ``allOf`` flattened, branches merged into the node where safe.

``allOf`` is a conjunction, so ``{"allOf": [{"type": "string"}, {"maxLength": 20}]}`` means the same as
``{"type": "string", "maxLength": 20}``. Without a normal form, adding a second branch to a one-branch
``allOf`` reads as the first branch's keywords disappearing (a type declaration removed) instead of one
tightened constraint. Here:

* a nested ``allOf`` is spliced into its parent, and a ``true`` branch is dropped (it admits everything);
* a ``false`` branch makes the node ``false``;
* the branches that can be merged are laid into the node; what cannot stays in a (smaller) ``allOf``.

A keyword is merged when one source declares it (the node or a mergeable branch), when every source
that declares it gives the same scalar (or the same set of scalars: ``type``, ``enum``), or when the
conjunction has a plain spelling: the tightest of several bounds (``maxLength``, ``minimum``, ...), the
union of ``required``, the union of ``properties`` with distinct names. Keywords whose meaning
depends on their neighbours in the same schema object (``properties`` next
to ``additionalProperties``, ``prefixItems`` next to ``items``, ``if``/``then``/``else``) are merged only
when one source holds the whole group. A branch with a keyword that cannot be merged, a ``$ref``, its own
definitions or a nullability marker stays a branch. The decision looks at every branch at once, never at
their order, so reordering or regrouping branches gives the same node. Annotations (``description``,
``default``, ``x-`` extensions) do not constrain values: the node's own win; between branches that
disagree, the same one is kept whatever their order.
"""

from __future__ import annotations

from collections.abc import Mapping

from tessera.core.json_types import JsonSchema, JsonValue
from tessera.core.keywords import expect_schema_list, is_metadata_keyword
from tessera.core.pointer import Location
from tessera.core.values import canonical_json, canonical_key

# The conjunction of several upper bounds is the smallest, of lower bounds the largest.
_UPPER = frozenset({"maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum", "maxContains"})
_LOWER = frozenset({"minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum", "minContains"})
# Keywords that read their neighbours in the same schema object: one source must hold the whole group.
_GROUPS = (
    frozenset({"properties", "patternProperties", "additionalProperties", "unevaluatedProperties"}),
    frozenset({"prefixItems", "items", "additionalItems", "unevaluatedItems"}),
    frozenset({"if", "then", "else"}),
)
# A branch holding one of these stays a branch: a reference's siblings are laid over its target (not a
# conjunction), definitions belong to their branch, and nullability markers spell "or null".
_KEEP_AS_BRANCH = frozenset({"$ref", "$defs", "definitions", "nullable"})


def normalise_all_of(node: Mapping[str, JsonValue], loc: Location) -> JsonSchema | None:
    """The node with its ``allOf`` in normal form, or ``None`` when it already is."""
    branches = expect_schema_list(node["allOf"], "allOf", loc)
    outer: dict[str, JsonValue] = {k: v for k, v in node.items() if k != "allOf"}
    flat, flattened = _flatten(branches, loc)
    if any(b is False for b in flat):
        return False
    candidates = [b for b in flat if isinstance(b, Mapping) and _may_merge(b)]
    bad = _unmergeable_keys([outer, *candidates])
    merged = [b for b in candidates if not any(k in bad for k in b)]
    if not merged and not flattened:
        return None
    merged_ids = {id(b) for b in merged}
    rest = [b for b in flat if id(b) not in merged_ids]
    result = _combine(outer, merged)
    if rest:
        result["allOf"] = rest
    return result


def _flatten(branches: list[JsonValue], loc: Location) -> tuple[list[JsonValue], bool]:
    """Nested ``allOf`` spliced in (its other keywords become a branch), ``true`` branches dropped."""
    flat: list[JsonValue] = []
    changed = False
    stack = list(reversed(branches))
    while stack:
        branch = stack.pop()
        if branch is True:
            changed = True
            continue
        if isinstance(branch, Mapping) and "allOf" in branch and "$ref" not in branch:
            inner = expect_schema_list(branch["allOf"], "allOf", loc)
            rest = {k: v for k, v in branch.items() if k != "allOf"}
            keep = [rest] if any(not is_metadata_keyword(k) for k in rest) else []
            stack.extend(reversed([*keep, *inner]))
            changed = True
            continue
        flat.append(branch)
    return flat, changed


def _may_merge(branch: Mapping[str, JsonValue]) -> bool:
    if any(k in branch for k in _KEEP_AS_BRANCH):
        return False
    declared = branch.get("type")
    says_null = declared == "null" or (isinstance(declared, list) and "null" in declared)
    members = branch.get("enum")
    return (
        not says_null
        and not (isinstance(members, list) and None in members)
        and branch.get("const", 0) is not None
    )


def _is_annotation(keyword: str) -> bool:
    return keyword == "default" or is_metadata_keyword(keyword)


def _unmergeable_keys(sources: list[Mapping[str, JsonValue]]) -> set[str]:
    """The constraint keywords whose values across ``sources`` have no merged spelling."""
    values: dict[str, list[JsonValue]] = {}
    for source in sources:
        for keyword, value in source.items():
            if not _is_annotation(keyword):
                values.setdefault(keyword, []).append(value)
    bad = {k for k, vs in values.items() if len(vs) > 1 and not _combinable(k, vs)}
    for group in _GROUPS:
        holders = [s for s in sources if any(k in s for k in group)]
        if len(holders) <= 1:
            continue
        if all(set(s).isdisjoint(group - {"properties"}) for s in holders) and "properties" not in bad:
            continue  # only plain `properties`: their union is safe
        bad |= group
    return bad


def _combinable(keyword: str, values: list[JsonValue]) -> bool:
    if _all_equal(values):
        return True
    if keyword in _UPPER or keyword in _LOWER:
        return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    if keyword == "required":
        return all(isinstance(v, list) and all(isinstance(n, str) for n in v) for v in values)
    if keyword == "properties":
        names: list[str] = []
        for value in values:
            if not isinstance(value, Mapping):
                return False
            names.extend(value)
        return len(names) == len(set(names))  # one source per property
    return False


def _all_equal(values: list[JsonValue]) -> bool:
    """Equal scalars, or lists of scalars equal as sets (``type``, ``enum``, ``required``).

    Sub-schemas never count as equal here: comparing them would depend on how their own lists are
    ordered, and a normal form must not.
    """
    keys = [_scalar_set(v) for v in values]
    return keys[0] is not None and all(k == keys[0] for k in keys[1:])


def _scalar_set(value: JsonValue) -> frozenset[object] | None:
    try:
        if isinstance(value, list):
            if any(isinstance(v, Mapping | list) for v in value):
                return None
            return frozenset(canonical_key(v) for v in value)
        if isinstance(value, Mapping):
            return None
        return frozenset({("scalar", canonical_key(value))})
    except (TypeError, ValueError):
        return None


def _combine(outer: dict[str, JsonValue], branches: list[Mapping[str, JsonValue]]) -> dict[str, JsonValue]:
    """The node with the mergeable branches laid in (every clash is known to be combinable)."""
    result = dict(outer)
    for branch in branches:
        for keyword, value in branch.items():
            if keyword not in result:
                result[keyword] = value
                continue
            current = result[keyword]
            if _is_annotation(keyword):
                # The node's own annotation wins; between branches the same one whatever their order.
                if keyword not in outer and canonical_json(value) < canonical_json(current):
                    result[keyword] = value
                continue
            if keyword != "required" and _all_equal([current, value]):
                continue
            if keyword in _UPPER:
                result[keyword] = min(current, value)  # type: ignore[type-var]
            elif keyword in _LOWER:
                result[keyword] = max(current, value)  # type: ignore[type-var]
            elif keyword == "required":
                assert isinstance(current, list) and isinstance(value, list)
                result[keyword] = sorted({*map(str, current), *map(str, value)})
            elif keyword == "properties":
                assert isinstance(current, Mapping) and isinstance(value, Mapping)
                result[keyword] = {**current, **value}
    return result


__all__ = ["normalise_all_of"]
