"""Column lineage of single models, built from small manifests: SQL shapes, Jinja, dialects, fallbacks."""

from __future__ import annotations

from typing import Any

import pytest

from tessera.ingest.dbt import parse_manifest
from tessera.ingest.dbt.column_lineage import analyse_project
from tessera.ingest.lineage import ALL_COLUMNS, ColumnSource, NodeLineage

from .builders import manifest, model, source

ORDERS = "model.shop.orders"
CUSTOMERS = "model.shop.customers"
RAW = "source.shop.raw.events"


def upstream() -> list[dict[str, Any]]:
    return [
        model(
            "orders", columns={"order_id": "int", "customer_id": "int", "amount": "numeric", "note": "text"}
        ),
        model("customers", columns={"customer_id": "int", "name": "text", "email": "text", "region": "text"}),
    ]


def analyse(
    code: str,
    *,
    parents: tuple[str, ...] = (ORDERS, CUSTOMERS),
    adapter: str = "duckdb",
    nodes: list[dict[str, Any]] | None = None,
    sources: tuple[dict[str, Any], ...] = (),
    **fields: Any,
) -> NodeLineage:
    """The lineage of model ``m`` whose raw_code is ``code`` and whose parents are ``parents``."""
    subject = model("m", raw_code=code, depends_on={"nodes": list(parents)}, **fields)
    data = manifest(*(nodes if nodes is not None else upstream()), subject, sources=sources)
    data["metadata"]["adapter_type"] = adapter
    return analyse_project(parse_manifest(data)).nodes["model.shop.m"]


def cols(node: str, *names: str) -> frozenset[ColumnSource]:
    return frozenset(ColumnSource(node, name) for name in names)


def test_join_where_group_by_and_having_all_count_as_reads() -> None:
    lineage = analyse(
        """
        select c.region, sum(o.amount) as revenue
        from {{ ref('orders') }} as o
        join {{ ref('customers') }} as c on c.customer_id = o.customer_id
        where o.note is null
        group by c.region
        having count(distinct c.email) > 1
        """
    )
    assert lineage.reads == {
        ORDERS: {"amount", "customer_id", "note"},
        CUSTOMERS: {"region", "customer_id", "email"},
    }
    assert lineage.derives == {
        "region": cols(CUSTOMERS, "region"),
        "revenue": cols(ORDERS, "amount"),
    }
    assert lineage.fallback_reason is None


def test_cte_chain_reads_only_what_reaches_the_result() -> None:
    lineage = analyse(
        """
        with o as (select * from {{ ref('orders') }}),
             big as (select order_id, amount * 2 as doubled from o where amount > 10),
             unused as (select note from o)
        select order_id, doubled as twice from big
        """,
        parents=(ORDERS,),
    )
    assert lineage.reads == {ORDERS: {"order_id", "amount"}}
    assert lineage.derives == {"order_id": cols(ORDERS, "order_id"), "twice": cols(ORDERS, "amount")}


def test_select_star_expands_from_the_upstream_contract() -> None:
    lineage = analyse("select * from {{ ref('customers') }}", parents=(CUSTOMERS,))
    assert lineage.reads == {CUSTOMERS: {"customer_id", "name", "email", "region"}}
    assert list(lineage.derives) == ["customer_id", "name", "email", "region"]


def test_star_except_and_qualified_star() -> None:
    lineage = analyse(
        "select o.*, c.* exclude (email, name) from {{ ref('orders') }} o "
        "join {{ ref('customers') }} c using (customer_id)"
    )
    assert set(lineage.derives) == {"order_id", "customer_id", "amount", "note", "region"}
    assert lineage.reads[CUSTOMERS] == {"customer_id", "region"}


def test_using_join_column_reads_both_sides() -> None:
    lineage = analyse(
        "select customer_id, o.amount from {{ ref('orders') }} o "
        "join {{ ref('customers') }} c using (customer_id)"
    )
    assert lineage.reads == {ORDERS: {"customer_id", "amount"}, CUSTOMERS: {"customer_id"}}
    assert lineage.derives["customer_id"] == cols(ORDERS, "customer_id") | cols(CUSTOMERS, "customer_id")


