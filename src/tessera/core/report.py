"""Presentation of compatibility reports shared by the command line and the API: table rows, a summary
sentence and a Markdown rendering a person can paste into a review. No terminal library here."""

from __future__ import annotations

from tessera.core.compatibility import CompatibilityReport

COLUMNS = ("Path", "Change", "Breaking", "Details")


def summary_line(report: CompatibilityReport) -> str:
    """One sentence: the verdict, how many changes, the suggested bump."""
    mode = report.mode.value
    count = len(report.changes)
    changes = f"{count} change{'s' if count != 1 else ''}"
    if report.compatible:
        verdict = f"Compatible under {mode}"
    else:
        broken = len(report.breaking_changes)
        verdict = f"NOT compatible under {mode}: {broken} breaking change{'s' if broken != 1 else ''}"
    latest = {id(change) for change in report.changes}
    earlier = sum(1 for change in report.breaking_changes if id(change) not in latest)
    if earlier:  # transitive modes: breaking only against an earlier version than the latest
        changes += f" since the latest version, {earlier} breaking against earlier ones"
    return f"{verdict} ({changes}); suggested version bump: {report.suggested_bump.value}."


def report_rows(report: CompatibilityReport) -> list[tuple[str, str, str, str]]:
    """One row per change against the latest version: path, kind, breaking (yes/no), message."""
    rows = []
    for change in report.changes:
        breaking = "yes" if change.is_breaking(report.mode) else "no"
        rows.append((change.path or "/", change.kind.value, breaking, change.message))
    # Breaking changes found only against earlier versions (transitive modes) get rows too.
    latest = {id(change) for change in report.changes}
    for change in report.breaking_changes:
        if id(change) not in latest:
            rows.append(
                (change.path or "/", change.kind.value, "yes", f"{change.message} (vs. an earlier version)")
            )
    return rows


def suggestion_lines(report: CompatibilityReport) -> list[str]:
    """For each breaking change, its non-breaking alternative; then the possible renames."""
    lines = []
    for change in report.breaking_changes:
        if change.suggestion:
            lines.append(f"{change.path or '/'} ({change.kind.value}): {change.suggestion}")
    covered = {change.path for change in report.breaking_changes if change.renamed_to is not None}
    for rename in report.renames:
        if rename.old_path not in covered:
            lines.append(f"possible rename {rename.old_path} -> {rename.new_path}: {rename.suggestion}")
    return lines


def render_markdown(report: CompatibilityReport) -> str:
    """The report as Markdown: summary, a table of changes, suggestions."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [f"**{summary_line(report)}**", ""]
    rows = report_rows(report)
    if rows:
        lines.append("| " + " | ".join(COLUMNS) + " |")
        lines.append("|" + "---|" * len(COLUMNS))
        lines.extend("| " + " | ".join(cell(value) for value in row) + " |" for row in rows)
    else:
        lines.append("No changes.")
    suggestions = suggestion_lines(report)
    if suggestions:
        lines.extend(["", "Non-breaking alternatives:", ""])
        lines.extend(f"- {cell(line)}" for line in suggestions)
    return "\n".join(lines) + "\n"


__all__ = ["COLUMNS", "render_markdown", "report_rows", "suggestion_lines", "summary_line"]
