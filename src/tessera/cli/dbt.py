"""``tessera dbt sync`` and ``tessera dbt check`` (the pull-request gate)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from tessera.cli.change_request import default_source_ref
from tessera.cli.context import Ctx, command
from tessera.cli.lookup import resolve_team_id
from tessera.cli.review_comment import verdict_marker
from tessera_sdk import ProgressCallback, encode_manifest
from tessera_sdk.models import DbtImpactResult, ModelImpact, SyncResult

dbt_app = typer.Typer(help="dbt manifests: sync after merge, check in pull requests.", no_args_is_help=True)

EXIT_BREAKING = 1
EXIT_UNUSABLE = 2
MAX_ROWS = 50
DBT_TIMEOUT = 300.0

ManifestOption = Annotated[
    Path, typer.Option("--manifest", "-m", help="dbt manifest.json (or .json.gz).", show_default=True)
]
EnvOption = Annotated[str, typer.Option("--environment", "-e", help="Environment the assets live in.")]
PackagesOption = Annotated[bool, typer.Option(help="Also include models of installed dbt packages.")]
OwnerOption = Annotated[
    str | None,
    typer.Option("--owner-team", help="Fallback owner team (id or name); default: the key's team."),
]


@contextmanager
def sync_progress(ctx: Ctx, manifest: Path, quiet: bool = False) -> Iterator[ProgressCallback | None]:
    """On a terminal, one live line for the whole call: the upload (bytes and speed), then the server's
    work (a spinner with the elapsed time until the answer arrives); else ``None``."""
    if ctx.json or quiet or not ctx.err.is_terminal:
        yield None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=ctx.err, transient=True) as progress:
        task = progress.add_task(f"Uploading {manifest.name}", total=None)

        def advance(sent: int, total: int) -> None:
            progress.update(task, completed=sent, total=total)
            if sent >= total:
                progress.update(task, description="Tessera is diffing, publishing and proposing", total=None)

        yield advance


def _read_manifest(ctx: Ctx, manifest: Path) -> bytes:
    """The upload body (gzip when large), read before contacting the server so a bad path fails fast."""
    if not manifest.is_file():
        ctx.fail(f"manifest not found: {manifest} (run dbt parse/compile/build first, or pass --manifest)")
    return encode_manifest(manifest).body


@command(dbt_app, "sync")
def sync(
    ctx: Ctx,
    manifest: ManifestOption = Path("target/manifest.json"),
    owner_team: OwnerOption = None,
    environment: EnvOption = "production",
    include_packages: PackagesOption = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only the summary line (and a warnings count).")
    ] = False,
) -> None:
    """Sync a (merged) manifest: publish compatible changes, propose breaking ones, publish approved ones."""
    body = _read_manifest(ctx, manifest)
    client = ctx.client(timeout=DBT_TIMEOUT)
    owner = resolve_team_id(client, owner_team)
    with sync_progress(ctx, manifest, quiet) as progress:
        result = client.dbt.sync(
            body,
            owner_team_id=owner,
            environment=environment,
            include_packages=include_packages,
            progress=progress,
        )
    if ctx.json:
        ctx.emit_json(result)
    else:
        render_sync(ctx, result, quiet=quiet)


# What needs a reader's attention first: proposals, then publishes, then new assets.
_STATUS_ORDER = [
    "proposed",
    "removal_proposed",
    "published_from_proposal",
    "removed",
    "updated",
    "created",
    "skipped",
]


def render_sync(ctx: Ctx, result: SyncResult, *, quiet: bool = False) -> None:
    """The summary line; then (unless quiet) at most MAX_ROWS changed assets and the warnings by code."""
    s = result.summary
    ctx.say(
        f"Synced {result.source} project [bold]{result.project_name}[/bold]: {s.created} created, "
        f"{s.updated} updated, "
        f"{s.unchanged} unchanged, {s.proposed} proposed, {s.published_from_proposal} published from "
        f"approved proposals, {s.registrations_created} registrations, {s.warnings} warnings."
    )
    if quiet:
        return
    rank = {status: i for i, status in enumerate(_STATUS_ORDER)}
    changed = sorted(
        (a for a in result.assets if a.status != "unchanged"), key=lambda a: (rank.get(a.status, 99), a.fqn)
    )
    if changed:
        ctx.table(
            f"Assets changed ({len(changed)})",
            ["FQN", "Status", "Version", "Proposal"],
            [(a.fqn, a.status.replace("_", " "), a.version, a.proposal_id) for a in changed[:MAX_ROWS]],
        )
        if len(changed) > MAX_ROWS:
            ctx.say(f"…and {len(changed) - MAX_ROWS} more (--json lists every asset).")
    if len(result.warnings) > MAX_ROWS:
        counts: dict[str, int] = {}
        for w in result.warnings:
            counts[w.code] = counts.get(w.code, 0) + 1
        ctx.table("Warnings by code", ["Code", "Count"], sorted(counts.items()))
    elif result.warnings:
        ctx.table(
            "Warnings", ["Node", "Code", "Message"], [(w.node, w.code, w.message) for w in result.warnings]
        )


@command(dbt_app, "check", error_exit=EXIT_UNUSABLE)
def check(
    ctx: Ctx,
    manifest: ManifestOption = Path("target/manifest.json"),
    propose: Annotated[
        bool, typer.Option(help="Also open proposals for the breaking changes now (nothing is published).")
    ] = False,
    source_ref: Annotated[
        str | None,
        typer.Option(
            help="Pull request reference for --propose; default github:$GITHUB_REPOSITORY#<PR number>, "
            "or gitlab:$CI_PROJECT_PATH!$CI_MERGE_REQUEST_IID in a GitLab MR pipeline."
        ),
    ] = None,
    markdown: Annotated[
        Path | None,
        typer.Option("--markdown", help="Write the Markdown report (for a PR comment) to this file."),
    ] = None,
    owner_team: OwnerOption = None,
    environment: EnvOption = "production",
    include_packages: PackagesOption = False,
) -> None:
    """Check a pull request's manifest: exit 0 when nothing breaking is left unacknowledged, 1 when something
    is, 2 when the input is unusable or the server unreachable."""
    body = _read_manifest(ctx, manifest)
    ref = source_ref or default_source_ref(os.environ)
    if propose and not ref:
        ctx.fail(
            "--propose needs --source-ref (or GITHUB_REPOSITORY and a pull-request event, "
            "or a GitLab merge-request pipeline)"
        )
    client = ctx.client(timeout=DBT_TIMEOUT)
    with sync_progress(ctx, manifest) as progress:
        if propose:
            result = client.dbt.propose(
                body,
                source_ref=ref or "",
                owner_team_id=resolve_team_id(client, owner_team),
                environment=environment,
                include_packages=include_packages,
                progress=progress,
            )
        else:
            result = client.dbt.impact(
                body,
                environment=environment,
                include_packages=include_packages,
                source_ref=ref,
                progress=progress,
            )
    finish_check(ctx, result, markdown, proposed=propose)


def finish_check(
    ctx: Ctx, result: DbtImpactResult, markdown: Path | None, *, proposed: bool, noun: str = "model"
) -> None:
    """Report a check the same way for every source: the Markdown file (for the PR comment), JSON or the
    terminal rendering, then exit 1 unless the verdict is pass. ``noun`` names the source's assets in the
    terminal (``model`` for dbt and SQLMesh, ``asset`` for an API's bodies or a schema's types)."""
    if markdown is not None:
        markdown.parent.mkdir(parents=True, exist_ok=True)
        markdown.write_text(
            f"{result.markdown.rstrip()}\n\n{verdict_marker(result.verdict)}\n", encoding="utf-8"
        )
    if ctx.json:
        ctx.emit_json(result)
    else:
        render_check(ctx, result, proposed=proposed, noun=noun)
    if result.verdict != "pass":
        raise typer.Exit(EXIT_BREAKING)


def _consumers(model: ModelImpact) -> str:
    """Teams that must answer (with their answer and columns), then the informed ones."""
    asked = [
        f"{c.team} ({c.response or 'no proposal'}; {', '.join(c.affected_columns) or 'whole table'})"
        for c in model.consumers
        if c.required and model.breaking
    ]
    informed = [c.team for c in model.consumers if not (c.required and model.breaking)]
    text = ", ".join(asked) or "-"
    return text + (f"; informed: {', '.join(informed)}" if informed else "")


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render_check(ctx: Ctx, result: DbtImpactResult, *, proposed: bool, noun: str = "model") -> None:
    """The changed models/assets, their breaking changes and the verdict (every source)."""
    changed = [m for m in result.models if m.status != "unchanged"]
    title = noun.capitalize()
    if changed:
        rows = [
            (
                m.fqn,
                m.status,
                "BREAKING" if m.breaking else "ok",
                ("yes" if m.acknowledged else "NO") if m.breaking else "-",
                _consumers(m),
            )
            for m in changed
        ]
        ctx.table(f"{title}s changed", [title, "Status", "Verdict", "Acknowledged", "Consumers"], rows)
        breaking = [
            (m.fqn, c.location or "(table)", c.text or c.message)
            for m in changed
            for c in m.changes
            if c.breaking
        ]
        if breaking:
            ctx.table("Breaking changes", [title, "Column", "Change"], breaking)
    else:
        ctx.say(f"No {noun} changed.")
    unreliable = [
        (m.fqn, g.guarantee, f"fails {g.broken} of the last {g.runs} runs", ", ".join(g.consumers))
        for m in result.models
        for g in m.unreliable_guarantees
    ]
    if unreliable:
        ctx.table("Unreliable guarantees", [title, "Guarantee", "Reliability", "Relied on by"], unreliable)
    for warning in result.warnings:
        ctx.err.print(f"[yellow]warning:[/yellow] {warning.node}: {warning.message}", highlight=False)
    s = result.summary
    if result.verdict == "pass":
        asked = sum(1 for m in changed if m.breaking and m.answer_required)
        if not s.breaking:
            outcome = "no breaking change"
        elif not asked:
            outcome = f"{_count(s.breaking, 'breaking change')}; no consumer team reads what changes"
        else:
            outcome = f"{_count(s.breaking, 'breaking change')}, acknowledged by every team that must answer"
        ctx.say(f"[green]PASS[/green]: {outcome}.")
    else:
        hint = (
            " Proposals are open; consumers have been notified."
            if proposed
            else " Run with --propose to notify them."
        )
        waiting = _count(s.unacknowledged, noun)
        ctx.say(f"[red]FAIL[/red]: {waiting} with breaking changes not yet acknowledged.{hint}")
