"""Semantic models, metrics and saved queries as readers of the columns they name."""

from __future__ import annotations

from typing import Any

from tessera.ingest.dbt import parse_manifest
from tessera.ingest.dbt.column_lineage import analyse_project
from tessera.ingest.lineage import ALL_COLUMNS

from .builders import manifest, model

ORDERS = "model.shop.orders"


def semantic_manifest(measure_expr: str = "amount", metric_filter: str | None = None) -> dict[str, Any]:
    orders = model("orders", columns={"id": "int", "amount": "numeric", "kind": "text", "at": "timestamp"})
    semantic = {
        "unique_id": "semantic_model.shop.orders",
        "name": "orders",
        "package_name": "shop",
        "resource_type": "semantic_model",
        "config": {"meta": {"owner": "bi@shop.example"}},
        "defaults": {"agg_time_dimension": "ordered_at"},
        "depends_on": {"nodes": [ORDERS]},
        "entities": [{"name": "order", "type": "primary", "expr": "id"}],
        "dimensions": [
            {"name": "ordered_at", "type": "time", "expr": "at"},
            {"name": "kind", "type": "categorical", "expr": None},
        ],
        "measures": [
            {"name": "revenue", "agg": "sum", "expr": measure_expr},
            {"name": "orders", "agg": "count", "expr": "1"},
        ],
    }

    def metric(name: str, **params: Any) -> dict[str, Any]:
        return {
            "unique_id": f"metric.shop.{name}",
            "name": name,
            "package_name": "shop",
            "resource_type": "metric",
            "config": {"meta": {}},
            "meta": {"owner": "finance@shop.example"},
            "depends_on": {"nodes": ["semantic_model.shop.orders"]},
            "type_params": params,
            "filter": metric_filter,
        }

    return manifest(
        orders,
        semantic_models={"semantic_model.shop.orders": semantic},
        metrics={
            "metric.shop.revenue": metric("revenue", measure={"name": "revenue"}),
            "metric.shop.order_count": metric("order_count", measure={"name": "orders"}),
            "metric.shop.avg_order": metric(
                "avg_order",
                expr="revenue / order_count",
                metrics=[{"name": "revenue"}, {"name": "order_count"}],
            ),
        },
        saved_queries={
            "saved_query.shop.by_kind": {
                "unique_id": "saved_query.shop.by_kind",
                "name": "by_kind",
                "package_name": "shop",
                "resource_type": "saved_query",
                "config": {"meta": {"owner": "exec@shop.example"}},
                "depends_on": {"nodes": ["metric.shop.order_count"]},
                "query_params": {
                    "metrics": ["order_count"],
                    "group_by": ["Dimension('order__kind')", "TimeDimension('metric_time', 'day')"],
                    "where": None,
                },
            }
        },
    )


def test_each_reader_reads_what_it_names() -> None:
    project = parse_manifest(semantic_manifest())
    nodes = analyse_project(project).nodes
    assert nodes["semantic_model.shop.orders"].reads == {ORDERS: {"id", "at", "kind", "amount"}}
    assert nodes["metric.shop.revenue"].reads == {ORDERS: {"amount", "at"}}
    assert nodes["metric.shop.order_count"].reads == {ORDERS: {"at"}}
    assert nodes["metric.shop.avg_order"].reads == {ORDERS: {"amount", "at"}}
    assert nodes["saved_query.shop.by_kind"].reads == {ORDERS: {"at", "kind"}}
    kinds = {e.unique_id: (e.resource_type, e.owner.email if e.owner else None) for e in project.exposures}
    assert kinds["saved_query.shop.by_kind"] == ("saved_query", "exec@shop.example")
    assert kinds["metric.shop.revenue"] == ("metric", "finance@shop.example")


def test_sql_expressions_and_filters_name_columns() -> None:
    data = semantic_manifest(
        measure_expr="case when kind = 'refund' then -amount else amount end",
        metric_filter="{{ Dimension('order__kind') }} <> 'test'",
    )
    nodes = analyse_project(parse_manifest(data)).nodes
    assert nodes["metric.shop.revenue"].reads == {ORDERS: {"kind", "amount", "at"}}
    assert nodes["metric.shop.revenue"].fallback_reason is None


def test_an_unparseable_expression_falls_back_with_its_reason() -> None:
    nodes = analyse_project(parse_manifest(semantic_manifest(measure_expr="sum(("))).nodes
    assert nodes["metric.shop.revenue"].reads == {ORDERS: ALL_COLUMNS}
    assert nodes["metric.shop.revenue"].fallback_reason == (
        "not every element names a column (measure `revenue` is an expression that could not be parsed)"
    )
    assert nodes["metric.shop.order_count"].reads == {ORDERS: {"at"}}
