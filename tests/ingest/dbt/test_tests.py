"""dbt tests, contract constraints and freshness -> guarantees."""

from __future__ import annotations

from typing import Any

import pytest

from tessera.ingest.dbt import parse_manifest

from .builders import generic_test, manifest, model, singular_test, source

ORDERS = model("orders", columns={"id": "int", "status": "varchar", "customer_id": "int"})
CUSTOMERS = model("customers", columns={"id": "int"})


def guarantees(
    *nodes: dict[str, Any], sources: tuple[dict[str, Any], ...] = (), uid: str = "model.shop.orders"
) -> dict[str, Any]:
    project = parse_manifest(manifest(ORDERS, CUSTOMERS, *nodes, sources=sources))
    return dict(project.assets[uid].guarantees)


def test_no_tests_no_guarantees() -> None:
    assert guarantees() == {}


def test_not_null_unique_accepted_values_relationships() -> None:
    result = guarantees(
        generic_test("not_null", ORDERS, "id"),
        generic_test("unique", ORDERS, "ID"),
        generic_test("accepted_values", ORDERS, "status", values=["b", "a", "a"]),
        generic_test(
            "relationships",
            ORDERS,
            "customer_id",
            to="ref('customers')",
            field="ID",
            parents=("model.shop.customers",),
        ),
    )
    assert result == {
        "columns": {
            "customer_id": {"relationships": {"to": "db.main.customers", "field": "id"}},
            "id": {"not_null": True, "unique": True},
            "status": {"accepted_values": ["a", "b"]},
        }
    }


def test_new_arguments_syntax_left_nested_is_read_too() -> None:
    result = guarantees(generic_test("accepted_values", ORDERS, "status", arguments={"values": ["x"]}))
    assert result == {"columns": {"status": {"accepted_values": ["x"]}}}


def test_two_accepted_values_tests_on_one_column_intersect() -> None:
    result = guarantees(
        generic_test("accepted_values", ORDERS, "status", values=["a", "b", "c"]),
        generic_test("accepted_values", ORDERS, "status", values=["b", "c", "d"], quote=True),
    )
    assert result["columns"]["status"]["accepted_values"] == ["b", "c"]


def test_tests_attach_without_attached_node_through_the_model_kwarg() -> None:
    """Manifests before v9 have no attached_node; a relationships test depends on both models."""
    result = guarantees(
        generic_test("not_null", ORDERS, "id", attached=False),
        generic_test(
            "relationships",
            ORDERS,
            "customer_id",
            to="ref('customers')",
            field="id",
            parents=("model.shop.customers",),
            attached=False,
        ),
    )
    assert result["columns"]["id"] == {"not_null": True}
    assert result["columns"]["customer_id"]["relationships"]["to"] == "db.main.customers"
    assert "customer_id" not in guarantees(uid="model.shop.customers").get("columns", {})


def test_package_tests_become_custom_with_canonical_arguments() -> None:
    result = guarantees(
        generic_test(
            "expression_is_true",
            ORDERS,
            None,
            namespace="dbt_utils",
            expression="  {{ 'amount > 0' }} ",
            zeta=1,
            alpha={"b": 2, "a": 1},
        ),
        generic_test(
            "expect_column_values_to_be_between",
            ORDERS,
            "ID",
            namespace="dbt_expectations",
            min_value=0,
            max_value=10,
        ),
    )
    assert result == {
        "custom": [
            {
                "name": "dbt_expectations.expect_column_values_to_be_between",
                "column": "id",
                "arguments": {"max_value": 10, "min_value": 0},
            },
            {
                "name": "dbt_utils.expression_is_true",
                "column": None,
                "arguments": {"alpha": {"a": 1, "b": 2}, "expression": "'amount > 0'", "zeta": 1},
            },
        ]
    }


def test_row_count_test_becomes_volume() -> None:
    result = guarantees(
        generic_test(
            "expect_table_row_count_to_be_between", ORDERS, None, namespace="dbt_expectations", min_value=1
        )
    )
    assert result == {"volume": {"min_rows": 1, "max_rows": None}}


def test_where_filtered_test_is_only_a_custom_guarantee() -> None:
    result = guarantees(generic_test("not_null", ORDERS, "id", config={"where": "status != 'x'"}))
    assert result == {
        "custom": [{"name": "not_null", "column": "id", "arguments": {"where": "status != 'x'"}}]
    }


def test_warn_severity_is_still_a_guarantee() -> None:
    assert guarantees(generic_test("not_null", ORDERS, "id", config={"severity": "warn"})) == {
        "columns": {"id": {"not_null": True}}
    }


