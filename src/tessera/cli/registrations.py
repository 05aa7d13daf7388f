"""``tessera registration list|update|remove``: who reads which asset, and changing or ending that."""

from __future__ import annotations

from typing import Annotated

import typer

from tessera.cli.context import Ctx, command
from tessera.cli.lookup import require_id, resolve_asset, resolve_team_id, team_names
from tessera.cli.register import split_columns

registration_app = typer.Typer(help="Consumer registrations: list, change, remove.", no_args_is_help=True)

IdArg = Annotated[str, typer.Argument(help="Registration id.")]


@command(registration_app, "list")
def list_(
    ctx: Ctx,
    asset: Annotated[str | None, typer.Option("--asset", help="Only this asset (id or FQN).")] = None,
    team: Annotated[str | None, typer.Option("--team", help="Only this consumer team (id or name).")] = None,
    environment: Annotated[
        str | None, typer.Option("--environment", "-e", help="Environment of the FQN.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many.")] = 200,
) -> None:
    """List registrations, with team names and the columns each team reads."""
    client = ctx.client()
    asset_id = resolve_asset(client, asset, environment).id if asset else None
    found = client.registrations.iter_all(asset_id=asset_id, consumer_team_id=resolve_team_id(client, team))
    regs = [r for _, r in zip(range(limit), found, strict=False)]
    if ctx.json:
        ctx.emit_json(regs)
        return
    names = team_names(client)
    fqns = {a.id: a.fqn for a in client.assets.iter_all()} if regs else {}
    rows = [
        (
            fqns.get(r.asset_id, r.asset_id),
            names.get(r.consumer_team_id, r.consumer_team_id),
            ", ".join(r.columns or [r.column_scope])
            + (f" (missing: {', '.join(r.missing_columns)})" if r.missing_columns else ""),
            r.source + (" (suggested)" if r.status == "suggested" else ""),
            r.pinned_version,
            r.id,
        )
        for r in regs
    ]
    ctx.table(f"Registrations ({len(regs)})", ["Asset", "Team", "Columns", "Source", "Pinned", "Id"], rows)


@command(registration_app, "update")
def update(
    ctx: Ctx,
    registration: IdArg,
    columns: Annotated[
        list[str] | None,
        typer.Option("--columns", "-c", help="Columns you read (comma separated or repeated)."),
    ] = None,
    pinned_version: Annotated[str | None, typer.Option(help="Pin a contract version.")] = None,
    purpose: Annotated[str | None, typer.Option(help="What you use the data for.")] = None,
) -> None:
    """Change the columns, pinned version or purpose of a registration."""
    if columns is None and pinned_version is None and purpose is None:
        ctx.fail("nothing to change: pass --columns, --pinned-version or --purpose")
    client = ctx.client()
    updated = client.registrations.update(
        require_id(registration, "REGISTRATION"),
        columns=split_columns(columns) if columns is not None else None,
        pinned_version=pinned_version,
        purpose=purpose,
    )
    if ctx.json:
        ctx.emit_json(updated)
    else:
        ctx.say(f"Updated registration {updated.id}: columns {', '.join(updated.columns) or 'unknown'}.")


@command(registration_app, "confirm")
def confirm(ctx: Ctx, registration: IdArg) -> None:
    """Confirm a registration another team's sync suggested for your team: you are then asked to answer."""
    confirmed = ctx.client().registrations.confirm(require_id(registration, "REGISTRATION"))
    if ctx.json:
        ctx.emit_json(confirmed)
    else:
        ctx.say(f"Confirmed registration {confirmed.id}: breaking changes of the asset now need your answer.")


@command(registration_app, "remove")
def remove(ctx: Ctx, registration: IdArg) -> None:
    """Remove a registration: the team is no longer asked about changes of the asset."""
    registration_id = require_id(registration, "REGISTRATION")
    ctx.client().registrations.delete(registration_id)
    if ctx.json:
        ctx.emit_json({"removed": str(registration_id)})
    else:
        ctx.say(f"Removed registration {registration_id}.")
