"""Canonical forms of JSON values: equality the way JSON Schema means it.

JSON Schema compares values structurally: ``1`` equals ``1.0``, but ``true`` is not ``1`` and key order in
objects never matters. Python's ``==`` gets the first right and the second wrong, so enum members, ``const``
and ``default`` values are compared through :func:`canonical_key` instead. Every function here is
iterative: arbitrarily deep values cannot exhaust the interpreter's recursion limit.
"""

from __future__ import annotations

import marshal
import math
from typing import Any, TypeAlias, cast

from tessera.core.canonical import canonical_json
from tessera.core.errors import InvalidSchemaError
from tessera.core.json_types import JsonValue


def identical(old: object, new: object) -> bool:
    """Equal, and written the same way: ``==`` alone takes ``true`` for ``1``. False when the values are
    too deep to compare or not plain data (the caller then looks closer)."""
    if old is new:
        return True
    try:
        return bool(old == new) and same_encoding(old, new)
    except Exception:
        return False


def same_encoding(old: object, new: object) -> bool:
    """For values already ``==``: whether they are the same JSON (``true`` is not ``1``; ``1`` is ``1.0``
    and key order does not matter). False when they are not JSON values."""
    try:
        # marshal is a C-speed shortcut: equal bytes mean equal types and values all the way down.
        if marshal.dumps(cast(Any, old)) == marshal.dumps(cast(Any, new)):
            return True
    except (ValueError, TypeError):
        pass  # too deep for marshal, or not plain data: the canonical encoding decides
    try:
        return canonical_json(old) == canonical_json(new)
    except InvalidSchemaError:
        return False


CanonicalKey: TypeAlias = tuple[str, float | str | bool | None]
"""Hashable and totally ordered: a tag naming the JSON type, then a comparable payload."""


def canonical_key(value: object, pointer: object | None = None) -> CanonicalKey:
    """A key equal for two values exactly when JSON Schema considers them equal.

    Keys also sort deterministically (by type tag, then value), which orders enum listings.
    """
    if value is None:
        return ("z", None)
    if value is True or value is False:
        return ("b", value)
    if isinstance(value, str):
        return ("s", value)
    if isinstance(value, int):
        return ("n", value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidSchemaError(f"{value!r} is not a JSON number", pointer)
        return ("n", int(value)) if value.is_integer() else ("n", value)
    return ("j", canonical_json(value, pointer))


def json_type_of(value: JsonValue) -> str:
    """The JSON Schema type name of a JSON value (integral floats count as ``integer``)."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "boolean"
    if isinstance(value, str):
        return "string"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, list | tuple):
        return "array"
    return "object"


__all__ = ["CanonicalKey", "canonical_json", "canonical_key", "json_type_of"]
