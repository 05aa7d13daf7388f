"""Fixed-point columns: ``x-precision`` and ``x-scale`` (``decimal(p, s)``) compared as a constraint."""

from __future__ import annotations

from typing import Any

import pytest

from tessera.core import (
    ChangeKind,
    CompatibilityMode,
    InvalidSchemaError,
    check_compatibility,
    diff_schemas,
    validate_schema,
)
from tests.core.helpers import prop

K = ChangeKind


def dec(precision: int | None = None, scale: int | None = None, type_: str = "number") -> dict[str, Any]:
    schema: dict[str, Any] = {"type": type_}
    if precision is not None:
        schema["x-precision"] = precision
    if scale is not None:
        schema["x-scale"] = scale
    return prop(schema)


# old, new, expected kind (None: no change), message
CASES: list[tuple[dict[str, Any], dict[str, Any], ChangeKind | None, str]] = [
    (dec(10, 2), dec(12, 2), K.CONSTRAINT_RELAXED, 'from "decimal(10,2)" to "decimal(12,2)"'),
    (dec(12, 2), dec(10, 2), K.CONSTRAINT_TIGHTENED, 'from "decimal(12,2)" to "decimal(10,2)"'),
    # More digits after the point at the same precision: fewer before it.
    (dec(10, 2), dec(10, 4), K.CONSTRAINT_CHANGED, 'from "decimal(10,2)" to "decimal(10,4)"'),
    (dec(10, 2), dec(12, 4), K.CONSTRAINT_RELAXED, "relaxed"),
    (dec(12, 4), dec(10, 2), K.CONSTRAINT_TIGHTENED, "tightened"),
    (dec(10, 2), dec(11, 1), K.CONSTRAINT_CHANGED, "changed"),
    (dec(), dec(18, 4), K.CONSTRAINT_TIGHTENED, 'x-precision added: "decimal(18,4)"'),
    (dec(18, 4), dec(), K.CONSTRAINT_RELAXED, 'x-precision removed (was "decimal(18,4)")'),
    (dec(10, type_="integer"), dec(9, type_="integer"), K.CONSTRAINT_TIGHTENED, 'to "decimal(9,0)"'),
    # A scale of 0 written out or left implicit is the same declaration.
    (dec(10, type_="integer"), dec(10, 0, type_="integer"), None, ""),
]


@pytest.mark.parametrize(("old", "new", "kind", "message"), CASES)
def test_precision_and_scale_changes(
    old: dict[str, Any], new: dict[str, Any], kind: ChangeKind | None, message: str
) -> None:
    changes = diff_schemas(old, new).changes
    if kind is None:
        assert changes == ()
        return
    assert [(ch.kind, ch.path, ch.keyword) for ch in changes] == [(kind, "/properties/a", "x-precision")]
    assert message in changes[0].message


def test_a_narrower_decimal_breaks_backward_and_a_wider_one_breaks_forward() -> None:
    def compatible(old: dict[str, Any], new: dict[str, Any], mode: CompatibilityMode) -> bool:
        return check_compatibility(new, [old], mode).compatible

    assert not compatible(dec(12, 2), dec(10, 2), CompatibilityMode.BACKWARD)
    assert compatible(dec(10, 2), dec(12, 2), CompatibilityMode.BACKWARD)
    assert not compatible(dec(10, 2), dec(12, 2), CompatibilityMode.FORWARD)
    assert not compatible(dec(10, 2), dec(10, 4), CompatibilityMode.BACKWARD)


def test_precision_arriving_with_a_type_declaration_is_part_of_it() -> None:
    changes = diff_schemas(prop({}), dec(10, 2)).changes
    assert [c.kind for c in changes] == [K.TYPE_DECLARED]


@pytest.mark.parametrize(
    ("schema", "error"),
    [
        (dec(4, 6), r"'x-scale' \(6\) must not exceed 'x-precision' \(4\)"),
        (prop({"type": "number", "x-precision": -1}), "x-precision"),
        (prop({"type": "number", "x-scale": "2"}), "x-scale"),
    ],
)
def test_invalid_precision_is_rejected(schema: dict[str, Any], error: str) -> None:
    with pytest.raises(InvalidSchemaError, match=error):
        validate_schema(schema)
    with pytest.raises(InvalidSchemaError, match=error):
        diff_schemas(schema, dec(10, 2))
