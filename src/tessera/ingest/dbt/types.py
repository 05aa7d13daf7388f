"""Map a dbt column ``data_type`` string to a JSON Schema fragment.

One representation per meaning, so that the diff engine sees a real change as a change and nothing
else (the table is in ``docs/dbt.md``):

* strings ``{"type": "string"}`` (+ ``maxLength`` for ``varchar(n)``/``char(n)``); integers
  ``{"type": "integer"}``; fixed-point ``{"type": "number", "x-precision": p, "x-scale": s}`` (scale 0
  is an integer, with ``x-precision`` unless it is the 38-digit default); floats ``{"type": "number"}``.
* timestamps are strings whose ``format`` tells the zone semantics apart, so ntz -> tz is a plain
  ``format`` change: ``"date-time"`` (RFC 3339, which has an offset) for zone-aware instants and
  ``"x-local-date-time"`` for wall-clock timestamps without zone; ``x-timezone`` says the same
  explicitly.
* semi-structured JSON/VARIANT/SUPER: ``{"x-type": "json"}`` (any value); arrays, structs and maps
  nest to any depth.
* a missing ``data_type`` gives ``{}`` (unknown, not "string"); one that cannot be read gives
  ``{"x-dbt-data-type": "<raw>"}`` (still unknown, but the raw spelling is kept).
"""

from __future__ import annotations

from functools import lru_cache

from tessera.ingest.dbt.models import JsonObject, JsonValue
from tessera.ingest.dbt.typeparse import Field, TypeNode, TypeSyntaxError, parse_type

UNKNOWN_KEY = "x-dbt-data-type"

_STRING = frozenset(
    {
        "varchar", "text", "string", "char", "character", "nchar", "nvarchar", "nvarchar2", "varchar2",
        "character varying", "char varying", "nchar varying", "national character varying",
        "national char varying", "national character", "national char", "bpchar", "fixedstring",
        "tinytext", "mediumtext", "longtext", "clob", "citext", "name", "xml",
    }
)  # fmt: skip
_INTEGER = frozenset(
    {
        "int", "integer", "bigint", "smallint", "tinyint", "mediumint", "byteint", "int1", "int2", "int4",
        "int8", "int16", "int32", "int64", "int128", "int256", "uint8", "uint16", "uint32", "uint64",
        "uint128", "uint256", "hugeint", "uhugeint", "ubigint", "uinteger", "usmallint", "utinyint",
        "long", "short", "byte", "serial", "bigserial", "smallserial", "serial2", "serial4", "serial8",
    }
)  # fmt: skip
_DECIMAL = frozenset({"numeric", "decimal", "number", "dec", "bignumeric", "bigdecimal"})
_CLICKHOUSE_DECIMAL = {"decimal32": 9, "decimal64": 18, "decimal128": 38, "decimal256": 76}
_FLOAT = frozenset(
    {"float", "float4", "float8", "float32", "float64", "double", "double precision", "real", "money",
     "binary_float", "binary_double", "smallmoney"}
)  # fmt: skip
_BOOLEAN = frozenset({"boolean", "bool", "logical"})
_DATE = frozenset({"date", "date32"})
_TIME = frozenset({"time", "time without time zone"})
_TIME_TZ = frozenset({"timetz", "time with time zone"})
_TIMESTAMP_NTZ = frozenset(
    {"timestamp", "datetime", "timestamp_ntz", "timestamp without time zone", "timestamp_s", "timestamp_ms",
     "timestamp_ns", "timestamp_us", "smalldatetime", "datetime2"}
)  # fmt: skip
_TIMESTAMP_TZ = frozenset(
    {"timestamptz", "timestamp_tz", "timestamp_ltz", "timestamp with time zone",
     "timestamp with local time zone", "datetimeoffset", "datetime64"}
)  # fmt: skip
_JSON = frozenset({"json", "jsonb", "variant", "super", "object", "dynamic"})
_BINARY = frozenset(
    {"binary", "varbinary", "bytes", "bytea", "blob", "longblob", "mediumblob", "tinyblob", "varbyte",
     "image", "bit varying", "varbit"}
)  # fmt: skip
_STRUCT = frozenset({"struct", "object", "row", "record", "tuple", "nested"})
_ARRAY = frozenset({"array", "list"})
_WRAPPERS = frozenset({"nullable", "lowcardinality"})
_ENUM = frozenset({"enum", "enum8", "enum16"})
_GEO = frozenset({"geography", "geometry", "point", "polygon", "linestring", "multipolygon", "ring"})
_FORMATS = {"uuid": "uuid", "uniqueidentifier": "uuid", "inet": "ip", "ipv4": "ipv4", "ipv6": "ipv6"}

