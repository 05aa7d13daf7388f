"""Guarantees: parsing the shared format, and the guarantees diff with its risk per kind and mode."""

from __future__ import annotations

from typing import Any

import pytest

from tessera.core import (
    GuaranteeChangeKind,
    GuaranteeMode,
    Guarantees,
    InvalidGuaranteesError,
    Risk,
    diff_guarantees,
)

G = GuaranteeChangeKind
FULL = {
    "columns": {
        "customer_id": {
            "not_null": True,
            "unique": True,
            "accepted_values": ["a", "b"],
            "relationships": {"to": "warehouse.analytics.dim_x", "field": "id"},
        }
    },
    "freshness": {"warn_after": "12h", "error_after": "1d"},
    "volume": {"min_rows": 1, "max_rows": 1000000},
    "custom": [
        {"name": "dbt_utils.expression_is_true", "column": None, "arguments": {"expression": "amount >= 0"}}
    ],
}


def test_the_shared_format_round_trips() -> None:
    parsed = Guarantees.parse(FULL)
    data = parsed.to_dict()
    assert data["columns"] == FULL["columns"]
    assert data["freshness"] == FULL["freshness"]
    assert Guarantees.parse(data) == parsed
    assert Guarantees.parse(None) == Guarantees()
    volume = Guarantees.parse('{"volume": {"min_rows": 1, "max_rows": null}}').volume
    assert volume is not None and (volume.min_rows, volume.max_rows) == (1, None)
    assert Guarantees.parse(parsed) is parsed
    column = parsed.column("CUSTOMER_ID")
    assert column is not None
    assert column.unique


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"columns": {"a": {"not_nul": True}}}, "columns.a.not_nul"),
        ({"columns": {"a": {"not_null": "yes"}}}, "columns.a.not_null"),
        ({"columns": {"A": {}, "a": {}}}, "same column"),
        ({"freshness": {"warn_after": "soon"}}, "freshness.warn_after"),
        ({"freshness": {"warn_after": True}}, "freshness.warn_after"),
        ({"volume": {"min_rows": -1}}, "volume.min_rows"),
        ({"volume": {"min_rows": 9, "max_rows": 2}}, "greater than max_rows"),
        ({"custom": [{"column": "a"}]}, "custom.0.name"),
        ({"surprise": 1}, "surprise"),
        ("not json", "invalid guarantees"),
        (42, "JSON object"),
    ],
)
def test_bad_guarantees_are_explained(raw: Any, fragment: str) -> None:
    with pytest.raises(InvalidGuaranteesError, match="invalid guarantees|JSON object") as info:
        Guarantees.parse(raw)
    assert fragment in str(info.value)
    assert info.value.code == "invalid_guarantees"


def _col(**spec: Any) -> dict[str, Any]:
    return {"columns": {"c": spec}}


# (old, new, expected kind, risk)
CASES: list[tuple[dict[str, Any], dict[str, Any], GuaranteeChangeKind, Risk]] = [
    ({}, _col(not_null=True), G.NOT_NULL_ADDED, Risk.SAFE),
    (_col(not_null=True), {}, G.NOT_NULL_REMOVED, Risk.RISKY),
    (_col(), _col(unique=True), G.UNIQUE_ADDED, Risk.SAFE),
    (_col(unique=True), _col(unique=False), G.UNIQUE_REMOVED, Risk.RISKY),
    (_col(), _col(accepted_values=["a"]), G.ACCEPTED_VALUES_ADDED, Risk.SAFE),
    (_col(accepted_values=["a"]), _col(), G.ACCEPTED_VALUES_REMOVED, Risk.RISKY),
    (_col(accepted_values=["a", "b"]), _col(accepted_values=["a"]), G.ACCEPTED_VALUES_NARROWED, Risk.SAFE),
    (_col(accepted_values=["a"]), _col(accepted_values=["a", "b"]), G.ACCEPTED_VALUES_EXPANDED, Risk.RISKY),
    (_col(), _col(relationships={"to": "x", "field": "id"}), G.RELATIONSHIP_ADDED, Risk.SAFE),
    (_col(relationships={"to": "x", "field": "id"}), _col(), G.RELATIONSHIP_REMOVED, Risk.RISKY),
    (
        _col(relationships={"to": "x", "field": "id"}),
        _col(relationships={"to": "y", "field": "id"}),
        G.RELATIONSHIP_CHANGED,
        Risk.RISKY,
    ),
    ({}, {"freshness": {"warn_after": "1h"}}, G.FRESHNESS_ADDED, Risk.SAFE),
    ({"freshness": {"error_after": "1d"}}, {}, G.FRESHNESS_REMOVED, Risk.RISKY),
    (
        {"freshness": {"warn_after": "12h"}},
        {"freshness": {"warn_after": "PT6H"}},
        G.FRESHNESS_TIGHTENED,
        Risk.SAFE,
    ),
    (
        {"freshness": {"warn_after": "12h"}},
        {"freshness": {"warn_after": {"count": 1, "period": "day"}}},
        G.FRESHNESS_RELAXED,
        Risk.RISKY,
    ),
    ({}, {"volume": {"min_rows": 1}}, G.VOLUME_ADDED, Risk.SAFE),
    ({"volume": {"max_rows": 10}}, {"volume": {}}, G.VOLUME_REMOVED, Risk.RISKY),
    ({"volume": {"min_rows": 1}}, {"volume": {"min_rows": 5}}, G.VOLUME_TIGHTENED, Risk.SAFE),
    ({"volume": {"max_rows": 10}}, {"volume": {"max_rows": 100}}, G.VOLUME_RELAXED, Risk.RISKY),
    ({}, {"custom": [{"name": "t", "arguments": {"x": 1}}]}, G.CUSTOM_TEST_ADDED, Risk.SAFE),
    ({"custom": [{"name": "t", "column": "a"}]}, {}, G.CUSTOM_TEST_REMOVED, Risk.RISKY),
]