def test_subqueries_windows_unions_and_order_by() -> None:
    lineage = analyse(
        """
        select order_id,
               row_number() over (partition by customer_id order by amount) as rn,
               (select max(region) from {{ ref('customers') }}) as top_region
        from {{ ref('orders') }}
        where customer_id in (select customer_id from {{ ref('customers') }} where email like '%@x')
        union all
        select order_id, 0, null from {{ ref('orders') }}
        order by 1
        """
    )
    assert lineage.reads == {
        ORDERS: {"order_id", "customer_id", "amount"},
        CUSTOMERS: {"region", "customer_id", "email"},
    }
    assert lineage.derives["rn"] == cols(ORDERS, "customer_id", "amount")
    assert lineage.derives["top_region"] == cols(CUSTOMERS, "region")


def test_qualify_and_derived_tables() -> None:
    lineage = analyse(
        """
        select t.order_id from (select order_id, amount, note from {{ ref('orders') }}) as t
        qualify row_number() over (order by t.amount desc) = 1
        """,
        parents=(ORDERS,),
        adapter="snowflake",
    )
    assert lineage.reads == {ORDERS: {"order_id", "amount"}}


def test_snowflake_upper_case_columns_match_lower_case_references() -> None:
    nodes = [model("orders", columns={"ORDER_ID": "number", "AMOUNT": "number", "NOTE": "varchar"})]
    lineage = analyse(
        'select ORDER_ID, "AMOUNT" as amt, * exclude (note) from {{ ref("orders") }} where Note is null',
        parents=(ORDERS,),
        nodes=nodes,
        adapter="snowflake",
    )
    assert lineage.reads == {ORDERS: {"order_id", "amount", "note"}}
    assert set(lineage.derives) == {"order_id", "amt", "amount"}


def test_sources_versions_and_two_argument_refs() -> None:
    events = source("raw", "events", columns={"id": "int", "kind": "text"})
    v2 = model("orders", columns={"order_id": "int", "total": "int"}, version=2, latest_version=2)
    v2["unique_id"] = "model.shop.orders.v2"
    lineage = analyse(
        "select e.kind, o.total from {{ source('raw', 'events') }} e "
        "join {{ ref('shop', 'orders', v=2) }} o on o.order_id = e.id",
        parents=(RAW, "model.shop.orders.v2"),
        nodes=[v2],
        sources=(events,),
    )
    assert lineage.reads == {RAW: {"kind", "id"}, "model.shop.orders.v2": {"total", "order_id"}}


def test_jinja_var_env_var_target_this_and_is_incremental() -> None:
    lineage = analyse(
        """
        {{ config(materialized='incremental') }}
        {% set cols = ['order_id', 'amount'] %}
        select {% for c in cols %}{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}
        from {{ ref('orders') }}
        where amount > {{ var('min_amount', 5) }} and '{{ env_var('DBT_ENV', 'dev') }}' = '{{ target.name }}'
        {% if is_incremental() %} and note > (select max(note) from {{ this }}) {% endif %}
        """,
        parents=(ORDERS,),
    )
    assert lineage.reads == {ORDERS: {"order_id", "amount"}}
    assert lineage.fallback_reason is None


def test_opaque_macro_as_an_expression_reads_the_column_it_names() -> None:
    lineage = analyse(
        "select order_id, {{ cents_to_dollars('amount') }} as dollars from {{ ref('orders') }}",
        parents=(ORDERS,),
    )
    assert lineage.derives == {"order_id": cols(ORDERS, "order_id"), "dollars": cols(ORDERS, "amount")}
    assert lineage.fallback_reason is None


def test_macro_select_list_falls_back() -> None:
    lineage = analyse(
        "select {{ dbt_utils.star(from=ref('orders'), except=['note']) }} from {{ ref('orders') }}",
        parents=(ORDERS,),
    )
    assert lineage.reads == {ORDERS: ALL_COLUMNS}
    assert lineage.fallback_reason == "its select list comes from the macro `dbt_utils__star`"


