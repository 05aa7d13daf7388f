"""Canonical forms of JSON values: equality the way JSON Schema means it.

JSON Schema compares values structurally: ``1`` equals ``1.0``, but ``true`` is not ``1`` and key order in
objects never matters. Python's ``==`` gets the first right and the second wrong, so enum members, ``const``
and ``default`` values are compared through :func:`canonical_key` instead. Every function here is
iterative: arbitrarily deep values cannot exhaust the interpreter's recursion limit.
"""

from __future__ import annotations

import json
import marshal
import math
import re
from collections.abc import Mapping
from typing import Any, TypeAlias, cast

from tessera.core.errors import InvalidSchemaError
from tessera.core.json_types import JsonValue

_PLAIN = json.JSONEncoder(sort_keys=True, separators=(",", ":"), allow_nan=False)
_quote = json.encoder.encode_basestring_ascii  # C-accelerated string quoting, ASCII output


class _Text:
    """A literal piece of output queued on the canonical encoder's stack."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


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
    """For values already ``==``: whether they are written the same way. marshal's output tells ``true``
    from ``1`` (and also ``1`` from ``1.0`` and reordered keys, which only costs the caller a closer
    look). False when marshal cannot encode them (too deep, not plain data)."""
    try:
        return marshal.dumps(cast(Any, old)) == marshal.dumps(cast(Any, new))
    except (ValueError, TypeError):
        return False


def _number_text(value: float, pointer: object | None) -> str:
    if not math.isfinite(value):
        raise InvalidSchemaError(f"{value!r} is not a JSON number", pointer)
    if value.is_integer():
        return str(int(value))
    return repr(value)


# A float in JSON text always has a digit followed by "." or an exponent. Text without that pattern has
# no float that could need normalising (a match inside a string only costs the slow path).
_FLOAT_HINT = re.compile(r"[0-9][.eE]")


def canonical_json(value: object, pointer: object | None = None) -> str:
    """Serialise a JSON value deterministically: sorted keys, integral floats as integers, ASCII only.

    Raises InvalidSchemaError (located at ``pointer``) for anything that is not a JSON value.
    """
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, dict | list | tuple):
        # Fast path: the C encoder, when its output provably needs no float normalisation.
        try:
            text = _PLAIN.encode(value)
        except (TypeError, ValueError, RecursionError):
            pass  # not plain JSON, or too deep for the C encoder: the walk below decides
        else:
            if _FLOAT_HINT.search(text) is None:
                return text
    return _canonical_walk(value, pointer)


def _canonical_walk(value: object, pointer: object | None) -> str:
    out: list[str] = []
    stack: list[object] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _Text):
            out.append(item.text)
        elif item is None:
            out.append("null")
        elif item is True:
            out.append("true")
        elif item is False:
            out.append("false")
        elif isinstance(item, str):
            out.append(_quote(item))
        elif isinstance(item, int):
            out.append(str(item))
        elif isinstance(item, float):
            out.append(_number_text(item, pointer))
        elif isinstance(item, Mapping):
            keys = list(item.keys())
            if not all(isinstance(k, str) for k in keys):
                raise InvalidSchemaError("object keys must be strings", pointer)
            entries: list[object] = [_Text("{")]
            for index, key in enumerate(sorted(keys)):
                entries.append(_Text(("," if index else "") + _quote(key) + ":"))
                entries.append(item[key])
            entries.append(_Text("}"))
            stack.extend(reversed(entries))
        elif isinstance(item, list | tuple):
            entries = [_Text("[")]
            for index, element in enumerate(item):
                if index:
                    entries.append(_Text(","))
                entries.append(element)
            entries.append(_Text("]"))
            stack.extend(reversed(entries))
        else:
            raise InvalidSchemaError(f"not a JSON value: {type(item).__name__}", pointer)
    return "".join(out)


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
