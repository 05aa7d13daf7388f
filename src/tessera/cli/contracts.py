"""``tessera contract publish|list|diff``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from tessera.cli.context import Ctx, command
from tessera.cli.lookup import resolve_asset
from tessera.sync.wording import category_of, describe, location
from tessera_sdk.models import Change, Proposal, PublishResult

contract_app = typer.Typer(help="Versioned contracts of an asset.", no_args_is_help=True)

AssetArg = Annotated[str, typer.Argument(help="Asset id or FQN.")]
EnvOption = Annotated[str | None, typer.Option("--environment", "-e", help="Environment of the FQN.")]


def read_json_object(path: Path, what: str) -> dict[str, object]:
    """A JSON object from a file, or a clear error."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{what} file {path} must hold a JSON object")
    return data


def change_rows(fqn: str, changes: list[Change]) -> list[tuple[object, ...]]:
    """Rows of a changes table: the column by name (``orders.amount``), the change in words, the verdict."""
    table = fqn.rsplit(".", 1)[-1]
    rows: list[tuple[object, ...]] = []
    for change in changes:
        place = location(change.path)
        data = change.model_dump()
        rows.append(
            (f"{table}.{place}" if place else table, describe(data, category_of(data)), change.breaking)
        )
    return rows


CHANGE_COLUMNS = ["Where", "Change", "Breaking"]


def say_waiting(ctx: Ctx, proposal: Proposal) -> None:
    """Who must still answer a proposal, and who is only informed."""
    waiting = set(proposal.pending_team_ids)
    names = {a.team_id: a.team_name or str(a.team_id) for a in proposal.acknowledgments}
    if waiting:
        ctx.say("Waiting for: " + ", ".join(sorted(names.get(t, str(t)) for t in waiting)))
    informed = sorted(names[a.team_id] for a in proposal.acknowledgments if not a.required)
    if informed:
        ctx.say("Informed, no answer needed: " + ", ".join(informed))


def _render_publish(ctx: Ctx, fqn: str, result: PublishResult) -> None:
    if result.outcome in {"published", "force_published"} and result.contract is not None:
        ctx.say(f"[green]Published[/green] version {result.contract.version}: {result.message}")
    elif result.outcome == "proposed" and result.proposal is not None:
        ctx.say(f"[yellow]Breaking change: proposal {result.proposal.id} opened.[/yellow]")
        say_waiting(ctx, result.proposal)
        ctx.say(f"Review and answer: {ctx.url.rstrip('/')}/proposals/{result.proposal.id}")
    else:
        ctx.say(f"Unchanged: {result.message}")
    changes = result.changes + result.guarantee_changes
    if changes:
        ctx.table("Changes", CHANGE_COLUMNS, change_rows(fqn, changes))


@command(contract_app, "publish")
def publish(
    ctx: Ctx,
    asset: AssetArg,
    schema: Annotated[Path, typer.Option("--schema", help="JSON Schema file of a row.")],
    version: Annotated[str | None, typer.Option(help="Version to publish (suggested when omitted).")] = None,
    guarantees: Annotated[Path | None, typer.Option(help="Guarantees JSON file.")] = None,
    environment: EnvOption = None,
    force: Annotated[
        bool, typer.Option(help="Publish a breaking change at once (admin, needs --reason).")
    ] = False,
    reason: Annotated[str | None, typer.Option(help="Why (required with --force).")] = None,
    source_ref: Annotated[
        str | None, typer.Option(help="Pull request reference, e.g. github:org/repo#42.")
    ] = None,
) -> None:
    """Publish a contract: a new version, a proposal (breaking change) or nothing (unchanged)."""
    body = read_json_object(schema, "schema")
    extra = read_json_object(guarantees, "guarantees") if guarantees else None
    client = ctx.client()
    target = resolve_asset(client, asset, environment)
    result = client.contracts.publish(
        target.id, body, guarantees=extra, version=version, force=force, reason=reason, source_ref=source_ref
    )
    if ctx.json:
        ctx.emit_json(result)
    else:
        _render_publish(ctx, target.fqn, result)


@command(contract_app, "list")
def list_(ctx: Ctx, asset: AssetArg, environment: EnvOption = None) -> None:
    """List an asset's contract versions, newest first."""
    client = ctx.client()
    target = resolve_asset(client, asset, environment)
    contracts = list(client.contracts.iter_all(target.id))
    if ctx.json:
        ctx.emit_json(contracts)
        return
    rows = [
        (
            c.version,
            c.status,
            c.bump,
            "yes" if c.forced else "",
            c.published_at.isoformat(timespec="seconds"),
            c.id,
        )
        for c in contracts
    ]
    ctx.table(f"Contracts of {target.fqn}", ["Version", "Status", "Bump", "Forced", "Published", "Id"], rows)


@command(contract_app, "diff")
def diff(
    ctx: Ctx,
    asset: AssetArg,
    from_version: Annotated[str, typer.Option("--from", help="Older version.")],
    to_version: Annotated[str, typer.Option("--to", help="Newer version.")],
    environment: EnvOption = None,
) -> None:
    """Show what changed between two published versions."""
    client = ctx.client()
    target = resolve_asset(client, asset, environment)
    result = client.contracts.diff(target.id, from_version, to_version)
    if ctx.json:
        ctx.emit_json(result)
        return
    verdict = "[green]compatible[/green]" if result.compatible else "[red]breaking[/red]"
    ctx.say(
        f"{target.fqn} {from_version} -> {to_version}: {verdict} under {result.compatibility_mode} "
        f"(suggested bump: {result.suggested_bump})"
    )
    changes = result.changes + result.guarantee_changes
    if changes:
        ctx.table("Changes", CHANGE_COLUMNS, change_rows(target.fqn, changes))
    else:
        ctx.say("No differences.")