def test_python_model_falls_back() -> None:
    lineage = analyse(
        "def model(dbt, session):\n    return dbt.ref('orders')\n", parents=(ORDERS,), language="python"
    )
    assert lineage.reads == {ORDERS: ALL_COLUMNS}
    assert lineage.fallback_reason == "it is a Python model"


def test_unparseable_sql_falls_back() -> None:
    lineage = analyse("select order_id from {{ ref('orders') }} where (", parents=(ORDERS,))
    assert lineage.reads == {ORDERS: ALL_COLUMNS}
    assert lineage.fallback_reason is not None
    assert lineage.fallback_reason.startswith("its SQL cannot be parsed")


def test_a_relation_that_is_not_a_parent_falls_back() -> None:
    lineage = analyse(
        "select order_id from {{ ref('orders') }} join raw.other using (order_id)", parents=(ORDERS,)
    )
    assert lineage.reads == {ORDERS: ALL_COLUMNS}
    assert lineage.fallback_reason == "it reads `raw.other`, which is not one of its parents"


def test_a_ref_to_a_non_parent_falls_back() -> None:
    lineage = analyse("select * from {{ ref('nowhere') }}", parents=(ORDERS,))
    assert lineage.reads == {ORDERS: ALL_COLUMNS}
    assert lineage.fallback_reason is not None
    assert "ref('nowhere') is not one of the model's parents" in lineage.fallback_reason


def test_undeclared_parent_columns() -> None:
    nodes = [model("orders"), *upstream()[1:]]
    star = analyse("select * from {{ ref('orders') }}", parents=(ORDERS,), nodes=nodes)
    assert star.reads == {ORDERS: ALL_COLUMNS}
    assert star.fallback_reason == "`select *` from `orders`, whose columns are not declared"
    # One undeclared table among declared ones: an unqualified unknown column is attributed to it.
    joined = analyse(
        "select region, amount from {{ ref('orders') }} o join {{ ref('customers') }} c using (customer_id)",
        nodes=nodes,
    )
    assert joined.reads == {ORDERS: {"amount", "customer_id"}, CUSTOMERS: {"region", "customer_id"}}


def test_compiled_code_wins_over_raw_code() -> None:
    lineage = analyse(
        "select {{ some_macro() }} from {{ ref('orders') }}",
        parents=(ORDERS,),
        compiled_code='select amount from "db"."main"."orders"',
    )
    assert lineage.reads == {ORDERS: {"amount"}}


def test_definition_fingerprint_ignores_aliases_and_formatting() -> None:
    first = analyse(
        "with x as (select * from {{ ref('orders') }}) "
        "select x.order_id, sum(x.amount) as total from x group by 1",
        parents=(ORDERS,),
    )
    renamed = analyse(
        "with payments as (select order_id, amount from {{ ref('orders') }})\n"
        "select  p.order_id,\n   SUM( p.amount ) as total\nfrom payments as p group by p.order_id",
        parents=(ORDERS,),
    )
    changed = analyse(
        "with x as (select * from {{ ref('orders') }}) "
        "select x.order_id, avg(x.amount) as total from x group by 1",
        parents=(ORDERS,),
    )
    assert first.definitions["total"] == renamed.definitions["total"]
    assert first.definitions["order_id"] == renamed.definitions["order_id"]
    assert first.definitions["total"] != changed.definitions["total"]
    assert first.derives == changed.derives


@pytest.mark.parametrize(
    ("adapter", "sql"),
    [
        ("bigquery", "select order_id from {{ ref('orders') }} where safe_cast(note as int64) > 0"),
        ("postgres", "select order_id from {{ ref('orders') }} where note::int > 0"),
        ("databricks", "select order_id from {{ ref('orders') }} where note rlike '^a'"),
        ("unknown-adapter", "select order_id from {{ ref('orders') }} where note > 'a'"),
    ],
)
def test_dialects(adapter: str, sql: str) -> None:
    lineage = analyse(sql, parents=(ORDERS,), adapter=adapter)
    assert lineage.reads == {ORDERS: {"order_id", "note"}}


