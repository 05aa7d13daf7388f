"""Hypothesis strategies: record schemas in the many spellings the core accepts, and arbitrary JSON."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import strategies as st

from tessera.core.keywords import KNOWN_KEYWORDS

NAMES = st.sampled_from(
    ["id", "name", "amount", "status", "created_at", "tags", "address", "zip", "a/b", "x~y"]
)
SCALAR_TYPES = ["string", "integer", "number", "boolean"]
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-1000, 1000)
    | st.floats(-1e6, 1e6, allow_nan=False)
    | st.text(max_size=5)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)


@st.composite
def leaf_schemas(draw: st.DrawFn) -> dict[str, Any]:
    """A column: a declared type (or none) with optional constraints, nullability and annotations."""
    schema: dict[str, Any] = {}
    kind = draw(st.sampled_from([*SCALAR_TYPES, "untyped", "enum", "multi"]))
    if kind == "enum":
        schema["enum"] = draw(
            st.lists(st.sampled_from(["a", "b", "c", "d", 1, 2, None]), min_size=1, max_size=4, unique=True)
        )
    elif kind == "multi":
        schema["type"] = draw(st.lists(st.sampled_from(SCALAR_TYPES), min_size=1, max_size=3, unique=True))
    elif kind != "untyped":
        schema["type"] = kind
        if kind == "string":
            if draw(st.booleans()):
                schema["maxLength"] = draw(st.integers(1, 100))
            if draw(st.booleans()):
                schema["format"] = draw(st.sampled_from(["date", "date-time", "email"]))
            if draw(st.booleans()):
                schema["pattern"] = draw(st.sampled_from(["^a", "^b", "[0-9]+"]))
        elif kind in ("integer", "number"):
            if draw(st.booleans()):
                schema["minimum"] = draw(st.integers(-5, 5))
            if draw(st.booleans()):
                schema["exclusiveMaximum"] = draw(st.integers(10, 20))
            if draw(st.booleans()):
                schema["multipleOf"] = draw(st.sampled_from([1, 2, 4, 0.5]))
    if draw(st.booleans()):
        schema["description"] = draw(st.sampled_from(["one", "two"]))
    if draw(st.integers(0, 4)) == 0:
        schema["default"] = draw(json_scalars)
    if draw(st.integers(0, 3)) == 0:
        # nullable, in one of its spellings
        spelling = draw(st.sampled_from(["anyOf", "nullable", "type-list"]))
        if spelling == "anyOf":
            return {"anyOf": [schema, {"type": "null"}]}
        if spelling == "nullable":
            schema["nullable"] = True
        elif isinstance(schema.get("type"), str):
            schema["type"] = [schema["type"], "null"]
    return schema


def _object(children: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        properties = draw(st.dictionaries(NAMES, children, max_size=4))
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if properties and draw(st.booleans()):
            schema["required"] = draw(st.lists(st.sampled_from(sorted(properties)), unique=True))
        extra = draw(st.sampled_from([None, False, True, {"type": "string"}]))
        if extra is not None:
            schema["additionalProperties"] = extra
        return schema

    return build()


def _composite(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        _object(children),
        st.builds(
            lambda item, n: {"type": "array", "items": item, **({"maxItems": n} if n else {})},
            children,
            st.integers(0, 5),
        ),
        st.builds(lambda items: {"type": "array", "prefixItems": items}, st.lists(children, max_size=3)),
        st.builds(lambda branches: {"anyOf": branches}, st.lists(children, min_size=2, max_size=3)),
        st.builds(lambda branches: {"oneOf": branches}, st.lists(children, min_size=2, max_size=3)),
        st.builds(
            lambda branches: {"type": "object", "allOf": branches}, st.lists(children, min_size=2, max_size=3)
        ),
        st.builds(lambda child: {"not": child}, children),
        st.just(True),
        st.just(False),
    )


schemas = st.recursive(leaf_schemas(), _composite, max_leaves=12)
record_schemas = _object(schemas)


@st.composite
def schemas_with_defs(draw: st.DrawFn) -> dict[str, Any]:
    """A record whose properties may refer to shared (possibly recursive) definitions."""
    defs = draw(st.dictionaries(st.sampled_from(["A", "B", "Node"]), schemas, max_size=3))
    if "Node" in defs:
        defs["Node"] = {
            "type": "object",
            "properties": {"value": defs["Node"], "next": {"$ref": "#/$defs/Node"}},
        }
    names = sorted(defs)
    ref = st.sampled_from(names).map(lambda n: {"$ref": f"#/$defs/{n}"}) if names else schemas
    properties = draw(st.dictionaries(NAMES, st.one_of(schemas, ref), max_size=4))
    return {"type": "object", "properties": properties, "$defs": defs}


def reorder(value: Any, seed: int) -> Any:
    """The same schema with object keys shuffled and order-free lists permuted (required, enum, type,
    anyOf/oneOf/allOf branches). Iterative, so deep values are fine."""
    rng = random.Random(seed)

    def shuffled(items: list[Any]) -> list[Any]:
        items = list(items)
        rng.shuffle(items)
        return items

    def rebuild(node: Any, parent_key: str | None) -> Any:
        if isinstance(node, dict):
            keys = shuffled(list(node))
            return {k: rebuild(node[k], k) for k in keys}
        if isinstance(node, list):
            items = [rebuild(v, None) for v in node]
            if parent_key in ("required", "enum", "type", "anyOf", "oneOf", "allOf"):
                return shuffled(items)
            return items
        return node

    return rebuild(value, None)


def keyword_json() -> st.SearchStrategy[Any]:
    """Arbitrary JSON biased towards schema keywords, to fuzz the engine."""
    keys = st.sampled_from(sorted(KNOWN_KEYWORDS)) | st.text(max_size=6)
    scalars = json_scalars | st.sampled_from(
        ["string", "object", "null", "#", "#/$defs/A", "#/properties/a", "x"]
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
        max_leaves=25,
    )
