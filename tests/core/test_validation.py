"""validate_schema: every problem is named with its location."""

from __future__ import annotations

from typing import Any

import pytest

from tessera.core import InvalidSchemaError, validate_schema
from tests.core.helpers import prop, record


@pytest.mark.parametrize(
    ("schema", "pointer", "fragment"),
    [
        ([], "/", "must be an object or a boolean"),
        ("string", "/", "must be an object or a boolean"),
        ({"type": "strin"}, "/", "unknown type 'strin'"),
        ({"type": []}, "/", "non-empty array of type names"),
        ({"type": [["string"]]}, "/", "unknown type"),
        (prop({"minimum": "1"}), "/properties/a", "'minimum' must be a number"),
        (prop({"minimum": True}), "/properties/a", "'minimum' must be a number"),
        (prop({"multipleOf": 0}), "/properties/a", "greater than 0"),
        (prop({"maxLength": -1}), "/properties/a", "non-negative integer"),
        (prop({"maxLength": 1.5}), "/properties/a", "non-negative integer"),
        (prop({"pattern": 5}), "/properties/a", "'pattern' must be a string"),
        (prop({"uniqueItems": "yes"}), "/properties/a", "true or false"),
        (prop({"nullable": 1}), "/properties/a", "true or false"),
        ({"required": "a"}, "/", "'required' must be an array of strings"),
        ({"properties": []}, "/", "'properties' must be an object"),
        ({"properties": {"a": 1}}, "/properties/a", "must be an object or a boolean"),
        ({"anyOf": []}, "/", "non-empty array"),
        ({"enum": "a"}, "/", "'enum' must be an array"),
        ({"items": [{}, 3]}, "/items/1", "must be an object or a boolean"),
        ({"$ref": "#/$defs/Missing"}, "/", "cannot be resolved"),
        ({"$ref": "https://example.com/s.json"}, "/", "outside this document"),
        ({"$ref": "#nowhere"}, "/", "no $anchor named 'nowhere'"),
        ({"$ref": 3}, "/", "'$ref' must be a string"),
        ({"$ref": "#"}, "/", "refers to itself without any schema in between"),
        ({"const": float("nan")}, "/const", "not a JSON number"),
        ({"x-meta": {"deep": float("inf")}}, "/x-meta", "not a JSON number"),
        ({"dependentRequired": {"a": [1]}}, "/dependentRequired/a", "array of strings"),
        (record(a={"properties": {"b/c": {"type": 1}}}), "/properties/a/properties/b~1c", "type"),
    ],
)
def test_problems_are_located(schema: Any, pointer: str, fragment: str) -> None:
    with pytest.raises(InvalidSchemaError) as info:
        validate_schema(schema)
    assert (info.value.pointer or "/") == pointer
    assert f"at {pointer}: " in str(info.value)
    assert fragment in str(info.value)
    assert info.value.code == "invalid_schema"


def test_the_label_names_the_document() -> None:
    with pytest.raises(InvalidSchemaError, match=r"^orders\.json: at /properties/a: "):
        validate_schema(prop({"type": "x"}), label="orders.json")


@pytest.mark.parametrize(
    "schema",
    [
        True,
        False,
        {},
        {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "definitions": {"A": {"type": "string"}},
            "properties": {"a": {"$ref": "#/definitions/A"}},
        },
        {"$defs": {"A": {"$anchor": "addr", "type": "object"}}, "properties": {"a": {"$ref": "#addr"}}},
        {"properties": {"a": {"$ref": "#/properties/b"}, "b": {"type": "string"}}},
        {"x-anything": [1, {"b": None}], "unknown": "fine"},
        {"type": "array", "items": [{"type": "string"}], "additionalItems": False},
        {"exclusiveMinimum": True, "minimum": 3},
        {"dependencies": {"a": ["b"], "c": {"required": ["d"]}}},
        {"$ref": "#/$defs/A%20B", "$defs": {"A B": {"type": "string"}}},
        {"$ref": "#/$defs/a~1b", "$defs": {"a/b": {"type": "string"}}},
    ],
)
def test_valid_schemas(schema: Any) -> None:
    assert validate_schema(schema) is schema


def _nested(levels: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(levels):
        schema = {"type": "object", "properties": {"a": schema}}
    return schema


def test_schema_depth_is_capped() -> None:
    from tessera.core.keywords import MAX_SCHEMA_DEPTH

    validate_schema(_nested(MAX_SCHEMA_DEPTH // 2))
    with pytest.raises(InvalidSchemaError, match=f"nested more than {MAX_SCHEMA_DEPTH} levels deep"):
        validate_schema(_nested(MAX_SCHEMA_DEPTH // 2 + 1))


def test_schema_width_is_capped_across_the_document() -> None:
    from tessera.core.keywords import MAX_SCHEMA_PROPERTIES

    half = {f"c{i}": {"type": "integer"} for i in range(MAX_SCHEMA_PROPERTIES // 2)}
    at_limit = {"type": "object", "properties": {**half, "x": {"type": "object", "properties": half}}}
    at_limit["properties"].pop("c0")
    validate_schema(at_limit)
    over = {
        "type": "object",
        "properties": {**half, "x": {"type": "object", "properties": {**half, "y": {}}}},
    }
    with pytest.raises(InvalidSchemaError, match="more than 20,000 properties"):
        validate_schema(over)