def test_unnest_and_struct_fields_read_their_columns() -> None:
    nodes = [model("orders", columns={"order_id": "int", "items": "array", "address": "struct"})]
    lineage = analyse(
        "select o.order_id, item, address.city as city "
        "from {{ ref('orders') }} as o, unnest(o.items) as item",
        parents=(ORDERS,),
        nodes=nodes,
        adapter="bigquery",
    )
    assert lineage.reads == {ORDERS: {"order_id", "items", "address"}}
    assert lineage.derives["item"] == cols(ORDERS, "items")
    assert lineage.derives["city"] == cols(ORDERS, "address")


def test_a_column_beyond_the_declared_contract_selected_through_star() -> None:
    lineage = analyse(
        "with o as (select * from {{ ref('orders') }}) select o.order_id, o.discount from o",
        parents=(ORDERS,),
    )
    assert lineage.reads == {ORDERS: {"order_id", "discount"}}
    assert lineage.fallback_reason is None


def test_a_cte_made_by_a_macro_falls_back_naming_it() -> None:
    lineage = analyse(
        "with latest as ({{ latest_rows(ref('orders')) }}) select order_id from latest",
        parents=(ORDERS,),
    )
    assert lineage.reads == {ORDERS: ALL_COLUMNS}
    assert lineage.fallback_reason == "its CTE `latest` comes from the macro `latest_rows`, not a query"


def test_undeclared_models_columns_are_inferred_from_their_sql() -> None:
    middle = model(
        "middle", raw_code="select order_id, amount from {{ ref('orders') }}", depends_on={"nodes": [ORDERS]}
    )
    lineage = analyse(
        "select * from {{ ref('middle') }}",
        parents=("model.shop.middle",),
        nodes=[*upstream(), middle],
    )
    assert lineage.reads == {"model.shop.middle": {"order_id", "amount"}}
    assert lineage.fallback_reason is None


def test_analyses_are_remembered_until_code_or_parent_columns_change() -> None:
    sql = "select * from {{ ref('orders') }}"
    first = analyse(sql, parents=(ORDERS,))
    assert analyse(sql, parents=(ORDERS,)) == first
    fewer = [model("orders", columns={"order_id": "int"}), *upstream()[1:]]
    assert set(analyse(sql, parents=(ORDERS,), nodes=fewer).derives) == {"order_id"}


FLATTENED = (
    "with src as (select * from {{ source('raw', 'events') }}),\n"
    "flat as (\n"
    "  select f.value as item, f.index as pos, loaded_at\n"
    "  from src, lateral flatten(input => parse_json(body), outer => true) f\n"
    ")\n"
    "select * from flat"
)


@pytest.mark.parametrize(
    ("columns", "reads"),
    [
        ({"body": "variant", "loaded_at": "timestamp", "id": "int"}, {"body", "loaded_at"}),
        (None, ALL_COLUMNS),  # undeclared source: `body` may come from `src` or the flatten itself
    ],
)
def test_lateral_flatten_beside_unqualified_columns(columns: Any, reads: Any) -> None:
    # A lateral FLATTEN whose argument names an unqualified column: the analysis once went round
    # between the flatten's scope and the query using it until the interpreter's recursion limit.
    events = source("raw", "events", columns=columns)
    lineage = analyse(FLATTENED, parents=(RAW,), adapter="snowflake", nodes=[], sources=(events,))
    assert lineage.reads == {RAW: reads}
    assert set(lineage.derives) == {"item", "pos", "loaded_at"}
    assert (lineage.fallback_reason is None) == (columns is not None)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (RecursionError(), "its SQL nests too deeply to analyse"),
        (TypeError("boom"), "the analysis failed (TypeError); please report it"),
    ],
)
def test_an_analysis_that_breaks_costs_the_model_its_precision_not_the_sync(
    monkeypatch: pytest.MonkeyPatch, error: Exception, reason: str
) -> None:
    from tessera.ingest.dbt import column_lineage, model_lineage

    def broken(*_: Any) -> Any:
        raise error

    monkeypatch.setattr(model_lineage, "analyse_query", broken)
    column_lineage._CACHE.clear()  # an earlier test may have analysed the same model
    lineage = analyse("select order_id from {{ ref('orders') }}", parents=(ORDERS,))
    assert lineage.reads == {ORDERS: ALL_COLUMNS}
    assert lineage.fallback_reason == reason


