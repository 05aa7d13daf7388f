"""The SQLMesh reader: SQLMesh's facts -> source-neutral assets, on a hand-written extract and on a real
project read by SQLMesh itself (its example project, DuckDB) through ``tessera sqlmesh assets``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tessera.cli.main import app
from tessera.ingest.neutral import parse_sqlmesh
from tessera.ingest.source import InvalidSourceError
from tessera.ingest.sqlmesh import to_assets, unquote
from tests.ingest.sqlmesh.project import (
    copy_project,
    init_project,
    owned_with_audits,
    sqlmesh_python,
)


def extract(**model: Any) -> dict[str, Any]:
    base = {
        "name": "shop.orders",
        "fqn": '"db"."shop"."orders"',
        "kind": "FULL",
        "dialect": "duckdb",
        "owner": None,
        "description": "",
        "tags": [],
        "columns": [["order_id", "INT"], ["status", "TEXT"], ["placed_at", "TIMESTAMP"]],
        "column_descriptions": {},
        "grains": [],
        "unique_key": [],
        "audits": [],
        "depends_on": [],
    }
    return {"format": 1, "tool": "sqlmesh", "version": "0.236.4", "project": "shop", "models": [base | model]}


def only_asset(doc: dict[str, Any]) -> dict[str, Any]:
    (asset,) = doc["assets"]
    return asset  # type: ignore[no-any-return]


def test_columns_keep_the_types_sqlmesh_resolved_mapped_like_dbt_types() -> None:
    asset = only_asset(to_assets(extract()))
    assert (asset["unique_id"], asset["fqn"]) == ("shop.orders", "db.shop.orders")
    assert asset["schema"] == {
        "type": "object",
        "properties": {
            "order_id": {"type": "integer"},
            "status": {"type": "string"},
            "placed_at": {"type": "string", "format": "x-local-date-time", "x-timezone": False},
        },
    }


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ({"grains": [["order_id"]]}, {"columns": {"order_id": {"unique": True}}}),
        ({"unique_key": [["order_id"]]}, {"columns": {"order_id": {"unique": True}}}),
        (
            {"grains": [["order_id", "placed_at"]]},
            {"custom": [{"name": "grain", "arguments": {"columns": ["order_id", "placed_at"]}}]},
        ),
        (
            {"audits": [["not_null", {"columns": ["order_id", "status"]}]]},
            {"columns": {"order_id": {"not_null": True}, "status": {"not_null": True}}},
        ),
        ({"audits": [["unique_values", {"columns": ["status"]}]]}, {"columns": {"status": {"unique": True}}}),
        (
            {"audits": [["accepted_values", {"column": "status", "is_in": ["new", "paid"]}]]},
            {"columns": {"status": {"accepted_values": ["new", "paid"]}}},
        ),
        (
            {"audits": [["accepted_range", {"column": "order_id", "min_v": 0}]]},
            {
                "custom": [
                    {
                        "name": "accepted_range",
                        "arguments": {"column": "order_id", "min_v": 0},
                        "column": "order_id",
                    }
                ]
            },
        ),
        ({"audits": [["assert_positive", {}]]}, {"custom": [{"name": "assert_positive", "arguments": {}}]}),
    ],
)
def test_grains_unique_keys_and_audits_are_guarantees(
    model: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert only_asset(to_assets(extract(**model)))["guarantees"] == expected


def test_the_server_reads_the_document_and_a_model_without_columns_is_unreadable_not_removed() -> None:
    data = extract(owner="Core <core@shop.example>", audits=[["not_null", {"columns": ["order_id"]}]])
    data["models"].append(extract(name="shop.daily", fqn='"db"."shop"."daily"', columns=None)["models"][0])
    data["models"][0]["depends_on"] = ['"db"."shop"."daily"', '"db"."raw"."external"']
    project = parse_sqlmesh(json.dumps(to_assets(data)).encode())
    assert list(project.assets) == ["shop.orders"]
    orders = project.assets["shop.orders"]
    assert orders.owner is not None and orders.owner.email == "core@shop.example"
    assert orders.depends_on == ()  # the unreadable model is not an asset, the external table unknown
    assert project.lists("shop.daily") and "shop.daily" in project.unreadable
    assert [w.code for w in project.warnings] == ["unreadable_node"]


def _two_models(**reader: Any) -> dict[str, Any]:
    doc = extract()
    orders = doc["models"][0]
    doc["models"].append(
        orders
        | {"name": "finance.revenue", "fqn": '"db"."finance"."revenue"', "depends_on": [orders["fqn"]]}
        | reader
    )
    return doc


def test_column_lineage_comes_from_the_rendered_query_and_falls_back_visibly() -> None:
    query = (
        'SELECT "o"."order_id" AS "order_id", UPPER("o"."status") AS "status" '
        'FROM "db"."shop"."orders" AS "o" WHERE "o"."placed_at" > CAST(\'2024-01-01\' AS DATE)'
    )
    doc = to_assets(_two_models(language="sql", query=query))
    revenue = next(a for a in doc["assets"] if a["unique_id"] == "finance.revenue")
    assert revenue["lineage"]["reads"] == {"shop.orders": ["order_id", "placed_at", "status"]}
    assert revenue["lineage"]["derives"]["status"] == [["shop.orders", "status"]]
    project = parse_sqlmesh(json.dumps(doc).encode())
    assert project.lineage is not None
    assert project.lineage.nodes["finance.revenue"].reads == {
        "shop.orders": frozenset({"order_id", "placed_at", "status"})
    }
    for language, query_text, reason in [
        ("python", None, "it is a Python model"),
        ("sql", None, "SQLMesh could not render its query"),
        ("sql", "SELECT FROM WHERE", "cannot be parsed"),
    ]:
        doc = to_assets(_two_models(language=language, query=query_text))
        project = parse_sqlmesh(json.dumps(doc).encode())
        assert project.lineage is not None
        [(node, why)] = project.lineage.fallbacks()
        assert node == "finance.revenue" and reason in why
        assert project.lineage.nodes["finance.revenue"].reads == {"shop.orders": None}


def test_an_output_of_another_format_is_refused() -> None:
    with pytest.raises(InvalidSourceError, match="format 1"):
        to_assets({"tool": "sqlmesh", "format": 99, "models": []})


def test_quoted_names_are_unquoted() -> None:
    assert unquote('"db"."sqlmesh_example"."full_model"') == "db.sqlmesh_example.full_model"
    assert unquote('"a.b"."c"') == "a.b.c"
    assert unquote("plain.name") == "plain.name"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return init_project(tmp_path_factory.mktemp("sqlmesh"))


def test_a_real_project_is_read_through_sqlmeshs_own_api(example: Path, tmp_path: Path) -> None:
    project = owned_with_audits(copy_project(example, tmp_path / "shop"), "analytics")
    result = CliRunner().invoke(
        app, ["sqlmesh", "assets", str(project), "--python", sqlmesh_python(), "--project", "shop"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["project_name"] == "shop" and doc["unreadable"] == []
    by_id = {a["unique_id"]: a for a in doc["assets"]}
    assert sorted(by_id) == [
        "sqlmesh_example.full_model",
        "sqlmesh_example.incremental_model",
        "sqlmesh_example.seed_model",
    ]
    full = by_id["sqlmesh_example.full_model"]
    assert full["fqn"] == "db.sqlmesh_example.full_model" and full["owner"] == "analytics"
    # Types as SQLMesh resolves them from the query: COUNT(...) is a BIGINT, MAX(event_date) a DATE.
    assert full["schema"]["properties"] == {
        "item_id": {"type": "integer"},
        "num_orders": {"type": "integer"},
        "last_order_date": {"type": "string", "format": "date"},
        "tier": {"type": "string"},
    }
    assert full["guarantees"]["columns"] == {
        "item_id": {"not_null": True, "unique": True},
        "num_orders": {"not_null": True},
        "tier": {"accepted_values": ["a", "b"]},
    }
    assert [c["name"] for c in full["guarantees"]["custom"]] == ["assert_positive_order_ids"]
    assert full["depends_on"] == ["sqlmesh_example.incremental_model"]
    incremental = by_id["sqlmesh_example.incremental_model"]
    assert incremental["guarantees"]["custom"] == [
        {"name": "grain", "arguments": {"columns": ["id", "event_date"]}}
    ]
    assert parse_sqlmesh(result.stdout.encode()).warnings == ()
    # Column lineage from the query SQLMesh rendered: what the full model reads of the incremental one
    # (selected, counted, grouped on) and what each of its columns comes from.
    assert full["lineage"]["reads"] == {"sqlmesh_example.incremental_model": ["event_date", "id", "item_id"]}
    assert full["lineage"]["derives"]["num_orders"] == [["sqlmesh_example.incremental_model", "id"]]
    assert full["lineage"]["derives"]["tier"] == [] and full["lineage"]["fallback_reason"] is None
    assert "lineage" not in by_id["sqlmesh_example.seed_model"]  # it reads no model
    lineage = parse_sqlmesh(result.stdout.encode()).lineage
    assert lineage is not None and lineage.fallbacks() == []


def test_a_project_sqlmesh_cannot_load_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("gateways: [\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["sqlmesh", "assets", str(tmp_path), "--python", sqlmesh_python()])
    assert result.exit_code == 2, result.output
    assert "SQLMesh could not load" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("shebang", "expected"),
    [("#!/opt/sm/bin/python3.11\n", "/opt/sm/bin/python3.11"), ("#!/usr/bin/env python3\n", "python3")],
)
def test_the_interpreter_of_the_sqlmesh_command_on_path_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shebang: str, expected: str
) -> None:
    from tessera.cli import sqlmesh as cli_sqlmesh

    script = tmp_path / "sqlmesh"
    script.write_text(shebang + "print('sqlmesh')\n", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(cli_sqlmesh.PYTHON_ENV, raising=False)
    monkeypatch.setattr(cli_sqlmesh.importlib.util, "find_spec", lambda name: None)
    assert cli_sqlmesh.find_python(None) == expected
    assert cli_sqlmesh.find_python("/explicit/python") == "/explicit/python"
