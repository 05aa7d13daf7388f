"""Rendering raw_code without dbt: the fast path and Jinja agree, unknown macros stay opaque calls."""

from __future__ import annotations

import pytest

from tessera.ingest.dbt.jinja_render import Relation, RenderContext, RenderError, render

ORDERS = Relation("db", "main", "orders")
ORDERS_V2 = Relation("db", "main", "orders_v2")
EVENTS = Relation("db", "raw", "EVENTS")
THIS = Relation("db", "main", "m")


def ref(package: str | None, name: str, version: str | None) -> Relation | None:
    if name == "orders" and package in (None, "shop"):
        return ORDERS_V2 if version == "2" else ORDERS
    return None


def source(source_name: str, table: str) -> Relation | None:
    return EVENTS if (source_name, table) == ("raw", "events") else None


CONTEXT = RenderContext(ref=ref, source=source, this=THIS, adapter_type="snowflake")


@pytest.mark.parametrize(
    ("template", "sql"),
    [
        ("select * from {{ ref('orders') }}", 'select * from "db"."main"."orders"'),
        ("select * from {{ ref('shop', 'orders') }}", 'select * from "db"."main"."orders"'),
        ("select * from {{ ref('orders', v=2) }}", 'select * from "db"."main"."orders_v2"'),
        ("select * from {{ ref('orders', version='2') }}", 'select * from "db"."main"."orders_v2"'),
        ("select * from {{ source('raw', 'events') }}", 'select * from "db"."raw"."EVENTS"'),
        ("{{ config(materialized='table') }}select 1", "select 1"),
        ("select {{ var('n', 3) }}", "select 3"),
        ("select '{{ env_var('X', 'dflt') }}'", "select 'dflt'"),
        ("select * from {{ this }}", 'select * from "db"."main"."m"'),
        ("select {{ cents('amount', 2) }} as x", "select cents('amount', 2) as x"),
        (
            "select 1 {% if is_incremental() %}where x > (select max(x) from {{ this }}){% endif %}",
            "select 1 ",
        ),
    ],
)
def test_fast_path_and_jinja_render_alike(template: str, sql: str) -> None:
    assert render(template, CONTEXT).sql == sql
    # The same template forced through Jinja (a comment tag disables the fast path) renders the same.
    assert render("{# jinja #}" + template, CONTEXT).sql == sql


def test_jinja_features() -> None:
    rendered = render(
        "{% set cols = ['a', 'b'] %}select {{ cols | join(', ') }}, '{{ target.type }}', '{{ target.name }}' "
        "from {{ ref('orders') }} {% if execute %}where false{% endif %}",
        CONTEXT,
    )
    assert rendered.sql == 'select a, b, \'snowflake\', \'default\' from "db"."main"."orders" '
    assert rendered.macros == frozenset()


def test_unknown_macros_render_as_opaque_calls_and_are_reported() -> None:
    rendered = render("select {{ dbt_utils.star(from=ref('orders'), except=['x']) }} from t", CONTEXT)
    assert rendered.sql == 'select dbt_utils__star("db"."main"."orders", \'x\') from t'
    assert rendered.macros == {"dbt_utils__star"}
    looped = render(
        "{% for c in adapter.get_columns_in_relation(this) %}{{ c }}{% endfor %}select 1", CONTEXT
    )
    assert looped.sql == "select 1"


def test_var_without_default_is_opaque() -> None:
    rendered = render("select * from t where d > {{ var('start') }}", CONTEXT)
    assert rendered.sql == "select * from t where d > var('start')"
    assert rendered.macros == {"var"}


def test_errors_name_the_cause() -> None:
    with pytest.raises(RenderError, match=r"ref\('missing'\) is not one of the model's parents"):
        render("select * from {{ ref('missing') }}", CONTEXT)
    with pytest.raises(RenderError, match="its Jinja cannot be rendered without dbt"):
        render("select {% if %}", CONTEXT)
    with pytest.raises(RenderError, match=r"source\('raw', 'nope'\)"):
        render("select * from {{ source('raw', 'nope') }}", CONTEXT)
