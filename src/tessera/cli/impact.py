"""``tessera impact ASSET SCHEMA.json``: what publishing a schema would break, and for whom (a dry run)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tessera.cli.context import Ctx, command
from tessera.cli.contracts import CHANGE_COLUMNS, change_rows, read_json_object
from tessera.cli.lookup import resolve_asset
from tessera_sdk.models import ConsumerImpact, ImpactReason, ImpactResult

impact_app = typer.Typer(help="Dry-run a schema against an asset: nothing is written.")

EXIT_BREAKING = 1


@command(impact_app, None)
def impact(
    ctx: Ctx,
    asset: Annotated[str, typer.Argument(help="Asset id or FQN.")],
    schema: Annotated[Path, typer.Argument(help="The proposed JSON Schema.", metavar="SCHEMA.json")],
    guarantees: Annotated[
        Path | None, typer.Option("--guarantees", "-g", help="Proposed guarantees (JSON file).")
    ] = None,
    max_depth: Annotated[
        int | None, typer.Option(min=0, help="How far to follow lineage downstream.")
    ] = None,
    environment: Annotated[
        str | None, typer.Option("--environment", "-e", help="Environment of the FQN.")
    ] = None,
) -> None:
    """Say what publishing SCHEMA.json on ASSET would change, what breaks, and which teams must answer.

    Exit code 0: safe to publish. 1: breaking changes. Nothing is written.
    """
    proposed = read_json_object(schema, "SCHEMA.json")
    promised = read_json_object(guarantees, "--guarantees") if guarantees else None
    client = ctx.client()
    target = resolve_asset(client, asset, environment)
    result = client.assets.check_impact(target.id, proposed, promised, max_depth=max_depth)
    if ctx.json:
        ctx.emit_json(result)
    else:
        _render(ctx, result)
    if not result.safe_to_publish:
        raise typer.Exit(EXIT_BREAKING)


def _why(reason: ImpactReason) -> str:
    if reason.kind == "via" and reason.via_asset:
        return f"via {reason.via_asset}.{reason.via_column or '*'}"
    columns = f" ({', '.join(reason.columns)})" if reason.columns else ""
    return reason.kind.replace("_", " ") + columns


def _affected(consumer: ConsumerImpact) -> list[str] | str:
    """The affected columns the team reads; "none" when it reads only others, "whole table" when unknown."""
    if consumer.affected_columns:
        return consumer.affected_columns
    return "none" if consumer.column_scope == "columns" else "whole table"


def _render(ctx: Ctx, result: ImpactResult) -> None:
    if result.unchanged:
        ctx.say(f"No change: the schema equals {result.fqn} {result.current_version}.")
        return
    ctx.table(
        f"Changes ({result.compatibility_mode} mode)",
        CHANGE_COLUMNS,
        change_rows(result.fqn, result.changes + result.guarantee_changes),
    )
    if result.consumers:
        ctx.table(
            "Consumers",
            ["Team", "Must answer", "Columns affected", "Why"],
            [
                (
                    c.team_name or c.team_id,
                    c.required,
                    _affected(c),
                    "; ".join(_why(r) for r in c.reasons),
                )
                for c in result.consumers
            ],
        )
    if result.downstream:
        ctx.table(
            "Downstream",
            ["Asset", "Owner team", "Depth"],
            [(d.fqn, d.owner_team_name or d.owner_team_id, d.depth) for d in result.downstream],
        )
    verdict = "[green]Safe to publish[/green]" if result.safe_to_publish else "[red]Breaking[/red]"
    ctx.say(f"{verdict}: {result.current_version or '-'} -> {result.suggested_version}.")
