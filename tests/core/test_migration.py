"""Rename detection and non-breaking alternatives."""

from __future__ import annotations

from tessera.core import ChangeKind, CompatibilityMode, check_compatibility, diff_schemas
from tests.core.helpers import record

S = {"type": "string"}
INT = {"type": "integer"}


def test_a_single_equal_pair_is_a_possible_rename() -> None:
    diff = diff_schemas(record(zip={"type": "string", "description": "old"}), record(postcode=S))
    (rename,) = diff.renames
    assert (rename.old_name, rename.new_name) == ("zip", "postcode")
    removed = next(c for c in diff.changes if c.kind is ChangeKind.PROPERTY_REMOVED)
    assert removed.renamed_to == "postcode"
    assert removed.is_breaking(CompatibilityMode.BACKWARD)  # still breaking
    assert "postcode" in (removed.suggestion or "")
    assert "possibly renamed" in removed.message


def test_different_schemas_are_not_renames() -> None:
    assert diff_schemas(record(zip=S), record(postcode=INT)).renames == ()


def test_only_siblings_are_paired() -> None:
    old = record(a=record(zip=S), b=record())
    new = record(a=record(), b=record(postcode=S))
    assert diff_schemas(old, new).renames == ()


def test_ambiguous_candidates_pair_by_name_similarity() -> None:
    diff = diff_schemas(record(first_name=S, last_name=S), record(given_name=S, last_name_text=S))
    pairs = {(r.old_name, r.new_name) for r in diff.renames}
    assert ("last_name", "last_name_text") in pairs


def test_every_breaking_change_in_a_report_has_an_alternative() -> None:
    report = check_compatibility(record(required=["b"], b=INT), [record(a=S)], CompatibilityMode.FULL)
    assert report.breaking_changes
    assert all(change.suggestion for change in report.breaking_changes)
