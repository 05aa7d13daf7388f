"""The Markdown summary of a dbt impact check, ready to post as a pull-request comment."""

from __future__ import annotations

from tessera.sync.schemas import ConsumerItem, ModelImpact

MARKER = "<!-- tessera-dbt-check -->"
_MAX_ROWS = 50
_ICONS = {"pass": "✅", "fail": "❌"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _asked(c: ConsumerItem) -> str:
    columns = ", ".join(c.affected_columns) or "the whole table"
    return f"{_cell(c.team)} ({c.response or 'not asked'}; {_cell(columns)})"


def _why(c: ConsumerItem) -> str:
    return _cell("; ".join(c.reasons) or "reads none of the changed columns")


def render(verdict: str, models: list[ModelImpact]) -> str:
    """A short table of changed models (unchanged ones omitted), who must answer, and who is only informed."""
    changed = [m for m in models if m.status != "unchanged"]
    breaking = [m for m in changed if m.breaking]
    waiting = [m for m in breaking if not m.acknowledged]
    lines = [MARKER, f"### {_ICONS[verdict]} Tessera contract check: {verdict}", ""]
    if not changed:
        lines.append("No contract changes in this pull request.")
        return "\n".join(lines) + "\n"
    lines.append(
        f"{len(changed)} changed model(s), {len(breaking)} with breaking changes, "
        f"{len(waiting)} waiting for consumer acknowledgment."
    )
    lines += [
        "",
        "| Model | Status | Breaking changes | Must answer | Acknowledged |",
        "|---|---|---|---|---|",
    ]
    ordered = sorted(changed, key=lambda m: (not (m.breaking and not m.acknowledged), not m.breaking, m.fqn))
    for m in ordered[:_MAX_ROWS]:
        broken = [c for c in m.changes if c.breaking]
        summary = "; ".join(_cell(c.message) for c in broken[:3]) or "none"
        if len(broken) > 3:
            summary += f" (+{len(broken) - 3} more)"
        consumers = ", ".join(_asked(c) for c in m.consumers if c.required and m.breaking) or "none"
        ack = "n/a" if not m.breaking else ("yes" if m.acknowledged else "**no**")
        lines.append(f"| `{_cell(m.fqn)}` | {m.status} | {summary} | {consumers} | {ack} |")
    if len(ordered) > _MAX_ROWS:
        lines.append(f"\n…and {len(ordered) - _MAX_ROWS} more changed model(s).")
    informed = [(m, c) for m in ordered[:_MAX_ROWS] for c in m.consumers if m.breaking and not c.required]
    if informed:
        lines += ["", "#### Informed, no answer needed", ""]
        lines += [f"- `{_cell(m.fqn)}`: {_cell(c.team)} ({_why(c)})" for m, c in informed]
    if waiting:
        lines += [
            "",
            "Breaking changes need the answer of the teams that read what changes before merging: run "
            "`tessera dbt check --propose` to ask them, then `tessera proposal ack` as each consumer.",
        ]
    return "\n".join(lines) + "\n"
