"""``tessera dbt sync`` and ``tessera dbt check`` (the pull-request gate)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

from tessera.cli.context import Ctx, command
from tessera.cli.github import default_source_ref, verdict_marker
from tessera.cli.lookup import resolve_team_id
from tessera_sdk import ProgressCallback, encode_manifest
from tessera_sdk.models import DbtImpactResult, ModelImpact, SyncResult

dbt_app = typer.Typer(help="dbt manifests: sync after merge, check in pull requests.", no_args_is_help=True)

EXIT_BREAKING = 1
EXIT_UNUSABLE = 2
PROGRESS_MIN_BYTES = 1024 * 1024
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
def upload_progress(ctx: Ctx, manifest: Path, size: int) -> Iterator[ProgressCallback | None]:
    """A progress bar (on a terminal, for large uploads) and the callback feeding it, else ``None``."""
    if ctx.json or size < PROGRESS_MIN_BYTES or not ctx.err.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
    with Progress(*columns, console=ctx.err, transient=True) as progress:
        task = progress.add_task(f"Uploading {manifest.name}", total=None)

        def advance(sent: int, total: int) -> None:
            progress.update(task, completed=sent, total=total)
            if sent >= total:
                progress.update(task, description="Waiting for Tessera")

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
) -> None:
    """Sync a (merged) manifest: publish compatible changes, propose breaking ones, publish approved ones."""
    body = _read_manifest(ctx, manifest)
    client = ctx.client(timeout=DBT_TIMEOUT)
    owner = resolve_team_id(client, owner_team)
    with upload_progress(ctx, manifest, len(body)) as progress:
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
        render_sync(ctx, result)


def render_sync(ctx: Ctx, result: SyncResult) -> None:
    """The summary line and the tables of changed assets and warnings (every source)."""
    s = result.summary
    ctx.say(
        f"Synced {result.source} project [bold]{result.project_name}[/bold]: {s.created} created, "
        f"{s.updated} updated, "
        f"{s.unchanged} unchanged, {s.proposed} proposed, {s.published_from_proposal} published from "
        f"approved proposals, {s.registrations_created} registrations, {s.warnings} warnings."
    )
    changed = [a for a in result.assets if a.status != "unchanged"]
    if changed:
        ctx.table(
            "Assets",
            ["Model", "FQN", "Status", "Version", "Proposal"],
            [(a.unique_id, a.fqn, a.status, a.version, a.proposal_id) for a in changed],
        )
    if result.warnings:
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
            help="Pull request reference for --propose; default github:$GITHUB_REPOSITORY#<PR number>."
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
        ctx.fail("--propose needs --source-ref (or GITHUB_REPOSITORY and a pull-request event)")
    client = ctx.client(timeout=DBT_TIMEOUT)
    with upload_progress(ctx, manifest, len(body)) as progress:
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
    if markdown is not None:
        markdown.parent.mkdir(parents=True, exist_ok=True)
        markdown.write_text(
            f"{result.markdown.rstrip()}\n\n{verdict_marker(result.verdict)}\n", encoding="utf-8"
        )
    if ctx.json:
        ctx.emit_json(result)
    else:
        render_check(ctx, result, proposed=propose)
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


def render_check(ctx: Ctx, result: DbtImpactResult, *, proposed: bool) -> None:
    """The changed models/assets, their breaking changes and the verdict (every source)."""
    changed = [m for m in result.models if m.status != "unchanged"]
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
        ctx.table("Models changed", ["Model", "Status", "Verdict", "Acknowledged", "Consumers"], rows)
        breaking = [(m.fqn, c.path, c.message) for m in changed for c in m.changes if c.breaking]
        if breaking:
            ctx.table("Breaking changes", ["Model", "Path", "Change"], breaking)
    else:
        ctx.say("No model changed.")
    for warning in result.warnings:
        ctx.err.print(f"[yellow]warning:[/yellow] {warning.node}: {warning.message}", highlight=False)
    s = result.summary
    if result.verdict == "pass":
        ctx.say(f"[green]PASS[/green]: {s.breaking} breaking change(s), all acknowledged.")
    else:
        hint = (
            " Proposals are open; consumers have been notified."
            if proposed
            else " Run with --propose to notify them."
        )
        ctx.say(f"[red]FAIL[/red]: {s.unacknowledged} model(s) with unacknowledged breaking changes.{hint}")
