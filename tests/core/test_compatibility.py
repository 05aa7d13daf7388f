"""check_compatibility and evaluate_change: history, transitivity, guarantees, the JSON shape."""

from __future__ import annotations

import json

import pytest

from tessera.core import (
    Bump,
    CompatibilityMode,
    GuaranteeMode,
    Guarantees,
    check_compatibility,
    evaluate_change,
)
from tests.core.helpers import record

S = {"type": "string"}
V1 = record(required=["id"], id={"type": "integer"}, name=S, email=S)
V2 = record(required=["id"], id={"type": "integer"}, name=S)  # email dropped
V3 = record(required=["id"], id={"type": "integer"}, name=S, nickname=S)  # nickname added


def test_no_history_is_compatible() -> None:
    report = check_compatibility(V1, [], CompatibilityMode.FULL_TRANSITIVE)
    assert report.compatible
    assert report.changes == ()
    assert report.suggested_bump is Bump.NONE


def test_non_transitive_modes_compare_with_the_latest_only() -> None:
    report = check_compatibility(V3, [V1, V2], CompatibilityMode.BACKWARD)
    assert report.compatible
    assert [c.kind.value for c in report.changes] == ["property_added"]
    assert report.suggested_bump is Bump.MINOR
    assert len(report.comparisons) == 1


def test_transitive_modes_catch_a_removal_published_in_an_earlier_step() -> None:
    report = check_compatibility(V3, [V1, V2], CompatibilityMode.BACKWARD_TRANSITIVE)
    assert not report.compatible
    assert [(c.kind.value, c.path) for c in report.breaking_changes] == [
        ("property_removed", "/properties/email")
    ]
    assert [c.kind.value for c in report.changes] == ["property_added"]  # still against the latest
    assert report.suggested_bump is Bump.MAJOR
    data = report.to_dict()
    assert data["breaking_changes"][0]["against_version_index"] == 0
    assert data["checked_versions"] == 2


def test_breaking_changes_are_listed_once_across_versions() -> None:
    report = check_compatibility(
        record(id={"type": "integer"}), [V1, V1, V1], CompatibilityMode.BACKWARD_TRANSITIVE
    )
    assert [c.path for c in report.breaking_changes] == ["/properties/email", "/properties/name"]


@pytest.mark.parametrize(
    ("mode", "compatible", "bump"),
    [
        ("backward", False, "major"),
        ("forward", True, "minor"),
        ("full", False, "major"),
        ("none", True, "major"),  # none: never blocks, but the version still says "breaking"
    ],
)
def test_modes_and_bumps(mode: str, compatible: bool, bump: str) -> None:
    report = check_compatibility(V2, [V1], mode)
    assert report.compatible is compatible
    assert report.suggested_bump.value == bump


def test_metadata_only_is_a_patch() -> None:
    new = record(required=["id"], id={"type": "integer", "description": "key"}, name=S, email=S)
    assert check_compatibility(new, [V1], "full").suggested_bump is Bump.PATCH


def test_report_json_shape() -> None:
    data = check_compatibility(V2, [V1], CompatibilityMode.BACKWARD).to_dict()
    json.dumps(data)
    assert data["compatible"] is False
    assert data["mode"] == "backward"
    assert data["suggested_bump"] == "major"
    (change,) = data["changes"]
    assert set(change) >= {"kind", "path", "old", "new", "message", "breaking", "reason", "suggestion"}
    assert change["breaking"] is True
    assert data["summary"] == {"changes": 1, "breaking": 1}


G_OLD = Guarantees.parse(
    {"columns": {"id": {"not_null": True, "unique": True}}, "freshness": {"warn_after": "12h"}}
)
G_RELAXED = Guarantees.parse({"columns": {"ID": {"not_null": True}}, "freshness": {"warn_after": "12h"}})
G_MORE = Guarantees.parse(
    {
        "columns": {"id": {"not_null": True, "unique": True, "accepted_values": [1, 2]}},
        "freshness": {"warn_after": "720m"},
    }
)


@pytest.mark.parametrize(
    ("mode", "breaking", "reported", "bump"),
    [
        (GuaranteeMode.STRICT, True, 1, Bump.MAJOR),
        (GuaranteeMode.NOTIFY, False, 1, Bump.MINOR),
        (GuaranteeMode.IGNORE, False, 0, Bump.NONE),
    ],
)
def test_evaluate_change_with_a_risky_guarantee_change(
    mode: GuaranteeMode, breaking: bool, reported: int, bump: Bump
) -> None:
    evaluation = evaluate_change([V1], V1, G_OLD, G_RELAXED, CompatibilityMode.BACKWARD, mode)
    assert evaluation.breaking is breaking
    assert len(evaluation.guarantee_changes) == reported
    assert evaluation.suggested_bump is bump
    assert not evaluation.is_unchanged
    if breaking:
        assert evaluation.breaking_reasons == (
            "/columns/ID/unique: ID: unique test removed (risky guarantee change; guarantee mode is strict)",
        )
    json.dumps(evaluation.to_dict())


def test_evaluate_change_safe_guarantees_and_schema_breaks() -> None:
    evaluation = evaluate_change([V1], V2, G_OLD, G_MORE, "backward", "strict")
    assert evaluation.breaking
    assert [reason.split(":")[0] for reason in evaluation.breaking_reasons] == ["/properties/email"]
    assert [g.kind.value for g in evaluation.guarantee_changes] == ["accepted_values_added"]  # 720m == 12h
    assert evaluation.suggested_bump is Bump.MAJOR


def test_evaluate_change_unchanged_and_first_version() -> None:
    same = evaluate_change([V1], V1, G_OLD, G_OLD, "full", "strict")
    assert same.is_unchanged
    assert not same.breaking
    assert same.suggested_bump is Bump.NONE
    first = evaluate_change([], V1, None, G_OLD, "full", "strict")
    assert not first.is_unchanged
    assert not first.breaking
    assert evaluate_change([V1], V1, None, None, "full").is_unchanged