# Snowflake caps VARCHAR at these lengths and reports them for a VARCHAR declared without one.
_UNBOUNDED_LENGTHS = frozenset({16777216, 134217728})
_DEFAULT_INTEGER_PRECISION = 38

# Where a bare spelling means something different per warehouse (dbt's adapter_type names).
_TIMESTAMP_IS_INSTANT = frozenset({"bigquery", "databricks", "spark"})
_DATETIME_IS_INSTANT = frozenset({"clickhouse"})
_BARE_DECIMAL: dict[str, tuple[int, int]] = {
    "snowflake": (38, 0),
    "databricks": (10, 0),
    "spark": (10, 0),
    "duckdb": (18, 3),
    "bigquery": (38, 9),
}

_NTZ: JsonObject = {"type": "string", "format": "x-local-date-time", "x-timezone": False}
_TZ: JsonObject = {"type": "string", "format": "date-time", "x-timezone": True}


def map_data_type(data_type: str | None, *, dialect: str | None = None) -> JsonObject:
    """Return the JSON Schema fragment for a dbt column ``data_type``.

    ``dialect`` is the manifest's ``metadata.adapter_type`` (e.g. ``"bigquery"``); it only matters for
    spellings whose meaning differs per warehouse (BigQuery's ``TIMESTAMP`` is zone-aware, Snowflake's
    bare ``NUMBER`` is an integer). ``None`` or an empty string gives ``{}``: an unknown type.
    The result is a fresh dict the caller may keep or change.
    """
    if data_type is None or not data_type.strip():
        return {}
    return _copy(_cached(data_type.strip(), (dialect or "").lower())[0])


def shared_fragment(data_type: str | None, dialect: str | None) -> tuple[JsonObject, bool]:
    """Like :func:`map_data_type` but returns a cached fragment (never change it) and is-unknown.

    For bulk use (one call per column of a large manifest): the caller copies only what it changes.
    """
    if data_type is None or not data_type.strip():
        return _EMPTY, False
    return _cached(data_type.strip(), (dialect or "").lower())


def is_unknown(fragment: JsonObject) -> bool:
    """True when the fragment, or a type nested in it, could not be read."""
    if UNKNOWN_KEY in fragment:
        return True
    return any(isinstance(value, dict) and is_unknown(value) for value in fragment.values()) or any(
        isinstance(value, list) and any(isinstance(item, dict) and is_unknown(item) for item in value)
        for value in fragment.values()
    )


_EMPTY: JsonObject = {}


@lru_cache(maxsize=8192)
def _cached(data_type: str, dialect: str) -> tuple[JsonObject, bool]:
    try:
        fragment = _map_node(parse_type(data_type), dialect)
    except TypeSyntaxError:
        fragment = {UNKNOWN_KEY: data_type}
    return fragment, is_unknown(fragment)


def _copy(value: JsonObject) -> JsonObject:
    return {key: _copy_value(item) for key, item in value.items()}


def _copy_value(value: JsonValue) -> JsonValue:
    if isinstance(value, dict):
        return _copy(value)
    if isinstance(value, list):
        return [_copy_value(item) for item in value]
    return value


def _map_node(node: TypeNode, dialect: str) -> JsonObject:
    fragment = _map_base(node, dialect)
    for size in reversed(node.array_dims):
        array: JsonObject = {"type": "array", "items": fragment}
        if size is not None:
            array["minItems"] = size
            array["maxItems"] = size
        fragment = array
    return fragment


def _unknown(node: TypeNode) -> JsonObject:
    return {UNKNOWN_KEY: node.text}


def _ints(node: TypeNode) -> list[int]:
    return [arg for arg in node.args if isinstance(arg, int)]


def _types(node: TypeNode) -> list[TypeNode]:
    return [arg for arg in node.args if isinstance(arg, TypeNode)]


