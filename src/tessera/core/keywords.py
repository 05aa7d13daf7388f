"""The JSON Schema vocabulary the core understands, and shallow checks of each keyword's shape.

Drafts 2020-12 and 07 (plus OpenAPI's ``nullable`` and draft-04 boolean exclusive bounds) are read.
Anything else is an unknown keyword: kept, compared as metadata, never an error.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from tessera.core.errors import InvalidSchemaError
from tessera.core.json_types import JsonValue

MAX_DEPTH = 5_000
"""Deepest path (in JSON-pointer segments) the core walks. JSON parsers stop near 1,000 levels; deeper
input was built in memory, and usually contains itself."""

MAX_SCHEMA_DEPTH = 64
"""Deepest path (in JSON-pointer segments, ``/properties/a`` is two) a submitted schema may have: about
30 nested objects, far beyond any table's, and well within what every later step (diff, fingerprint,
JSON encoding of the answer) handles."""

MAX_SCHEMA_PROPERTIES = 20_000
"""Most ``properties`` entries a submitted schema may declare in all: wider schemas cost seconds of CPU
per diff and no warehouse table has that many columns."""

TYPE_NAMES = frozenset({"null", "boolean", "object", "array", "number", "string", "integer"})

# Keywords whose value maps names to sub-schemas.
SCHEMA_MAP_KEYWORDS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
# Keywords whose value is one sub-schema (``items`` may also be a list, see below).
SCHEMA_KEYWORDS = (
    "additionalProperties",
    "unevaluatedProperties",
    "items",
    "additionalItems",
    "unevaluatedItems",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
    "contentSchema",
)
# Keywords whose value is a list of sub-schemas (``items`` in draft-07 array form too).
SCHEMA_LIST_KEYWORDS = ("allOf", "anyOf", "oneOf", "prefixItems")

NUMBER_KEYWORDS = ("minimum", "maximum", "multipleOf")
COUNT_KEYWORDS = (
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "minContains",
    "maxContains",
)
STRING_KEYWORDS = ("pattern", "format", "$ref", "$dynamicRef", "$recursiveRef")
# Fixed-point numbers, ``decimal(p, s)``: total digits and digits after the point (the dbt adapter writes
# them for warehouse NUMERIC/DECIMAL columns). Non-negative integers, compared as a constraint.
DECIMAL_KEYWORDS = ("x-precision", "x-scale")
BOOLEAN_KEYWORDS = ("uniqueItems", "nullable")

# Annotations: they describe data without constraining it. Keywords nobody knows count as metadata too.
METADATA_KEYWORDS = frozenset(
    {
        "title",
        "description",
        "examples",
        "example",
        "$comment",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$schema",
        "$id",
        "$anchor",
        "$dynamicAnchor",
        "$recursiveAnchor",
        "$vocabulary",
        "contentMediaType",
        "contentEncoding",
    }
)

KNOWN_KEYWORDS = frozenset(
    {
        "type",
        "enum",
        "const",
        "default",
        "required",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "dependentRequired",
        "dependencies",
        *SCHEMA_MAP_KEYWORDS,
        *SCHEMA_KEYWORDS,
        *SCHEMA_LIST_KEYWORDS,
        *NUMBER_KEYWORDS,
        *COUNT_KEYWORDS,
        *DECIMAL_KEYWORDS,
        *STRING_KEYWORDS,
        *BOOLEAN_KEYWORDS,
    }
)


def is_metadata_keyword(keyword: str) -> bool:
    """Annotation-only keywords, ``x-`` extensions and unknown keywords."""
    return keyword in METADATA_KEYWORDS or keyword not in KNOWN_KEYWORDS


def expect_schema(value: object, where: object) -> None:
    """A sub-schema is an object or a boolean."""
    if not isinstance(value, Mapping | bool):
        raise InvalidSchemaError(f"a schema must be an object or a boolean, got {_describe(value)}", where)


def expect_number(value: object, keyword: str, where: object) -> float:
    """A finite JSON number (booleans are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidSchemaError(f"{keyword!r} must be a number, got {_describe(value)}", where)
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidSchemaError(f"{keyword!r} must be a finite number, got {value!r}", where)
    return value


def expect_count(value: object, keyword: str, where: object) -> int:
    """A non-negative integer (``5.0`` is accepted as ``5``)."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidSchemaError(f"{keyword!r} must be a non-negative integer, got {_describe(value)}", where)
    return value


def expect_string(value: object, keyword: str, where: object) -> str:
    """A string-valued keyword."""
    if not isinstance(value, str):
        raise InvalidSchemaError(f"{keyword!r} must be a string, got {_describe(value)}", where)
    return value


def expect_boolean(value: object, keyword: str, where: object) -> bool:
    """A boolean-valued keyword."""
    if not isinstance(value, bool):
        raise InvalidSchemaError(f"{keyword!r} must be true or false, got {_describe(value)}", where)
    return value


def expect_schema_map(value: object, keyword: str, where: object) -> Mapping[str, JsonValue]:
    """An object mapping names to sub-schemas (the sub-schemas are checked when visited)."""
    if not isinstance(value, Mapping):
        raise InvalidSchemaError(f"{keyword!r} must be an object, got {_describe(value)}", where)
    # Sub-schemas are checked when they are visited; keys are checked here.
    if not all(isinstance(name, str) for name in value):
        raise InvalidSchemaError(f"{keyword!r} keys must be strings", where)
    return value


def expect_schema_list(value: object, keyword: str, where: object) -> list[JsonValue]:
    """A non-empty array of sub-schemas (``prefixItems`` may be empty); items are checked when visited."""
    if not isinstance(value, list | tuple) or (not value and keyword != "prefixItems"):
        raise InvalidSchemaError(f"{keyword!r} must be a non-empty array of schemas", where)
    return list(value)


def expect_string_list(value: object, keyword: str, where: object) -> list[str]:
    """An array of strings (``required``)."""
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise InvalidSchemaError(f"{keyword!r} must be an array of strings", where)
    return list(value)


def expect_types(value: object, where: object) -> list[str]:
    """``type``: one type name or a non-empty array of them."""
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list | tuple) or not names:
        raise InvalidSchemaError("'type' must be a type name or a non-empty array of type names", where)
    for name in names:
        if not isinstance(name, str) or name not in TYPE_NAMES:
            raise InvalidSchemaError(
                f"unknown type {name!r} (expected one of {', '.join(sorted(TYPE_NAMES))})", where
            )
    return [str(n) for n in names]


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {shown!r}"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"


__all__ = [
    "BOOLEAN_KEYWORDS",
    "COUNT_KEYWORDS",
    "DECIMAL_KEYWORDS",
    "KNOWN_KEYWORDS",
    "MAX_DEPTH",
    "MAX_SCHEMA_DEPTH",
    "MAX_SCHEMA_PROPERTIES",
    "METADATA_KEYWORDS",
    "NUMBER_KEYWORDS",
    "SCHEMA_KEYWORDS",
    "SCHEMA_LIST_KEYWORDS",
    "SCHEMA_MAP_KEYWORDS",
    "STRING_KEYWORDS",
    "TYPE_NAMES",
    "expect_boolean",
    "expect_count",
    "expect_number",
    "expect_schema",
    "expect_schema_list",
    "expect_schema_map",
    "expect_string",
    "expect_string_list",
    "expect_types",
    "is_metadata_keyword",
]
