"""The Markdown summary of a dbt impact check, ready to post as a pull-request comment.

Layout: a summary line first ("2 breaking changes, 3 teams must answer, 1 has"), then the breaking changes
per model in words (`orders.amount`: integer → string), the proposals with who must answer, who answered
and how, and the deadlines, then the other changes, the informed teams and the downstream models grouped by
owner team. Long lists fold into ``<details>``. Every list is sorted, so an edited comment does not jump.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from tessera.links import ui_url
from tessera.sync.schemas import ChangeItem, ConsumerItem, ModelImpact

MARKER = "<!-- tessera-dbt-check -->"
_MAX_MODELS = 50
_MAX_CHANGES = 10
_FOLD_OVER = 5
_ICONS = {"pass": "✅", "fail": "❌"}
_ANSWERED = {"approved", "migrating", "blocked"}
_NONE_READ = "reads none of the changed columns"
_MAX_SAID = 120  # characters of a team's reason shown in the comment; the proposal's page has it all


def _esc(text: str) -> str:
    """Text safe inside a table cell or a list item."""
    return text.replace("|", "\\|").replace("\n", " ")


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else many or word + 's'}"


def _date(value: datetime | None) -> str:
    return value.date().isoformat() if value else ""


def _model_link(m: ModelImpact, base_url: str | None) -> str:
    name = f"`{_esc(m.fqn)}`"
    return f"[{name}]({ui_url(base_url, f'assets/{m.asset_id}')})" if base_url and m.asset_id else name


def _table(m: ModelImpact) -> str:
    return m.fqn.rsplit(".", 1)[-1]


def _change(m: ModelImpact, c: ChangeItem) -> str:
    where = f"{_table(m)}.{c.location}" if c.location else _table(m)
    return f"`{_esc(where)}`: {_esc(c.text or c.message)}"


def _bullets(m: ModelImpact, changes: list[ChangeItem]) -> list[str]:
    lines = [f"  - {_change(m, c)}" for c in changes[:_MAX_CHANGES]]
    if len(changes) > _MAX_CHANGES:
        lines.append(f"  - …and {len(changes) - _MAX_CHANGES} more")
    return lines


def _required(m: ModelImpact) -> list[ConsumerItem]:
    return sorted((c for c in m.consumers if c.required and m.breaking), key=lambda c: c.team.lower())


def _fold(summary: str, body: list[str], count: int) -> list[str]:
    """``body`` as is when short, inside a collapsed ``<details>`` when longer than a screenful."""
    if count <= _FOLD_OVER:
        return ["", *body]
    return ["", "<details>", f"<summary>{summary}</summary>", "", *body, "", "</details>"]


def _summary(breaking: list[ModelImpact], changed: list[ModelImpact], noun: str) -> str:
    n_changes = sum(1 for m in breaking for c in m.changes if c.breaking)
    must: dict[str, bool] = {}
    for m in breaking:
        for c in _required(m):
            must[c.team] = must.get(c.team, True) and c.response in _ANSWERED
    answered = sum(must.values())
    parts = [
        f"{_plural(n_changes, 'breaking change')} in {_plural(len(breaking), noun)}",
        f"{_plural(len(must), 'team')} must answer, {answered} {'has' if answered == 1 else 'have'}",
    ]
    others = len(changed) - len(breaking)
    if others:
        parts.append(f"{_plural(others, f'other changed {noun}')}")
    return "**" + ", ".join(parts) + ".**"


def _breaking_section(models: list[ModelImpact], base_url: str | None) -> list[str]:
    if not models:
        return []
    lines = ["", "#### Breaking changes", ""]
    for m in models:
        required = _required(m)
        state = "acknowledged" if m.acknowledged else f"waiting for {_plural(len(required), 'team')}"
        if not required:
            state = "nobody reads what changes: publishes on merge"
        lines.append(f"- {_model_link(m, base_url)} ({m.status}; {state})")
        lines += _bullets(m, [c for c in m.changes if c.breaking])
        if required:
            lines.append("  - Must answer: " + ", ".join(_reads(c) for c in required))
    return lines


def _reads(c: ConsumerItem) -> str:
    """The team and why its answer is required, in the gate's own words ("reads `amount`", "reads
    `order_totals.total`, derived from `amount`", "unknown columns (...)", strict mode), with the changed
    columns it concerns when the reasons do not name them. A team whose columns are unknown is never said
    to read the changed column."""
    columns = sorted(c.affected_columns)
    why = "; ".join(sorted(c.reasons))
    if not why:
        listed = ", ".join(f"`{_esc(col)}`" for col in columns)
        return f"**{_esc(c.team)}** ({'reads ' + listed if listed else 'reads the whole table'})"
    unnamed = [col for col in columns if col not in why]
    if unnamed:
        why += "; changed: " + ", ".join(f"`{col}`" for col in unnamed)
    return f"**{_esc(c.team)}** ({_esc(why)})"


def _answer(c: ConsumerItem) -> str:
    text = f"{_esc(c.team)}: {c.response}"
    if c.response == "migrating" and c.migration_deadline:
        text += f" by {_date(c.migration_deadline)}"
    if c.answer_reason:
        # A consumer's free text: no HTML (a hidden verdict line, a <details>) gets into the comment.
        said = " ".join(c.answer_reason.split()).replace("<", "&lt;")
        said = said if len(said) <= _MAX_SAID else said[: _MAX_SAID - 1].rstrip() + "…"
        text += f" ({_esc(said)})"
    return text


def _proposals_section(models: list[ModelImpact], base_url: str | None, noun: str) -> list[str]:
    rows = []
    for m in models:
        p = m.proposal
        if p is None:
            continue
        pid = f"[`{p.id}`]({ui_url(base_url, f'proposals/{p.id}')})" if base_url else f"`{p.id}`"
        required = _required(m)
        waiting = [c for c in required if c.response not in _ANSWERED]
        answered = [c for c in required if c.response in _ANSWERED]
        status = p.status.replace("_", " ") + ("" if p.covers_this_change else " (for an earlier push)")
        rows.append(
            f"| {pid} | `{_esc(m.fqn)}` | {status} "
            f"| {_esc(', '.join(c.team for c in waiting)) or '—'} "
            f"| {'; '.join(_answer(c) for c in answered) or '—'} "
            f"| {_date(p.expires_at) or '—'} |"
        )
    if not rows:
        return []
    return [
        "",
        "#### Proposals",
        "",
        f"| Proposal | {noun.capitalize()} | Status | Waiting for | Answered | Answer by |",
        "|---|---|---|---|---|---|",
        *rows,
    ]


def _other_section(models: list[ModelImpact], base_url: str | None, noun: str) -> list[str]:
    body: list[str] = []
    count = 0
    for m in models:
        changes = [c for c in m.changes if not c.breaking]
        label = f"new {noun}" if m.status == "added" else m.status
        body.append(f"- {_model_link(m, base_url)} ({label})")
        body += _bullets(m, changes)
        count += 1 + min(len(changes), _MAX_CHANGES)
    if not body:
        return []
    heading = ["", "#### Other changes (no answer needed)"]
    return heading + _fold(_plural(len(models), noun), body, count)


def _informed_section(models: list[ModelImpact], base_url: str | None) -> list[str]:
    body = [
        f"- {_model_link(m, base_url)}: {_esc(c.team)} ({_esc('; '.join(c.reasons) or _NONE_READ)})"
        for m in models
        for c in sorted(m.consumers, key=lambda c: c.team.lower())
        if m.breaking and not c.required
    ]
    if not body:
        return []
    return ["", "#### Informed, no answer needed", *_fold(_plural(len(body), "team"), body, len(body))]


def _downstream_section(models: Iterable[ModelImpact], noun: str) -> list[str]:
    """Downstream models of the changed ones, grouped by owner team, each listed once at its least depth."""
    depth: dict[str, int] = {}
    owner: dict[str, str] = {}
    for m in models:
        for d in m.downstream:
            if d.fqn not in depth or d.depth < depth[d.fqn]:
                depth[d.fqn] = d.depth
            owner[d.fqn] = d.owner_team or "no owner team"
    if not depth:
        return []
    teams: dict[str, list[str]] = {}
    for fqn in sorted(depth):
        teams.setdefault(owner[fqn], []).append(fqn)
    body = [
        f"- **{_esc(team)}**: "
        + ", ".join(f"`{_esc(f)}`" + (f" (depth {depth[f]})" if depth[f] > 1 else "") for f in fqns)
        for team, fqns in sorted(teams.items(), key=lambda kv: kv[0].lower())
    ]
    summary = f"{_plural(len(depth), f'downstream {noun}')} owned by {_plural(len(teams), 'team')}"
    return ["", "#### Downstream", *_fold(summary, body, len(depth))]


def _next_step(waiting: list[ModelImpact], source: str) -> list[str]:
    if not waiting:
        return []
    if all(m.proposal is not None and m.proposal.covers_this_change for m in waiting):
        return [
            "",
            "Each team listed under *Waiting for* answers on the proposal's page (linked above) or with "
            "`tessera proposal ack <id>`; the check passes once they have approved.",
        ]
    return [
        "",
        "Breaking changes need the answer of the teams that read what changes before merging: run "
        f"`tessera {source} check --propose` to ask them; each team then answers on the proposal's page "
        "or with `tessera proposal ack <id>`.",
    ]


def render(
    verdict: str, models: list[ModelImpact], *, base_url: str | None = None, source: str = "dbt"
) -> str:
    """The comment for ``models`` (unchanged ones omitted); ``source`` (``dbt``, ``openapi``, ``graphql``,
    ``sqlmesh``) names the CLI command the comment tells the author to run.

    With ``base_url`` each model links to its asset page and each proposal to the page where consumer
    teams read the change and answer; without it proposals show their full id.
    """
    noun = "model" if source in ("dbt", "sqlmesh") else "asset"
    changed = [m for m in models if m.status != "unchanged"]
    # Unacknowledged first, then breaking, then by name: the order is a function of the content alone.
    changed.sort(key=lambda m: (not (m.breaking and not m.acknowledged), not m.breaking, m.fqn))
    lines = [MARKER, f"### {_ICONS[verdict]} Tessera contract check: {verdict}", ""]
    if not changed:
        lines.append("No contract changes in this pull request.")
        return "\n".join(lines + _unreliable(models, base_url)) + "\n"
    shown, hidden = changed[:_MAX_MODELS], len(changed) - _MAX_MODELS
    breaking = [m for m in shown if m.breaking]
    lines.append(_summary(breaking, shown, noun))
    lines += _breaking_section(breaking, base_url)
    lines += _proposals_section(breaking, base_url, noun)
    lines += _other_section([m for m in shown if not m.breaking], base_url, noun)
    lines += _informed_section(breaking, base_url)
    lines += _downstream_section(shown, noun)
    if hidden > 0:
        lines += [
            "",
            f"…and {_plural(hidden, f'more changed {noun}')} (see `tessera {source} check --json`).",
        ]
    lines += _next_step([m for m in breaking if not m.acknowledged], source)
    return "\n".join(lines + _unreliable(models, base_url)) + "\n"


def _unreliable(models: list[ModelImpact], base_url: str | None) -> list[str]:
    """Guarantees consumers rely on that break in most runs: worth knowing before changing the model."""
    flagged = [(m, g) for m in models for g in m.unreliable_guarantees]
    if not flagged:
        return []
    lines = ["", "#### Unreliable guarantees", ""]
    for m, g in flagged[:_MAX_MODELS]:
        teams = ", ".join(_esc(t) for t in g.consumers)
        lines.append(
            f"- {_model_link(m, base_url)}: consumers ({teams}) rely on `{_esc(g.guarantee)}`, "
            f"a guarantee that fails {g.broken} of the last {g.runs} runs"
        )
    if len(flagged) > _MAX_MODELS:
        lines.append(f"- …and {len(flagged) - _MAX_MODELS} more")
    return lines
