"""The current contract as a table: types, nullability, guarantees; consumer rows with derived columns."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from tessera.registrations.schemas import RegistrationRead
from tessera.ui.asset_page import consumer_row
from tessera.ui.contract_view import contract_columns, table_guarantees, type_label


def test_types_and_nullability_in_their_usual_spellings() -> None:
    schema = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "email": {"type": ["string", "null"]},
            "born": {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]},
            "kind": {"type": "string", "enum": ["a", "b"]},
            "blob": {},
            "legacy": {"type": "number", "nullable": True},
            "ref": {"$ref": "#/$defs/money"},
        },
        "required": ["id"],
    }
    rows = {r.name: r for r in contract_columns(schema, {})}
    assert list(rows) == ["id", "email", "born", "kind", "blob", "legacy", "ref"]
    assert (rows["id"].type, rows["id"].nullable, rows["id"].required) == ("integer", False, True)
    assert (rows["email"].type, rows["email"].nullable, rows["email"].required) == ("string", True, False)
    assert (rows["born"].type, rows["born"].nullable) == ("string (date)", True)
    assert rows["kind"].type == 'string enum: "a", "b"'
    assert (rows["blob"].type, rows["blob"].nullable) == ("any", None)
    assert rows["legacy"].nullable is True
    assert rows["ref"].type == "$ref #/$defs/money"


def test_column_guarantees_match_ignoring_case() -> None:
    schema = {"type": "object", "properties": {"Customer_ID": {"type": "integer"}}}
    guarantees = {
        "columns": {
            "customer_id": {
                "not_null": True,
                "unique": True,
                "accepted_values": [1, 2],
                "relationships": {"to": "wh.customers", "field": "id"},
            }
        }
    }
    (row,) = contract_columns(schema, guarantees)
    assert row.guarantees == ("not null", "unique", "accepted values: 1, 2", "relationship: wh.customers.id")


def test_table_guarantees() -> None:
    assert table_guarantees({}) == []
    shown = table_guarantees(
        {
            "freshness": {"warn_after": {"count": 12, "period": "hour"}, "error_after": "1d"},
            "volume": {"min_rows": 1, "max_rows": 2500000},
            "custom": [
                {"name": "dbt_utils.expression_is_true", "column": "amount", "arguments": {"e": "x>0"}}
            ],
        }
    )
    assert shown == [
        ("Freshness: warn after", "12 hours"),
        ("Freshness: error after", "1d"),
        ("Volume: at least", "1 rows"),
        ("Volume: at most", "2,500,000 rows"),
        ("Test on amount", 'dbt_utils.expression_is_true {"e":"x>0"}'),
    ]


def test_not_a_record_schema_has_no_columns() -> None:
    assert contract_columns({"type": "string"}, {}) == []
    assert type_label({"type": ["integer", "string"]}) == "integer | string"


# Registrations that keep hand-declared and lineage-derived columns apart (column-level gating).
SPLIT = "declared_columns" in RegistrationRead.model_fields


def _registration(**extra: object) -> dict[str, object]:
    now = datetime.now(UTC)
    columns = extra.get("columns", ["email"])
    split: dict[str, object] = {}
    if SPLIT:
        split = {
            "declared_columns": columns,
            "derived_columns": [],
            "column_scope": "columns" if columns else "unknown",
            "scope_reason": None,
            "derived_by": None,
        }
    return {
        **split,
        "id": uuid.uuid4(),
        "asset_id": uuid.uuid4(),
        "consumer_team_id": uuid.uuid4(),
        "registered_by_user_id": None,
        "pinned_version": None,
        "columns": ["email"],
        "purpose": None,
        "source": "api",
        "created_at": now,
        "updated_at": now,
        **extra,
    }


def test_consumer_rows_show_declared_columns() -> None:
    row = consumer_row(RegistrationRead.model_validate(_registration()), None)
    assert (row["declared"], row["derived"], row["scope"]) == (["email"], [], "columns")
    assert row["team_name"] == "(deleted team)"
    nothing = consumer_row(RegistrationRead.model_validate(_registration(columns=[])), None)
    # No columns: "all" where registrations have no column scope, else the scope they carry.
    assert nothing["scope"] == ("unknown" if SPLIT else "all")


class _WithLineage(RegistrationRead):
    """The registration shape that keeps declared and lineage-derived columns apart."""

    declared_columns: list[str]
    derived_columns: list[str]
    column_scope: str
    scope_reason: str | None
    derived_by: str | None


def test_consumer_rows_show_derived_columns_when_registrations_carry_them() -> None:
    reg = _WithLineage.model_validate(
        _registration(
            columns=["email", "status"],
            declared_columns=["email"],
            derived_columns=["status"],
            column_scope="columns",
            scope_reason=None,
            derived_by="jaffle_shop",
        )
    )
    row = consumer_row(reg, None)
    assert (row["declared"], row["derived"], row["derived_by"]) == (["email"], ["status"], "jaffle_shop")
    unknown = consumer_row(
        _WithLineage.model_validate(
            _registration(
                columns=[],
                declared_columns=[],
                derived_columns=[],
                column_scope="unknown",
                scope_reason="the model's SQL could not be parsed",
                derived_by=None,
            )
        ),
        None,
    )
    assert (unknown["scope"], unknown["scope_reason"]) == ("unknown", "the model's SQL could not be parsed")
