"""The semantic diff rows the proposal, compare and editor pages share."""

from __future__ import annotations

from tessera.core import CompatibilityMode, diff_schemas
from tessera.core.pointer import column_of
from tessera.ui.changes_view import TABLE, change_groups, field_label, summary


def test_field_labels_read_like_column_paths() -> None:
    assert field_label("/properties/address/properties/zip") == "address.zip"
    assert field_label("/properties/tags/items") == "tags[]"
    assert field_label("/properties/a~1b") == "a/b"
    assert field_label("") == TABLE
    assert field_label("/additionalProperties") == TABLE


def test_column_of_names_the_top_level_column_in_lower_case() -> None:
    assert column_of("/properties/Amount/type") == "amount"
    assert column_of("/properties/address/properties/zip") == "address"
    assert column_of("/required") is None


def test_groups_put_breaking_fields_first_and_keep_the_engine_verdicts() -> None:
    old = {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "note": {"type": "string"}, "amount": {"type": "number"}},
    }
    new = {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "amount": {"type": "number", "description": "EUR"}},
    }
    report = diff_schemas(old, new)
    changes = [c.to_dict(CompatibilityMode.BACKWARD) for c in report.changes]
    groups = change_groups(changes, [{"kind": "not_null_removed", "path": "/columns/id", "blocks": True}])

    assert [g.field for g in groups][0] in {"note", "id"}
    note = next(g for g in groups if g.field == "note")
    assert note.breaking and note.column == "note"
    removed = note.rows[0]
    assert removed.breaking and removed.old is not None and removed.new is None
    assert removed.suggestion  # the engine's non-breaking alternative is shown, not invented here
    amount = next(g for g in groups if g.field == "amount")
    assert not amount.breaking
    counts = summary(groups)
    assert counts["breaking"] == 2 and counts["fields"] == 3


def test_long_values_are_shortened_for_the_table() -> None:
    groups = change_groups(
        [{"kind": "enum_values_removed", "path": "/properties/s", "old": ["x" * 200], "new": []}]
    )
    row = groups[0].rows[0]
    assert row.old is not None and len(row.old) == 80 and row.old.endswith("…")
    assert row.new == "[]"