def test_every_kind_is_covered() -> None:
    assert {kind for _, _, kind, _ in CASES} == set(GuaranteeChangeKind)


@pytest.mark.parametrize(("old", "new", "kind", "risk"), CASES, ids=[case[2].value for case in CASES])
def test_kind_and_risk(
    old: dict[str, Any], new: dict[str, Any], kind: GuaranteeChangeKind, risk: Risk
) -> None:
    (change,) = diff_guarantees(Guarantees.parse(old), Guarantees.parse(new))
    assert change.kind is kind
    assert change.risk is risk
    assert change.blocks(GuaranteeMode.STRICT) is (risk is Risk.RISKY)
    assert not change.blocks(GuaranteeMode.NOTIFY)
    assert not change.blocks(GuaranteeMode.IGNORE)
    data = change.to_dict(GuaranteeMode.STRICT)
    assert data["risk"] == risk.value
    assert data["blocks"] is (risk is Risk.RISKY)
    assert change.message


def test_accepted_values_narrowed_and_expanded_at_once() -> None:
    changes = diff_guarantees(
        Guarantees.parse(_col(accepted_values=["a", "b"])), Guarantees.parse(_col(accepted_values=["b", "c"]))
    )
    assert [(c.kind, c.old, c.new) for c in changes] == [
        (G.ACCEPTED_VALUES_NARROWED, ["a"], None),
        (G.ACCEPTED_VALUES_EXPANDED, None, ["c"]),
    ]


def test_no_noise() -> None:
    same = Guarantees.parse(FULL)
    respelled = Guarantees.parse(
        {
            **FULL,
            "columns": {"CUSTOMER_ID": {**FULL["columns"]["customer_id"], "accepted_values": ["b", "a"]}},
            "freshness": {"warn_after": "PT12H", "error_after": {"count": 24, "period": "hour"}},
            "custom": [{"name": "dbt_utils.expression_is_true", "arguments": {"expression": "amount >= 0"}}],
        }
    )
    assert diff_guarantees(same, respelled) == ()


def test_custom_tests_match_by_name_column_and_arguments() -> None:
    old = Guarantees.parse({"custom": [{"name": "t", "column": "a", "arguments": {"v": [1, 2]}}]})
    new = Guarantees.parse({"custom": [{"name": "t", "column": "A", "arguments": {"v": [1, 3]}}]})
    assert sorted(c.kind.value for c in diff_guarantees(old, new)) == [
        "custom_test_added",
        "custom_test_removed",
    ]
    assert (
        diff_guarantees(
            old, Guarantees.parse({"custom": [{"name": "t", "column": "A", "arguments": {"v": [1, 2]}}]})
        )
        == ()
    )


def test_accepted_values_are_a_set_in_a_canonical_order() -> None:
    parsed = Guarantees.parse({"columns": {"c": {"accepted_values": ["b", 2.0, "a", 1, 2, True, 1.0]}}})
    column = parsed.columns["c"]
    # Once each (1 is 1.0, true is not 1), sorted by canonical JSON text.
    assert column.accepted_values == ("a", "b", 1, 2.0, True)
    assert Guarantees.parse({"columns": {"c": {"accepted_values": [True, "b", "a", 2, 1]}}}) == parsed
