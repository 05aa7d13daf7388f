"""The diff beyond one-kind examples: spellings that are no change, nesting, refs, compositions."""

from __future__ import annotations

from typing import Any

import pytest

from tessera.core import ChangeKind, CompatibilityMode, InvalidSchemaError, diff_schemas
from tests.core.helpers import has, kinds, only, prop, record

K = ChangeKind
S = {"type": "string"}

NULLABLE_STRING_SPELLINGS = [
    {"type": ["string", "null"]},
    {"type": ["null", "string"]},
    {"anyOf": [{"type": "string"}, {"type": "null"}]},
    {"oneOf": [{"type": "null"}, {"type": "string"}]},
    {"type": "string", "nullable": True},
    {"anyOf": [{"type": "string"}, {"const": None}]},
    {"allOf": [{"type": ["string", "null"]}]},
]


@pytest.mark.parametrize("old", NULLABLE_STRING_SPELLINGS)
@pytest.mark.parametrize("new", NULLABLE_STRING_SPELLINGS)
def test_nullability_spellings_are_the_same(old: Any, new: Any) -> None:
    assert kinds(prop(old), prop(new)) == []


@pytest.mark.parametrize("nullable", NULLABLE_STRING_SPELLINGS)
def test_every_nullability_spelling_is_detected(nullable: Any) -> None:
    assert only(prop(S), prop(nullable)).kind is K.NULLABILITY_ADDED
    assert only(prop(nullable), prop(S)).kind is K.NULLABILITY_REMOVED


def test_nullable_union_of_an_object_is_looked_through() -> None:
    inner = {"type": "object", "properties": {"zip": S, "city": S}}
    old = prop({"anyOf": [inner, {"type": "null"}]})
    new = prop({"anyOf": [{"type": "null"}, {"type": "object", "properties": {"city": S}}]})
    assert kinds(old, new) == [("property_removed", "/properties/a/properties/zip")]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ({"type": "string", "required": [], "enum": ["b", "a"]}, {"enum": ["a", "b"], "type": "string"}),
        ({"type": ["integer", "string"]}, {"type": ["string", "integer"]}),
        ({"type": ["integer", "number"]}, {"type": "number"}),
        ({"anyOf": [{"type": "string"}, {"type": "integer"}]}, {"type": ["integer", "string"]}),
        ({"enum": [1, 2]}, {"enum": [2.0, 1.0]}),
        ({"minimum": 1, "exclusiveMinimum": True}, {"exclusiveMinimum": 1}),
        ({"maximum": 5}, {"maximum": 5.0}),
        ({"type": "string", "maxLength": 5}, {"type": "string", "maxLength": 5.0}),
        (True, {}),
        ({"allOf": [{"$ref": "#/$defs/X"}], "description": "d"}, {"$ref": "#/$defs/X", "description": "d"}),
    ],
)
def test_equivalent_spellings(old: Any, new: Any) -> None:
    defs = {"$defs": {"X": S}}
    assert kinds({**prop(old), **defs}, {**prop(new), **defs}) == []


def test_true_is_not_one_when_nothing_else_differs() -> None:
    # Python's == takes true for 1, so equal-looking sub-trees are confirmed before being skipped.
    assert [k for k, _ in kinds(prop({"enum": [1, "x"]}), prop({"enum": [True, "x"]}))] == [
        "type_changed",
        "enum_values_added",
        "enum_values_removed",
    ]
    assert kinds(prop({"const": False}), prop({"const": 0})) != []
    assert kinds(prop({"default": 1}), prop({"default": 1.0})) == []  # the same JSON number


def test_true_is_not_one_when_the_node_is_compared() -> None:
    old = prop({"enum": [1, "x"], "description": "a"})
    new = prop({"enum": [True, "x"], "description": "b"})
    assert [k for k, _ in kinds(old, new)] == [
        "type_changed",
        "enum_values_added",
        "enum_values_removed",
        "metadata_changed",
    ]


def test_required_of_a_new_property_is_reported_too() -> None:
    assert kinds(record(), record(required=["b"], b=S)) == [
        ("property_added", "/properties/b"),
        ("required_added", "/properties/b"),
    ]
    diff = diff_schemas(record(), record(required=["b"], b=S))
    assert [c.is_breaking(CompatibilityMode.BACKWARD) for c in diff.changes] == [False, True]
    assert [c.is_breaking(CompatibilityMode.FORWARD) for c in diff.changes] == [True, False]


