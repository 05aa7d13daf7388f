"""The data_type -> JSON Schema table, per warehouse spelling."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tessera.core import validate_schema
from tessera.ingest.dbt import map_data_type

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
NTZ = {"type": "string", "format": "x-local-date-time", "x-timezone": False}
TZ = {"type": "string", "format": "date-time", "x-timezone": True}
JSON = {"x-type": "json"}


def dec(precision: int, scale: int) -> dict[str, object]:
    return {"type": "number", "x-precision": precision, "x-scale": scale}


def obj(**props: object) -> dict[str, object]:
    return {"type": "object", "properties": props}


def arr(items: object) -> dict[str, object]:
    return {"type": "array", "items": items}


@pytest.mark.parametrize(
    ("data_type", "expected"),
    [
        # strings
        ("varchar", STRING),
        ("VARCHAR(20)", {"type": "string", "maxLength": 20}),
        ("character varying(255)", {"type": "string", "maxLength": 255}),
        ("text", STRING),
        ("STRING", STRING),
        ("char(2)", {"type": "string", "maxLength": 2}),
        ("VARCHAR(16777216)", STRING),  # Snowflake's VARCHAR without a length
        ("FixedString(16)", {"type": "string", "maxLength": 16}),
        ("LowCardinality(String)", STRING),
        ("Nullable(String)", STRING),
        # integers
        ("int", INTEGER),
        ("INTEGER", INTEGER),
        ("bigint", INTEGER),
        ("INT64", INTEGER),
        ("smallint", INTEGER),
        ("UInt32", INTEGER),
        ("hugeint", INTEGER),
        ("number(38,0)", INTEGER),
        ("NUMBER(38, 0)", INTEGER),
        ("numeric(10,0)", {"type": "integer", "x-precision": 10}),
        # fixed point and floats
        ("numeric(12,2)", dec(12, 2)),
        ("DECIMAL(38, 6)", dec(38, 6)),
        ("NUMBER(18,4)", dec(18, 4)),
        ("Decimal(10, 2)", dec(10, 2)),
        ("Decimal64(4)", dec(18, 4)),
        ("numeric", NUMBER),
        ("float", NUMBER),
        ("FLOAT64", NUMBER),
        ("double precision", NUMBER),
        ("double", NUMBER),
        ("real", NUMBER),
        ("Float32", NUMBER),
        # booleans, dates, times
        ("boolean", {"type": "boolean"}),
        ("BOOL", {"type": "boolean"}),
        ("date", {"type": "string", "format": "date"}),
        ("Date32", {"type": "string", "format": "date"}),
        ("time", {"type": "string", "format": "time", "x-timezone": False}),
        ("time with time zone", {"type": "string", "format": "time", "x-timezone": True}),
        ("timestamp", NTZ),
        ("TIMESTAMP_NTZ", NTZ),
        ("timestamp without time zone", NTZ),
        ("datetime", NTZ),
        ("TIMESTAMP_NTZ(9)", NTZ),
        ("timestamptz", TZ),
        ("TIMESTAMP_TZ", TZ),
        ("TIMESTAMP_LTZ", TZ),
        ("timestamp with time zone", TZ),
        ("timestamp(3) with time zone", TZ),
        ("DateTime64(3, 'UTC')", TZ),
        ("DateTime('Europe/Berlin')", TZ),
        # semi-structured
        ("json", JSON),
        ("jsonb", JSON),
        ("VARIANT", JSON),
        ("OBJECT", JSON),
        ("super", JSON),
        # arrays, structs, maps
        ("array<string>", arr(STRING)),
        ("ARRAY<INT64>", arr(INTEGER)),
        ("int[]", arr(INTEGER)),
        ("text[][]", arr(arr(STRING))),
        ("INTEGER[3]", {"type": "array", "items": INTEGER, "minItems": 3, "maxItems": 3}),
        ("integer array", arr(INTEGER)),
        ("Array(Nullable(String))", arr(STRING)),
        ("ARRAY(NUMBER(10,2))", arr(dec(10, 2))),
        ("ARRAY", {"type": "array"}),
        ("struct<a int, b string>", obj(a=INTEGER, b=STRING)),
        ("STRUCT<a INT64>", obj(a=INTEGER)),
        ("struct<a:int,b:string>", obj(a=INTEGER, b=STRING)),
        ("STRUCT(Sku VARCHAR, qty INTEGER)", obj(sku=STRING, qty=INTEGER)),
        ("OBJECT(a INT, b VARCHAR)", obj(a=INTEGER, b=STRING)),
        ("struct<ts timestamp with time zone, amount double precision>", obj(ts=TZ, amount=NUMBER)),
        ("struct<a int not null comment 'the a'>", obj(a=INTEGER)),
        ("Tuple(a Int32, b String)", obj(a=INTEGER, b=STRING)),
        (
            "Tuple(Int32, String)",
            {"type": "array", "prefixItems": [INTEGER, STRING], "minItems": 2, "maxItems": 2},
        ),
        ("array<struct<a int, b string>>", arr(obj(a=INTEGER, b=STRING))),
        (
            "array<struct<id int64, tags array<string>, geo struct<lat float64, lon float64>>>",
            arr(obj(id=INTEGER, tags=arr(STRING), geo=obj(lat=NUMBER, lon=NUMBER))),
        ),
        ("struct(sku varchar, qty integer)[]", arr(obj(sku=STRING, qty=INTEGER))),
        ("map<string, int>", {"type": "object", "additionalProperties": INTEGER, "x-key": STRING}),
        (
            "MAP(VARCHAR, ARRAY<INT>)",
            {"type": "object", "additionalProperties": arr(INTEGER), "x-key": STRING},
        ),
        ("Nested(a Int32, b String)", arr(obj(a=INTEGER, b=STRING))),
        # other well-known scalars
        ("uuid", {"type": "string", "format": "uuid"}),
        ("bytea", {"type": "string", "contentEncoding": "base64"}),
        ("BYTES", {"type": "string", "contentEncoding": "base64"}),
        ("interval", {"type": "string", "format": "duration"}),
        ("interval day to second", {"type": "string", "format": "duration"}),
        ("GEOGRAPHY", {"x-type": "geography"}),
        ("Enum8('a' = 1, 'b' = 2)", {"type": "string", "enum": ["a", "b"]}),
        ("ENUM('x', 'y')", {"type": "string", "enum": ["x", "y"]}),
        ("VECTOR(FLOAT, 3)", {"type": "array", "items": NUMBER, "minItems": 3, "maxItems": 3}),
        ("  varchar(20) not null ", {"type": "string", "maxLength": 20}),
    ],
)
def test_maps_common_warehouse_spellings(data_type: str, expected: dict[str, object]) -> None:
    assert map_data_type(data_type) == expected


@pytest.mark.parametrize("data_type", [None, "", "   "])
def test_missing_type_is_unknown_not_string(data_type: str | None) -> None:
    assert map_data_type(data_type) == {}


@pytest.mark.parametrize(
    "data_type", ["geometry2", "struct<a int", "varchar((", "my_domain_type", "a b c", "int]"]
)
def test_unreadable_type_is_unknown_and_keeps_the_raw_text(data_type: str) -> None:
    assert map_data_type(data_type) == {"x-dbt-data-type": data_type}


def test_unknown_nested_type_keeps_its_own_text() -> None:
    assert map_data_type("array<my_type>") == {"type": "array", "items": {"x-dbt-data-type": "my_type"}}


@pytest.mark.parametrize(
    ("data_type", "dialect", "expected"),
    [
        ("TIMESTAMP", "bigquery", TZ),
        ("DATETIME", "bigquery", NTZ),
        ("timestamp", "databricks", TZ),
        ("timestamp_ntz", "databricks", NTZ),
        ("timestamp", "snowflake", NTZ),
        ("timestamp", "postgres", NTZ),
        ("DateTime", "clickhouse", TZ),
        ("NUMBER", "snowflake", INTEGER),
        ("decimal", "databricks", {"type": "integer", "x-precision": 10}),
        ("NUMERIC", "bigquery", dec(38, 9)),
        ("DECIMAL", "duckdb", dec(18, 3)),
        ("numeric", "postgres", NUMBER),
    ],
)
def test_dialect_decides_ambiguous_spellings(
    data_type: str, dialect: str, expected: dict[str, object]
) -> None:
    assert map_data_type(data_type, dialect=dialect) == expected


def test_ntz_to_tz_is_a_format_change() -> None:
    assert map_data_type("timestamp_ntz")["format"] != map_data_type("timestamp_tz")["format"]


def test_each_call_returns_a_fresh_dict() -> None:
    first = map_data_type("array<struct<a int>>")
    first["items"]["properties"]["a"]["type"] = "changed"  # type: ignore[index]
    assert map_data_type("array<struct<a int>>") == arr(obj(a=INTEGER))


@given(st.text(max_size=40))
def test_never_raises_and_always_gives_a_valid_schema(data_type: str) -> None:
    validate_schema(map_data_type(data_type))  # raises InvalidSchemaError if the mapping is unusable