def _map_base(node: TypeNode, dialect: str) -> JsonObject:
    name = node.name
    if name in _WRAPPERS:
        inner = _types(node)
        return _map_node(inner[0], dialect) if len(inner) == 1 else _unknown(node)
    if name in _STRING:
        return _string(node)
    if name in _INTEGER:
        return {"type": "integer"}
    if name in _DECIMAL or name in _CLICKHOUSE_DECIMAL:
        return _decimal(node, dialect)
    if name in _FLOAT:
        return {"type": "number"}
    if name in _BOOLEAN:
        return {"type": "boolean"}
    if name in _DATE:
        return {"type": "string", "format": "date"}
    if name in _TIME:
        return {"type": "string", "format": "time", "x-timezone": False}
    if name in _TIME_TZ:
        return {"type": "string", "format": "time", "x-timezone": True}
    if name in _TIMESTAMP_NTZ or name in _TIMESTAMP_TZ:
        return _timestamp(node, dialect)
    if name in _ARRAY:
        return _array(node, dialect)
    if name == "map":
        return _map(node, dialect)
    if name in _STRUCT and node.args:
        return _struct(node, dialect)
    if name in _JSON or name in _STRUCT:
        return {"x-type": "json"}
    if name in _ENUM:
        labels: list[JsonValue] = [arg for arg in node.args if isinstance(arg, str)]
        return {"type": "string", "enum": labels} if labels else _unknown(node)
    if name in _BINARY:
        return {"type": "string", "contentEncoding": "base64"}
    if name in _FORMATS:
        return {"type": "string", "format": _FORMATS[name]}
    if name.startswith("interval"):
        return {"type": "string", "format": "duration"}
    if name in _GEO:
        return {"x-type": name}
    if name == "vector":
        return _vector(node, dialect)
    return _unknown(node)


def _string(node: TypeNode) -> JsonObject:
    fragment: JsonObject = {"type": "string"}
    lengths = _ints(node)
    if len(lengths) == 1 and lengths[0] > 0 and lengths[0] not in _UNBOUNDED_LENGTHS:
        fragment["maxLength"] = lengths[0]
    return fragment


def _decimal(node: TypeNode, dialect: str) -> JsonObject:
    numbers = _ints(node)
    if node.name in _CLICKHOUSE_DECIMAL:
        if len(numbers) != 1:
            return _unknown(node)
        precision, scale = _CLICKHOUSE_DECIMAL[node.name], numbers[0]
    elif len(numbers) == 2:
        precision, scale = numbers
    elif len(numbers) == 1:
        precision, scale = numbers[0], 0
    elif not numbers and dialect in _BARE_DECIMAL and node.name != "bignumeric":
        precision, scale = _BARE_DECIMAL[dialect]
    elif not numbers:
        return {"type": "number"}
    else:
        return _unknown(node)
    if scale > 0:
        return {"type": "number", "x-precision": precision, "x-scale": scale}
    if precision >= _DEFAULT_INTEGER_PRECISION:
        return {"type": "integer"}  # Snowflake's INTEGER is NUMBER(38,0)
    return {"type": "integer", "x-precision": precision}


def _timestamp(node: TypeNode, dialect: str) -> JsonObject:
    name = node.name
    zone_aware = name in _TIMESTAMP_TZ
    if name == "timestamp" and dialect in _TIMESTAMP_IS_INSTANT:
        zone_aware = True
    if name == "datetime" and (dialect in _DATETIME_IS_INSTANT or any(isinstance(a, str) for a in node.args)):
        zone_aware = True
    return dict(_TZ if zone_aware else _NTZ)


def _array(node: TypeNode, dialect: str) -> JsonObject:
    inner = _types(node)
    if not node.args:
        return {"type": "array"}  # Snowflake's semi-structured ARRAY: element type unknown
    if len(inner) != 1 or len(node.args) != 1:
        return _unknown(node)
    return {"type": "array", "items": _map_node(inner[0], dialect)}


def _map(node: TypeNode, dialect: str) -> JsonObject:
    inner = _types(node)
    if not node.args:
        return {"x-type": "json"}
    if len(inner) != 2 or len(node.args) != 2:
        return _unknown(node)
    return {
        "type": "object",
        "additionalProperties": _map_node(inner[1], dialect),
        "x-key": _map_node(inner[0], dialect),
    }


def _struct(node: TypeNode, dialect: str) -> JsonObject:
    fields = [arg for arg in node.args if isinstance(arg, Field)]
    if fields and len(fields) == len(node.args):
        properties: JsonObject = {}
        for field in fields:
            properties.setdefault(field.name.lower(), _map_node(field.type, dialect))
        fragment: JsonObject = {"type": "object", "properties": properties}
        # ClickHouse's Nested(...) is an array of such rows.
        return {"type": "array", "items": fragment} if node.name == "nested" else fragment
    members = _types(node)
    if node.name == "tuple" and members and len(members) == len(node.args):
        items: list[JsonValue] = [_map_node(member, dialect) for member in members]
        return {"type": "array", "prefixItems": items, "minItems": len(items), "maxItems": len(items)}
    return _unknown(node)


def _vector(node: TypeNode, dialect: str) -> JsonObject:
    inner, sizes = _types(node), _ints(node)
    if len(inner) != 1 or len(sizes) != 1:
        return _unknown(node)
    return {
        "type": "array",
        "items": _map_node(inner[0], dialect),
        "minItems": sizes[0],
        "maxItems": sizes[0],
    }