def test_nested_objects_and_arrays_of_objects() -> None:
    address = {"type": "object", "properties": {"zip": S, "street": S}, "required": ["zip"]}
    old = record(address=address, lines={"type": "array", "items": address})
    smaller = {"type": "object", "properties": {"street": {"type": "integer"}}}
    new = record(address=smaller, lines={"type": "array", "items": smaller})
    assert kinds(old, new) == [
        ("type_changed", "/properties/address/properties/street"),
        ("property_removed", "/properties/address/properties/zip"),
        ("required_removed", "/properties/address/properties/zip"),
        ("type_changed", "/properties/lines/items/properties/street"),
        ("property_removed", "/properties/lines/items/properties/zip"),
        ("required_removed", "/properties/lines/items/properties/zip"),
    ]


def test_path_escaping() -> None:
    change = only(record(**{"a/b": S, "c~d": S}), record(**{"c~d": S}))
    assert change.path == "/properties/a~1b"


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        ({"minimum": 0}, {"minimum": 1}, K.CONSTRAINT_TIGHTENED),
        ({"minimum": 0}, {"exclusiveMinimum": 0}, K.CONSTRAINT_TIGHTENED),
        ({"exclusiveMinimum": 0}, {"minimum": 0}, K.CONSTRAINT_RELAXED),
        ({"maximum": 10}, {"maximum": 9}, K.CONSTRAINT_TIGHTENED),
        ({"maximum": 10}, {"exclusiveMaximum": 10}, K.CONSTRAINT_TIGHTENED),
        ({"maximum": 10, "exclusiveMaximum": True}, {"maximum": 10}, K.CONSTRAINT_RELAXED),
        ({"multipleOf": 2}, {"multipleOf": 4}, K.CONSTRAINT_TIGHTENED),
        ({"multipleOf": 4}, {"multipleOf": 2}, K.CONSTRAINT_RELAXED),
        ({"multipleOf": 0.5}, {"multipleOf": 1}, K.CONSTRAINT_TIGHTENED),
        ({"multipleOf": 2}, {"multipleOf": 3}, K.CONSTRAINT_CHANGED),
        ({"minLength": 1}, {"minLength": 2}, K.CONSTRAINT_TIGHTENED),
        ({}, {"maxItems": 3}, K.CONSTRAINT_TIGHTENED),
        ({"maxItems": 3}, {}, K.CONSTRAINT_RELAXED),
        ({"minItems": 2}, {"minItems": 1}, K.CONSTRAINT_RELAXED),
        ({}, {"uniqueItems": True}, K.CONSTRAINT_TIGHTENED),
        ({"uniqueItems": True}, {"uniqueItems": False}, K.CONSTRAINT_RELAXED),
        ({"maxProperties": 3}, {"maxProperties": 2}, K.CONSTRAINT_TIGHTENED),
        ({}, {"pattern": "^a"}, K.CONSTRAINT_TIGHTENED),
        ({"pattern": "^a"}, {}, K.CONSTRAINT_RELAXED),
        ({}, {"additionalProperties": False}, K.CONSTRAINT_TIGHTENED),
        ({"additionalProperties": False}, {"additionalProperties": True}, K.CONSTRAINT_RELAXED),
        ({"additionalProperties": {"type": "string"}}, {}, K.CONSTRAINT_RELAXED),
        ({"additionalProperties": False}, {"additionalProperties": S}, K.CONSTRAINT_RELAXED),
        ({"items": False}, {}, K.CONSTRAINT_RELAXED),
        (
            {"anyOf": [{"minimum": 1}, {"maximum": -1}]},
            {"oneOf": [{"minimum": 1}, {"maximum": -1}]},
            K.CONSTRAINT_TIGHTENED,
        ),
        ({"dependentRequired": {"a": ["b"]}}, {}, K.CONSTRAINT_RELAXED),
    ],
)
def test_constraints(old: Any, new: Any, kind: ChangeKind) -> None:
    change = only(
        prop({"type": ["number", "array", "object", "string"], **old}),
        prop({"type": ["number", "array", "object", "string"], **new}),
    )
    assert change.kind is kind


def test_bounds_are_shown_as_comparisons() -> None:
    change = only(prop({"type": "number", "minimum": 0}), prop({"type": "number", "exclusiveMinimum": 0}))
    assert (change.old, change.new) == (">= 0", "> 0")