def test_long_fingerprint_texts_become_digests_and_short_ones_stay() -> None:
    from tessera.ingest.dbt.sql_values import COMPACT_ABOVE, compact

    short = "x" * COMPACT_ABOVE
    assert compact(short) == short
    long_text = "scope(" + "y" * COMPACT_ABOVE + ")"
    assert compact(long_text) == compact("scope(" + "y" * COMPACT_ABOVE + ")")
    assert compact(long_text) != compact(long_text + " ")
    assert len(compact(long_text)) == 41


def test_a_deep_cte_chain_keeps_each_definition_apart() -> None:
    # Each CTE reads the one before: column texts that embed every earlier scope once grew without
    # bound; digests keep a change deep in the chain visible in the definition of what it reaches,
    # and only there.
    ctes = ["c0 as (select order_id, amount from {{ ref('orders') }})"]
    for i in range(1, 40):
        ctes.append(f"c{i} as (select order_id, amount + {i} as amount from c{i - 1} where amount > {i})")
    code = "with " + ",\n".join(ctes) + "\nselect order_id, amount from c39"
    first = analyse(code, parents=(ORDERS,))
    second = analyse(code.replace("amount + 7 as", "amount + 8 as"), parents=(ORDERS,))
    assert first.reads == {ORDERS: {"order_id", "amount"}}
    assert first.definitions["amount"] != second.definitions["amount"]
    assert first.definitions["order_id"] == second.definitions["order_id"]  # passed through unchanged


def test_a_fallback_names_the_first_reasons_and_counts_the_rest() -> None:
    joins = " ".join(f"join {{{{ source('raw', 'events') }}}} e{i} on true" for i in range(1, 3))
    code = "select a, b, c, d, e from {{ ref('orders') }} o " + joins
    events = source("raw", "events", columns=None)
    lineage = analyse(code, parents=(ORDERS, RAW), sources=(events,))
    assert lineage.fallback_reason is not None
    assert lineage.fallback_reason.endswith("and 2 more like these")


def test_a_task_is_remembered_by_a_digest_of_everything_its_analysis_reads() -> None:
    import dataclasses

    from tessera.ingest.dbt import column_lineage
    from tessera.ingest.dbt.model_lineage import ModelTask, RelationRef
    from tessera.ingest.dbt.models import DbtCode
    from tessera.ingest.dbt.sql_values import Parent

    analyse("select order_id from {{ ref('orders') }}", parents=(ORDERS,))
    keys = list(column_lineage._CACHE)
    assert keys and all(isinstance(key, bytes) for key in keys)  # no SQL or columns kept as keys
    code = DbtCode(language="sql", raw_code="select 1", compiled_code=None)
    task = ModelTask(
        node="model.p.m",
        parents=("model.p.a",),
        code=code,
        own=RelationRef("model.p.m", "model", "m", "p", "db.s.m", None, None, False, "db", "s", "m"),
        candidates=(),
        contracts=(Parent.of("model.p.m", ["x", "y"]),),
        dialect="duckdb",
        adapter_type="duckdb",
    )
    variants = [
        dataclasses.replace(task, node="model.p.n"),
        dataclasses.replace(task, parents=("model.p.b",)),
        dataclasses.replace(task, code=dataclasses.replace(code, compiled_code="")),
        dataclasses.replace(task, code=dataclasses.replace(code, compiled_code="select 1")),
        dataclasses.replace(task, code=dataclasses.replace(code, raw_code="select 2")),
        dataclasses.replace(task, contracts=(Parent.of("model.p.m", ["y", "x"]),)),
        dataclasses.replace(task, contracts=(Parent.of("model.p.m", None),)),
        dataclasses.replace(task, dialect=None),
        dataclasses.replace(task, adapter_type="snowflake"),
        dataclasses.replace(task, candidates=(task.own,), contracts=(*task.contracts, task.contracts[0])),
    ]
    digests = {task.digest(), *(v.digest() for v in variants)}
    assert len(digests) == len(variants) + 1
    assert dataclasses.replace(task).digest() == task.digest()
