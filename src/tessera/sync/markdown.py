"""The Markdown summary of a dbt impact check, ready to post as a pull-request comment."""

from __future__ import annotations

from tessera.links import ui_url
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


def _model(m: ModelImpact, base_url: str | None) -> str:
    name = f"`{_cell(m.fqn)}`"
    return f"[{name}]({ui_url(base_url, f'assets/{m.asset_id}')})" if base_url and m.asset_id else name


def _proposal(m: ModelImpact, base_url: str | None) -> str:
    if m.proposal is None:
        return "none"
    label = m.proposal.status.replace("_", " ")
    return f"[{label}]({ui_url(base_url, f'proposals/{m.proposal.id}')})" if base_url else label


def render(verdict: str, models: list[ModelImpact], *, base_url: str | None = None) -> str:
    """A short table of changed models (unchanged ones omitted), who must answer, and who is only informed.

    With ``base_url`` each model links to its asset page and each proposal to the page where consumer
    teams read the change and answer.
    """
    changed = [m for m in models if m.status != "unchanged"]
    breaking = [m for m in changed if m.breaking]
    waiting = [m for m in breaking if not m.acknowledged]
    lines = [MARKER, f"### {_ICONS[verdict]} Tessera contract check: {verdict}", ""]
    if not changed:
        lines.append("No contract changes in this pull request.")
        return "\n".join(lines + _unreliable(models, base_url)) + "\n"
    lines.append(
        f"{len(changed)} changed model(s), {len(breaking)} with breaking changes, "
        f"{len(waiting)} waiting for consumer acknowledgment."
    )
    lines += [
        "",
        "| Model | Status | Breaking changes | Must answer | Acknowledged | Proposal |",
        "|---|---|---|---|---|---|",
    ]
    ordered = sorted(changed, key=lambda m: (not (m.breaking and not m.acknowledged), not m.breaking, m.fqn))
    for m in ordered[:_MAX_ROWS]:
        broken = [c for c in m.changes if c.breaking]
        summary = "; ".join(_cell(c.message) for c in broken[:3]) or "none"
        if len(broken) > 3:
            summary += f" (+{len(broken) - 3} more)"
        consumers = ", ".join(_asked(c) for c in m.consumers if c.required and m.breaking) or "none"
        ack = "n/a" if not m.breaking else ("yes" if m.acknowledged else "**no**")
        proposal = _proposal(m, base_url)
        lines.append(f"| {_model(m, base_url)} | {m.status} | {summary} | {consumers} | {ack} | {proposal} |")
    if len(ordered) > _MAX_ROWS:
        lines.append(f"\n…and {len(ordered) - _MAX_ROWS} more changed model(s).")
    informed = [(m, c) for m in ordered[:_MAX_ROWS] for c in m.consumers if m.breaking and not c.required]
    if informed:
        lines += ["", "#### Informed, no answer needed", ""]
        lines += [f"- {_model(m, base_url)}: {_cell(c.team)} ({_why(c)})" for m, c in informed]
    if waiting:
        lines += [
            "",
            "Breaking changes need the answer of the teams that read what changes before merging: run "
            "`tessera dbt check --propose` to ask them; each of those teams answers on the proposal's page "
            "(linked above) or with `tessera proposal ack`.",
        ]
    return "\n".join(lines + _unreliable(models, base_url)) + "\n"


def _unreliable(models: list[ModelImpact], base_url: str | None) -> list[str]:
    """Guarantees consumers rely on that break in most runs: worth knowing before changing the model."""
    flagged = [(m, g) for m in models for g in m.unreliable_guarantees]
    if not flagged:
        return []
    lines = ["", "#### Unreliable guarantees", ""]
    for m, g in flagged[:_MAX_ROWS]:
        teams = ", ".join(_cell(t) for t in g.consumers)
        lines.append(
            f"- {_model(m, base_url)}: consumers ({teams}) rely on `{_cell(g.guarantee)}`, "
            f"a guarantee that fails {g.broken} of the last {g.runs} runs"
        )
    if len(flagged) > _MAX_ROWS:
        lines.append(f"- …and {len(flagged) - _MAX_ROWS} more")
    return lines
