"""The one FQN normalisation rule."""

from __future__ import annotations

import pytest

from tessera.ingest.dbt import relation_fqn
from tessera.ingest.dbt.fqn import node_fqn


@pytest.mark.parametrize(
    ("database", "schema", "name", "expected"),
    [
        ("ANALYTICS", "PUBLIC", "ORDERS", "analytics.public.orders"),
        ('"Analytics"', '"Marts"', '"Fct_Orders"', "analytics.marts.fct_orders"),
        ("`my-project`", "`dataset`", "`table`", "my-project.dataset.table"),
        ("[db]", "[dbo]", "[t]", "db.dbo.t"),
        (None, "main", "orders", "main.orders"),
        ("", "", "orders", "orders"),
        ("  db ", " s ", " t ", "db.s.t"),
    ],
)
def test_relation_fqn(database: str | None, schema: str | None, name: str, expected: str) -> None:
    assert relation_fqn(database, schema, name) == expected


def test_models_use_alias_and_sources_use_identifier() -> None:
    model = {
        "resource_type": "model",
        "name": "fct_orders",
        "alias": "fact_orders",
        "database": "d",
        "schema": "s",
    }
    source = {
        "resource_type": "source",
        "name": "customers",
        "identifier": "CUSTOMERS_V2",
        "database": "d",
        "schema": "raw",
    }
    assert node_fqn(model) == "d.s.fact_orders"
    assert node_fqn(source) == "d.raw.customers_v2"


def test_alias_and_identifier_fall_back_to_the_name() -> None:
    assert (
        node_fqn({"resource_type": "model", "name": "m", "alias": None, "database": "d", "schema": "s"})
        == "d.s.m"
    )
    assert (
        node_fqn({"resource_type": "source", "name": "t", "identifier": "", "database": "d", "schema": "s"})
        == "d.s.t"
    )
