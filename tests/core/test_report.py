"""Rendering of compatibility reports (shared by the command line and the API)."""

from __future__ import annotations

from tessera.core import check_compatibility
from tessera.core.report import render_markdown, report_rows, suggestion_lines, summary_line
from tests.core.helpers import record

S = {"type": "string"}


def test_summary_rows_and_markdown() -> None:
    report = check_compatibility(
        record(id={"type": "integer"}, postcode=S), [record(id=S, zip=S)], "backward"
    )
    assert (
        summary_line(report)
        == "NOT compatible under backward: 2 breaking changes (3 changes); suggested version bump: major."
    )
    assert report_rows(report) == [
        ("/properties/id", "type_changed", "yes", "type changed from string to integer"),
        (
            "/properties/postcode",
            "property_added",
            "no",
            "property 'postcode' added (possibly a rename of 'zip')",
        ),
        (
            "/properties/zip",
            "property_removed",
            "yes",
            "property 'zip' removed (possibly renamed to 'postcode')",
        ),
    ]
    lines = suggestion_lines(report)
    assert len(lines) == 2  # one per breaking change; the rename is covered by the removal's line
    markdown = render_markdown(report)
    assert "| Path | Change | Breaking | Details |" in markdown
    assert "| /properties/zip | property_removed | yes |" in markdown
    assert "Non-breaking alternatives:" in markdown


def test_no_changes() -> None:
    report = check_compatibility(record(a=S), [record(a=S)], "full")
    assert summary_line(report) == "Compatible under full (0 changes); suggested version bump: none."
    assert "No changes." in render_markdown(report)


def test_transitive_rows_mark_older_versions() -> None:
    report = check_compatibility(record(b=S), [record(a=S, b=S), record(b=S)], "backward_transitive")
    assert report_rows(report) == [
        ("/properties/a", "property_removed", "yes", "property 'a' removed (vs. an earlier version)")
    ]
    assert summary_line(report) == (
        "NOT compatible under backward_transitive: 1 breaking change (0 changes since the latest version, "
        "1 breaking against earlier ones); suggested version bump: major."
    )