def test_singular_test_guards_every_relation_it_reads() -> None:
    test = singular_test("assert_orders_have_customers", ORDERS, CUSTOMERS)
    expected = {"custom": [{"name": "assert_orders_have_customers", "column": None, "arguments": {}}]}
    assert guarantees(test) == expected
    assert guarantees(test, uid="model.shop.customers") == expected


def test_unresolvable_relationship_is_custom_with_a_warning() -> None:
    test = generic_test("relationships", ORDERS, "customer_id", to="ref('gone')", field="id")
    project = parse_manifest(manifest(ORDERS, test))
    assert project.assets["model.shop.orders"].guarantees == {
        "custom": [
            {
                "name": "relationships",
                "column": "customer_id",
                "arguments": {"field": "id", "to": "ref('gone')"},
            }
        ]
    }
    assert [(w.node, w.code) for w in project.warnings] == [("model.shop.orders", "unresolved_relationship")]


def test_relationship_to_a_source_resolves_to_the_source_fqn() -> None:
    raw = source("erp.billing", "customers", identifier="CUSTOMERS")
    test = generic_test(
        "relationships",
        ORDERS,
        "customer_id",
        to="source('erp.billing', 'customers')",
        field="id",
        parents=(raw["unique_id"],),
    )
    result = guarantees(test, sources=(raw,))
    assert result["columns"]["customer_id"]["relationships"] == {
        "to": "db.erp_billing.customers",
        "field": "id",
    }


def test_tests_are_keyed_by_content_not_unique_id() -> None:
    first = guarantees(generic_test("not_null", ORDERS, "id"))
    renamed = generic_test("not_null", ORDERS, "id")
    renamed["unique_id"] = "test.shop.something_else.0123456789"
    assert guarantees(renamed) == first


@pytest.mark.parametrize(
    ("columns", "constraints", "expected"),
    [
        ({"id": [{"type": "not_null"}]}, [], {"columns": {"id": {"not_null": True}}}),
        ({"id": [{"type": "unique"}]}, [], {"columns": {"id": {"unique": True}}}),
        ({"id": [{"type": "primary_key"}]}, [], {"columns": {"id": {"not_null": True, "unique": True}}}),
        (
            {},
            [{"type": "primary_key", "columns": ["id"]}],
            {"columns": {"id": {"not_null": True, "unique": True}}},
        ),
        (
            {},
            [{"type": "primary_key", "columns": ["id", "status"]}],
            {
                "columns": {"id": {"not_null": True}, "status": {"not_null": True}},
                "custom": [
                    {
                        "name": "constraint.primary_key",
                        "column": None,
                        "arguments": {"columns": ["id", "status"]},
                    }
                ],
            },
        ),
        (
            {"id": [{"type": "check", "expression": "id > 0"}]},
            [],
            {"custom": [{"name": "constraint.check", "column": "id", "arguments": {"expression": "id > 0"}}]},
        ),
    ],
)
def test_enforced_contract_constraints(
    columns: dict[str, Any], constraints: list[Any], expected: dict[str, Any]
) -> None:
    node = model(
        "contracted",
        columns={"id": "int", "status": "varchar"},
        constraints=constraints,
        config={"materialized": "table", "contract": {"enforced": True}},
    )
    for name, column_constraints in columns.items():
        node["columns"][name]["constraints"] = column_constraints
    project = parse_manifest(manifest(node))
    asset = project.assets["model.shop.contracted"]
    assert asset.contract_enforced
    assert asset.guarantees == expected


def test_constraints_without_an_enforced_contract_are_not_guarantees() -> None:
    node = model("loose", columns={"id": "int"})
    node["columns"]["id"]["constraints"] = [{"type": "not_null"}]
    assert parse_manifest(manifest(node)).assets["model.shop.loose"].guarantees == {}


@pytest.mark.parametrize(
    ("freshness", "expected"),
    [
        (
            {"warn_after": {"count": 12, "period": "hour"}, "error_after": {"count": 1, "period": "day"}},
            {"freshness": {"warn_after": "12h", "error_after": "1d"}},
        ),
        (
            {"warn_after": {"count": 30, "period": "minute"}, "error_after": {"count": None, "period": None}},
            {"freshness": {"warn_after": "30m", "error_after": None}},
        ),
        ({"warn_after": {"count": None, "period": None}, "error_after": {"count": None, "period": None}}, {}),
    ],
)
def test_source_freshness(freshness: dict[str, Any], expected: dict[str, Any]) -> None:
    raw = source("raw", "events", freshness=freshness)
    assert guarantees(sources=(raw,), uid="source.shop.raw.events") == expected
