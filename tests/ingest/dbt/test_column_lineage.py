"""Column lineage of the `lineage` fixture project: manifests made by real dbt (parse and compile).

See tests/fixtures/dbt/projects/lineage/README.md for the teams and the scenario of each variant.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from tessera.ingest.dbt import DbtProject, parse_manifest
from tessera.ingest.dbt.column_lineage import EXPOSURE_REASON, analyse_project
from tessera.ingest.lineage import ALL_COLUMNS, ColumnSource, ProjectLineage

MANIFESTS = Path(__file__).resolve().parents[2] / "fixtures" / "dbt" / "manifests"


def uid(name: str) -> str:
    return f"model.lineage.{name}"


STG_CUSTOMERS, STG_ORDERS, STG_PAYMENTS = uid("stg_customers"), uid("stg_orders"), uid("stg_payments")
ORDER_TOTALS, FCT_ORDERS = uid("order_totals"), uid("fct_orders")


@cache
def project(variant: str) -> DbtProject:
    return parse_manifest((MANIFESTS / f"lineage__{variant}.json.gz").read_bytes())


@cache
def lineage(variant: str) -> ProjectLineage:
    return analyse_project(project(variant))


def sources(*pairs: tuple[str, str]) -> frozenset[ColumnSource]:
    return frozenset(ColumnSource(node, column) for node, column in pairs)


def readers_of(variant: str, node: str, column: str) -> set[str]:
    """Readers that read ``column`` of ``node`` (or every column of it)."""
    return {
        reader.node
        for reader in lineage(variant).nodes.values()
        if node in reader.reads
        and (reader.reads[node] is ALL_COLUMNS or column in (reader.reads[node] or ()))
    }


def test_base_reads_per_model() -> None:
    nodes = lineage("base").nodes
    assert nodes[uid("dim_customers")].reads == {
        STG_CUSTOMERS: {"customer_id", "first_name", "last_name", "email", "region"},
        STG_ORDERS: {"customer_id"},
    }
    assert nodes[ORDER_TOTALS].reads == {STG_PAYMENTS: {"order_id", "amount", "method"}}
    assert nodes[FCT_ORDERS].reads == {
        STG_ORDERS: {"order_id", "customer_id", "status", "ordered_at"},
        ORDER_TOTALS: {"order_id", "total"},
    }
    assert nodes[uid("payments_daily")].reads == {STG_PAYMENTS: {"paid_at", "amount"}}
    assert nodes[uid("metricflow_time_spine")].reads == {}
    assert nodes["model.lineage.stg_customers"].reads == {
        "source.lineage.raw.customers": {
            "id",
            "first_name",
            "last_name",
            "email",
            "region",
            "loyalty_code",
            "created_at",
        }
    }


def test_scenario_a_only_one_consumer_reads_the_dropped_column() -> None:
    assert readers_of("base", STG_CUSTOMERS, "loyalty_code") == {uid("loyalty_members")}
    assert lineage("base").nodes[uid("loyalty_members")].reads == {
        STG_CUSTOMERS: {"customer_id", "loyalty_code"}
    }
    assert "loyalty_code" not in project("dropped_loyalty_code").assets[STG_CUSTOMERS].schema["properties"]


def test_scenario_b_retyped_column_read_through_two_levels() -> None:
    nodes = lineage("base").nodes
    assert nodes[ORDER_TOTALS].derives["total"] == sources((STG_PAYMENTS, "amount"))
    assert nodes[uid("big_orders")].reads == {ORDER_TOTALS: {"order_id", "total", "avg_amount"}}
    assert nodes[uid("big_orders")].derives["total"] == sources((ORDER_TOTALS, "total"))
    assert nodes[FCT_ORDERS].derives["total"] == sources((ORDER_TOTALS, "total"))
    assert readers_of("base", STG_PAYMENTS, "amount") == {
        ORDER_TOTALS,
        uid("payments_daily"),
        uid("payments_export"),
    }
    retyped = project("retyped_amount").assets[STG_PAYMENTS].schema["properties"]
    assert retyped["amount"] == {"type": "number"}


def test_scenario_c_select_star_consumer_reads_every_contract_column() -> None:
    export = lineage("base").nodes[uid("payments_export")]
    assert export.reads == {STG_PAYMENTS: {"payment_id", "order_id", "method", "amount", "paid_at"}}
    assert export.fallback_reason is None
    assert export.derives["paid_at"] == sources((STG_PAYMENTS, "paid_at"))
    assert readers_of("base", STG_PAYMENTS, "paid_at") == {uid("payments_daily"), uid("payments_export")}
    # After the drop, the contract no longer has the column and `select *` stops producing it.
    assert "paid_at" not in lineage("dropped_paid_at").nodes[uid("payments_export")].derives


def test_scenario_d_macro_select_list_falls_back_from_raw_code_only() -> None:
    raw = lineage("base").nodes[uid("crm_order_status")]
    assert raw.reads == {STG_ORDERS: ALL_COLUMNS}
    assert raw.fallback_reason == "its select list comes from the macro `order_status_columns`"
    assert readers_of("base", STG_ORDERS, "channel") == {uid("crm_order_status")}
    compiled = lineage("base_compiled").nodes[uid("crm_order_status")]
    assert compiled.reads == {STG_ORDERS: {"order_id", "status"}}
    assert compiled.fallback_reason is None


def test_scenario_e_changed_expression_changes_only_that_definition() -> None:
    before = lineage("base").nodes[ORDER_TOTALS]
    after = lineage("changed_avg_amount").nodes[ORDER_TOTALS]
    assert before.definitions["avg_amount"] != after.definitions["avg_amount"]
    assert {c: d for c, d in before.definitions.items() if c != "avg_amount"} == {
        c: d for c, d in after.definitions.items() if c != "avg_amount"
    }
    assert before.derives == after.derives
    assert before.reads == after.reads
    assert readers_of("base", ORDER_TOTALS, "avg_amount") == {uid("big_orders")}


def test_fallbacks_are_listed_with_reasons() -> None:
    assert lineage("base").fallbacks() == [
        ("exposure.lineage.exec_dashboard", EXPOSURE_REASON),
        (uid("crm_order_status"), "its select list comes from the macro `order_status_columns`"),
        (uid("customer_scores"), "it is a Python model"),
    ]
    assert lineage("base").nodes[uid("customer_scores")].reads == {FCT_ORDERS: ALL_COLUMNS}


def test_semantic_layer_readers() -> None:
    nodes = lineage("base").nodes
    assert nodes["semantic_model.lineage.orders"].reads == {
        FCT_ORDERS: {"order_id", "customer_id", "ordered_at", "status", "total"}
    }
    assert nodes["metric.lineage.revenue"].reads == {FCT_ORDERS: {"total", "ordered_at"}}
    assert nodes["metric.lineage.orders_placed"].reads == {FCT_ORDERS: {"order_id", "ordered_at"}}
    assert nodes["saved_query.lineage.revenue_by_status"].reads == {
        FCT_ORDERS: {"total", "ordered_at", "status"}
    }
    readers = {e.unique_id: e for e in project("base").exposures}
    assert readers["saved_query.lineage.revenue_by_status"].resource_type == "saved_query"
    assert readers["saved_query.lineage.revenue_by_status"].owner is not None
    assert readers["saved_query.lineage.revenue_by_status"].owner.email == "exec@lineage.example"
    assert readers["metric.lineage.orders_placed"].owner is None
    assert readers["exposure.lineage.exec_dashboard"].resource_type == "exposure"
    assert all(e.depends_on == (FCT_ORDERS,) for e in readers.values() if e.resource_type != "exposure")


def test_compiled_and_raw_manifests_give_the_same_lineage() -> None:
    raw, compiled = lineage("base").nodes, lineage("base_compiled").nodes
    assert project("base_compiled").code[FCT_ORDERS].compiled_code is not None
    assert project("base").code[FCT_ORDERS].compiled_code is None
    assert set(raw) == set(compiled)
    # Only the macro-made select list differs: dbt compile expanded the macro (see scenario d).
    for node in sorted(set(raw) - {uid("crm_order_status")}):
        assert raw[node] == compiled[node], node


def test_lineage_is_deterministic_across_parses() -> None:
    assert analyse_project(project("base")) == lineage("base")
