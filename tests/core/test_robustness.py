"""The engine never fails in an unexpected way: fuzzing, deep nesting, cycles, huge values."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from tessera.core import (
    ChangeKind,
    InvalidSchemaError,
    check_compatibility,
    diff_schemas,
    schema_fingerprint,
    validate_schema,
)
from tessera.core.keywords import MAX_DEPTH
from tests.core.helpers import has, kinds, only, prop, record
from tests.core.strategies import json_values, keyword_json, schemas

FUZZ = settings(
    max_examples=int(os.environ.get("CORE_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
anything = json_values | keyword_json() | schemas


def _only_invalid_schema_error(call: Any) -> None:
    message = "ok"
    try:
        call()
    except InvalidSchemaError as exc:
        message = str(exc)
    assert message


@FUZZ
@given(anything, anything)
def test_diff_of_arbitrary_json_raises_only_invalid_schema_error(a: Any, b: Any) -> None:
    _only_invalid_schema_error(lambda: diff_schemas(a, b))
    _only_invalid_schema_error(lambda: check_compatibility(b, [a, b], "full_transitive"))


@FUZZ
@given(anything)
def test_validation_and_fingerprint_of_arbitrary_json(value: Any) -> None:
    _only_invalid_schema_error(lambda: validate_schema(value))
    _only_invalid_schema_error(lambda: schema_fingerprint(value))


@FUZZ
@given(keyword_json(), keyword_json())
def test_valid_schemas_always_diff_without_error(a: Any, b: Any) -> None:
    try:
        validate_schema(a)
        validate_schema(b)
    except InvalidSchemaError:
        return
    diff_schemas(a, b)  # must not raise at all
    schema_fingerprint(a)


@FUZZ
@given(anything)
def test_inputs_are_never_mutated(value: Any) -> None:
    before = json.dumps(value, sort_keys=True)
    _only_invalid_schema_error(lambda: diff_schemas(value, {"type": "object"}))
    _only_invalid_schema_error(lambda: schema_fingerprint(value))
    assert json.dumps(value, sort_keys=True) == before


def _nested_objects(depth: int, leaf: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = leaf
    for level in range(depth):
        schema = {"type": "object", "properties": {f"level{level}": schema}, "required": [f"level{level}"]}
    return schema


@pytest.mark.parametrize("depth", [250, 2_400])
def test_deep_nesting_of_objects(depth: int) -> None:
    old = _nested_objects(depth, {"type": "integer"})
    new = _nested_objects(depth, {"type": "string"})
    validate_schema(old, max_depth=MAX_DEPTH)  # the engine's own limit; submissions are capped lower
    change = only(old, new)
    assert change.kind is ChangeKind.TYPE_CHANGED
    assert change.path.count("/properties/") == depth
    assert diff_schemas(old, _nested_objects(depth, {"type": "integer"})).changes == ()
    assert schema_fingerprint(old) == schema_fingerprint(_nested_objects(depth, {"type": "integer"}))
    assert schema_fingerprint(old) != schema_fingerprint(new)


def test_nesting_beyond_the_limit_is_a_clear_error() -> None:
    too_deep = _nested_objects(3_000, {"type": "integer"})
    other = _nested_objects(3_000, {"type": "string"})
    for call in (
        lambda: validate_schema(too_deep, max_depth=MAX_DEPTH),
        lambda: diff_schemas(too_deep, other),
        lambda: schema_fingerprint(too_deep),
    ):
        with pytest.raises(InvalidSchemaError, match="nested more than 5000 levels"):
            call()


def test_deep_nesting_read_from_json_text() -> None:
    text = '{"type":"array","items":' * 400 + '{"type":"string"}' + "}" * 400
    old = json.loads(text)
    new = json.loads(text.replace('"string"', '"integer"'))
    validate_schema(old, max_depth=MAX_DEPTH)
    assert only(old, new).path == "/items" * 400


def test_deep_nesting_inside_an_enum_value() -> None:
    value: Any = "x"
    for _ in range(3_000):
        value = [value]
    old = prop({"enum": [value]})
    new = prop({"enum": [value, [[value]]]})
    assert only(old, new).kind is ChangeKind.ENUM_VALUES_ADDED
    assert diff_schemas(old, prop({"enum": [value]})).changes == ()
    validate_schema(old)
    schema_fingerprint(new)


def test_an_object_that_contains_itself_is_rejected_not_looped_on() -> None:
    schema: dict[str, Any] = {"type": "object"}
    schema["properties"] = {"self": schema}
    other: dict[str, Any] = {"type": "object", "description": "x"}
    other["properties"] = {"self": other}
    with pytest.raises(InvalidSchemaError, match="contains itself"):
        diff_schemas(schema, other)
    assert kinds(schema, {"type": "object", "properties": {"self": {"type": "object"}}}) == [
        ("property_removed", "/properties/self/properties/self")
    ]
    with pytest.raises(InvalidSchemaError, match="contains itself"):
        schema_fingerprint(schema)
    validate_schema(schema)  # visiting each object once is enough to validate it


RECURSIVE = {
    "type": "object",
    "properties": {"root": {"$ref": "#/$defs/Node"}},
    "$defs": {
        "Node": {
            "type": "object",
            "properties": {
                "value": {"type": "integer"},
                "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
            },
        }
    },
}


def test_cyclic_refs_are_safe() -> None:
    validate_schema(RECURSIVE)
    assert diff_schemas(RECURSIVE, RECURSIVE).changes == ()
    schema_fingerprint(RECURSIVE)
    changed = json.loads(json.dumps(RECURSIVE))
    changed["$defs"]["Node"]["properties"]["value"]["type"] = "string"
    # The definition is compared where it lives, once.
    assert kinds(RECURSIVE, changed) == [("type_changed", "/$defs/Node/properties/value")]


def test_cyclic_refs_under_different_names_are_compared_structurally() -> None:
    renamed = json.loads(json.dumps(RECURSIVE).replace("Node", "TreeNode"))
    assert kinds(RECURSIVE, renamed) == [
        ("definition_removed", "/$defs/Node"),
        ("definition_added", "/$defs/TreeNode"),
    ]
    changed = json.loads(json.dumps(renamed))
    changed["$defs"]["TreeNode"]["properties"]["value"]["type"] = "string"
    found = kinds(RECURSIVE, changed)
    assert ("type_changed", "/properties/root/properties/value") in found


def test_mutually_recursive_definitions() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"$ref": "#/$defs/A"}},
        "$defs": {
            "A": {"type": "object", "properties": {"b": {"$ref": "#/$defs/B"}}},
            "B": {"type": "object", "properties": {"a": {"$ref": "#/$defs/A"}}},
        },
    }
    inline_once = {
        "type": "object",
        "properties": {"a": {"$ref": "#/$defs/B2"}},
        "$defs": {
            "B2": {
                "type": "object",
                "properties": {"b": {"type": "object", "properties": {"a": {"$ref": "#/$defs/B2"}}}},
            }
        },
    }
    validate_schema(schema)
    schema_fingerprint(schema)
    diff_schemas(schema, inline_once)  # terminates
    diff_schemas(inline_once, schema)


def test_a_reference_loop_without_any_schema_is_invalid() -> None:
    schema = {"$ref": "#/$defs/A", "$defs": {"A": {"$ref": "#/$defs/B"}, "B": {"$ref": "#/$defs/A"}}}
    with pytest.raises(InvalidSchemaError, match="refers to itself"):
        validate_schema(schema)
    with pytest.raises(InvalidSchemaError, match=r"^new schema: at /: .* refers to itself"):
        diff_schemas({}, schema)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (True, True, []),
        (True, {}, []),
        (False, False, []),
        (True, False, [("schema_forbidden", "")]),
        (False, True, [("schema_allowed", "")]),
        (record(a=True), record(a={}), []),
    ],
)
def test_boolean_schemas(old: Any, new: Any, expected: list[tuple[str, str]]) -> None:
    assert kinds(old, new) == expected


def test_huge_enums() -> None:
    values = [f"value-{i}" for i in range(100_000)]
    old = prop({"type": "string", "enum": values})
    new = prop({"type": "string", "enum": [*reversed(values[3:]), "extra"]})
    changes = diff_schemas(old, new).changes
    assert [c.kind for c in changes] == [ChangeKind.ENUM_VALUES_ADDED, ChangeKind.ENUM_VALUES_REMOVED]
    assert changes[1].old == ["value-0", "value-1", "value-2"]
    assert len(changes[1].message) < 200
    many = diff_schemas(prop({"enum": values}), prop({"enum": ["x"]})).changes
    assert "and 99,995 more" in many[1].message or "and 99,995 more" in many[0].message


def test_unknown_keywords_are_metadata() -> None:
    change = only(prop({"type": "string", "x-pii": True}), prop({"type": "string", "x-pii": False}))
    assert change.kind is ChangeKind.METADATA_CHANGED
    assert change.keyword == "x-pii"
    assert (
        only(prop({"type": "string", "made-up": [1]}), prop({"type": "string"})).kind
        is ChangeKind.METADATA_CHANGED
    )


def test_tuple_items_in_both_drafts() -> None:
    draft7 = prop(
        {"type": "array", "items": [{"type": "string"}, {"type": "integer"}], "additionalItems": False}
    )
    draft2020 = prop(
        {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}], "items": False}
    )
    assert kinds(draft7, draft2020) == []
    widened = prop({"type": "array", "prefixItems": [{"type": "string"}, {"type": "number"}], "items": False})
    assert kinds(draft7, widened) == [("type_widened", "/properties/a/prefixItems/1")]
    has(
        draft7,
        prop({"type": "array", "prefixItems": [{"type": "string"}]}),
        ChangeKind.TUPLE_ITEM_REMOVED,
        "/properties/a/prefixItems/1",
    )


def test_items_array_next_to_prefix_items_is_invalid() -> None:
    with pytest.raises(InvalidSchemaError, match="prefixItems"):
        validate_schema({"prefixItems": [{}], "items": [{}]})
