"""Canonical forms of JSON values."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given

from tessera.core import InvalidSchemaError
from tessera.core.values import canonical_json, canonical_key, identical, json_type_of, same_encoding
from tests.core.strategies import json_values


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        (1, 1.0, True),
        (True, 1, False),
        (False, 0, False),
        (None, False, False),
        ({"a": 1, "b": [1, 2]}, {"b": [1.0, 2], "a": 1.0}, True),
        ([1, 2], [2, 1], False),
        ("1", 1, False),
        ({"x": True}, {"x": 1}, False),
        (1e300, 1e300, True),
    ],
)
def test_canonical_equality(a: Any, b: Any, equal: bool) -> None:
    assert (canonical_key(a) == canonical_key(b)) is equal
    assert (canonical_json(a) == canonical_json(b)) is equal


@given(json_values)
def test_canonical_json_is_json_and_stable(value: Any) -> None:
    text = canonical_json(value)
    assert canonical_json(json.loads(text)) == text


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), {"a": {1, 2}}, object(), [float("-inf")]])
def test_non_json_values_are_invalid(bad: Any) -> None:
    with pytest.raises(InvalidSchemaError):
        canonical_key(bad)


def test_deep_values_are_fine() -> None:
    value: Any = 1.5
    for _ in range(20_000):
        value = {"k": [value]}
    assert canonical_json(value).startswith('{"k":[{"k":')


def test_keys_sort_within_a_type() -> None:
    keys = sorted(canonical_key(v) for v in [3, 1.5, -2, "b", "a", True, False, None, [1]])
    assert [k for k in keys if k[0] == "n"] == [("n", -2), ("n", 1.5), ("n", 3)]


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (None, "null"),
        (True, "boolean"),
        (3, "integer"),
        (3.0, "integer"),
        (3.5, "number"),
        ("x", "string"),
        ([], "array"),
        ({}, "object"),
    ],
)
def test_json_type_of(value: Any, name: str) -> None:
    assert json_type_of(value) == name


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (1, 1.0, True),
        ({"a": 1, "b": 2}, {"b": 2.0, "a": 1}, True),
        ([{"x": 0}], [{"x": -0.0}], True),
        (True, 1, False),
        ([False], [0], False),
        ({"k": [1, True]}, {"k": [1, 1]}, False),
    ],
)
def test_same_encoding_is_json_equality_for_equal_values(a: Any, b: Any, same: bool) -> None:
    assert a == b  # the callers' precondition
    assert same_encoding(a, b) is same
    assert identical(a, b) is same
    assert (canonical_json(a) == canonical_json(b)) is same


def test_same_encoding_of_very_deep_values() -> None:
    a: Any = 1
    b: Any = 1.0
    for _ in range(20_000):
        a, b = [a], [b]
    assert same_encoding(a, b)
    assert not same_encoding([[True]], [[1]])
