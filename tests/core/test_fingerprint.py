"""schema_fingerprint: equal exactly for spellings of the same schema."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tessera.core import InvalidSchemaError, schema_fingerprint
from tests.core.helpers import prop, record

S = {"type": "string"}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (record(required=["x", "y"], x=S, y=S), record(required=["y", "x"], y=S, x=S)),
        (prop({"enum": ["a", "b"]}), prop({"enum": ["b", "a"]})),
        (prop({"type": ["string", "null"]}), prop({"anyOf": [{"type": "null"}, S]})),
        (prop({"type": "string", "nullable": True}), prop({"type": ["null", "string"]})),
        (
            prop({"anyOf": [S, {"type": "integer", "minimum": 1}]}),
            prop({"anyOf": [{"minimum": 1, "type": "integer"}, S]}),
        ),
        ({**prop({"$ref": "#/$defs/X"}), "$defs": {"X": S}}, {**prop(S), "$defs": {"X": S}}),
        (prop({"type": "array", "items": [S]}), prop({"type": "array", "prefixItems": [S]})),
        (prop({"minimum": 3, "exclusiveMinimum": True}), prop({"exclusiveMinimum": 3.0})),
        (prop({"enum": [1, 2.5]}), prop({"enum": [2.5, 1.0]})),
        (prop({"const": {"a": 1, "b": [2]}}), prop({"const": {"b": [2.0], "a": 1.0}})),
        (prop({"maximum": 1e20, "default": 0}), prop({"maximum": 100000000000000000000, "default": -0.0})),
        (prop({**S, "description": "naïve ✓"}), prop({"description": "naïve ✓", **S})),
        (True, {}),
    ],
)
def test_same_schema_in_other_spellings(a: Any, b: Any) -> None:
    assert schema_fingerprint(a) == schema_fingerprint(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (prop(S), prop({"type": "integer"})),
        (prop(S), prop({"type": "string", "description": "documented"})),
        (record(required=["a"], a=S), record(a=S)),
        (prop({"const": 1}), prop({"const": True})),
        (prop({"enum": [0, 1]}), prop({"enum": [False, True]})),
        (prop({"maximum": 9223372036854775807}), prop({"maximum": 9223372036854775806})),
        (prop({**S, "description": "\ue000"}), prop({**S, "description": "\U0001f600"})),
        (
            prop({"type": "array", "prefixItems": [S, {"type": "integer"}]}),
            prop({"type": "array", "prefixItems": [{"type": "integer"}, S]}),
        ),
        (True, False),
    ],
)
def test_different_schemas(a: Any, b: Any) -> None:
    assert schema_fingerprint(a) != schema_fingerprint(b)


def test_format() -> None:
    # Lowercase hex of a SHA-256: what the API returns and clients compare as text.
    assert re.fullmatch(r"[0-9a-f]{64}", schema_fingerprint(record(a=S)))


def test_invalid_input() -> None:
    with pytest.raises(InvalidSchemaError, match="unknown type 'nope'") as unknown:
        schema_fingerprint({"type": "nope"})
    with pytest.raises(InvalidSchemaError, match="must be an object or a boolean") as not_a_schema:
        schema_fingerprint([])  # type: ignore[arg-type]
    assert unknown.value.code == not_a_schema.value.code == "invalid_schema"