def test_additional_properties_schema_is_compared_inside() -> None:
    assert kinds(
        prop({"type": "object", "additionalProperties": S}),
        prop({"type": "object", "additionalProperties": {"type": "integer"}}),
    ) == [("type_changed", "/properties/a/additionalProperties")]


def test_declaring_a_type_folds_the_constraints_that_come_with_it() -> None:
    # A warehouse column of unknown type documented as varchar(255) breaks nobody.
    change = only(
        prop({"description": "x"}),
        prop({"description": "x", "type": "string", "maxLength": 255, "format": "email"}),
    )
    assert change.kind is K.TYPE_DECLARED
    assert not change.is_breaking(CompatibilityMode.FULL)
    # ...but an enum arriving with it is a real restriction.
    assert kinds(prop({}), prop({"type": "string", "enum": ["a"]})) == [
        ("type_declared", "/properties/a"),
        ("enum_introduced", "/properties/a"),
    ]
    # Dropping the declaration takes its constraints with it, and is a loosening.
    assert kinds(prop({"type": "string", "maxLength": 255}), prop({})) == [
        ("type_undeclared", "/properties/a")
    ]


def test_nullability_of_an_untyped_column_is_unknown() -> None:
    assert kinds(prop({}), prop({"type": ["string", "null"]})) == [("type_declared", "/properties/a")]


def test_unions_with_objects_are_matched_by_shape() -> None:
    a = {"type": "object", "properties": {"x": S}}
    b = {"type": "array", "items": S}
    old = prop({"oneOf": [a, b]})
    new = prop(
        {
            "oneOf": [
                {"type": "array", "items": {"type": "integer"}},
                {"type": "object", "properties": {"x": S, "y": S}},
            ]
        }
    )
    assert kinds(old, new) == [
        ("type_changed", "/properties/a/oneOf/0/items"),
        ("property_added", "/properties/a/oneOf/1/properties/y"),
    ]


def test_union_on_one_side_only() -> None:
    union = {"anyOf": [{"type": "string", "minLength": 1}, {"type": "integer", "minimum": 0}]}
    assert only(prop({}), prop(union)).kind is K.SUBSCHEMA_ADDED
    assert only(prop(union), prop({})).kind is K.SUBSCHEMA_REMOVED
    assert kinds(prop(union), prop(S)) == [
        ("type_declared", "/properties/a"),
        ("subschema_changed", "/properties/a/anyOf"),
    ]


@pytest.mark.parametrize(("old", "new"), [({"format": "date"}, {"format": "date-time"})])
def test_format_date_to_timestamp_is_a_real_change(old: Any, new: Any) -> None:
    change = only(prop({"type": "string", **old}), prop({"type": "string", **new}))
    assert change.kind is K.FORMAT_CHANGED
    assert change.is_breaking(CompatibilityMode.BACKWARD)
    assert change.is_breaking(CompatibilityMode.FORWARD)


def test_property_schema_false_then_removed() -> None:
    assert kinds(prop(False), record()) == [("property_removed", "/properties/a")]


def test_invalid_parts_are_reported_with_side_and_location() -> None:
    with pytest.raises(InvalidSchemaError) as info:
        diff_schemas(prop(S), prop({"type": "strnig"}))
    assert info.value.document == "new schema"
    assert info.value.pointer == "/properties/a"
    assert "strnig" in str(info.value)
    with pytest.raises(InvalidSchemaError, match="old schema"):
        diff_schemas(prop({"maxLength": -1}), prop({"maxLength": 2}))


def test_diff_to_dict() -> None:
    diff = diff_schemas(record(zip=S), record(postcode=S))
    data = diff.to_dict(CompatibilityMode.BACKWARD)
    assert [c["kind"] for c in data["changes"]] == ["property_added", "property_removed"]
    assert data["renames"] == [
        {
            "old_path": "/properties/zip",
            "new_path": "/properties/postcode",
            "old_name": "zip",
            "new_name": "postcode",
            "suggestion": diff.renames[0].suggestion,
        }
    ]


def test_schema_diff_helpers() -> None:
    diff = diff_schemas(record(a=S), record(a={"type": "integer"}, b=S))
    assert not diff.is_empty
    assert [c.kind for c in diff.breaking_changes("backward")] == [K.TYPE_CHANGED]
    assert diff.bump("backward").value == "major"
    assert diff_schemas(record(a=S), record(a=S)).is_empty
    assert has(record(a=S), record(a=S, b=S), K.PROPERTY_ADDED, "/properties/b").new == S
