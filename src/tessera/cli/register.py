"""``tessera register ASSET``: register your team as a consumer of an asset."""

from __future__ import annotations

from typing import Annotated

import typer

from tessera.cli.context import Ctx, command
from tessera.cli.lookup import resolve_asset, resolve_team_id

register_app = typer.Typer(help="Register your team as a consumer of an asset.")


def split_columns(values: list[str] | None) -> list[str]:
    """Columns from repeated and/or comma-separated ``--columns`` values."""
    return [c.strip() for v in values or [] for c in v.split(",") if c.strip()]


@command(register_app, None)
def register(
    ctx: Ctx,
    asset: Annotated[str, typer.Argument(help="Asset id or FQN.")],
    columns: Annotated[
        list[str] | None,
        typer.Option("--columns", "-c", help="Columns you read (comma separated or repeated)."),
    ] = None,
    team: Annotated[
        str | None, typer.Option("--team", help="Consumer team (id or name); default: the key's team.")
    ] = None,
    purpose: Annotated[str | None, typer.Option(help="What you use the data for.")] = None,
    pinned_version: Annotated[str | None, typer.Option(help="Pin a contract version.")] = None,
    environment: Annotated[
        str | None, typer.Option("--environment", "-e", help="Environment of the FQN.")
    ] = None,
) -> None:
    """Register a team as a consumer; it will be asked to acknowledge breaking changes."""
    client = ctx.client()
    target = resolve_asset(client, asset, environment)
    registration = client.registrations.create(
        target.id,
        consumer_team_id=resolve_team_id(client, team),
        columns=split_columns(columns),
        pinned_version=pinned_version,
        purpose=purpose,
    )
    if ctx.json:
        ctx.emit_json(registration)
    else:
        cols = ", ".join(registration.columns) or "columns unknown: every breaking change will ask you"
        ctx.say(f"Registered on [bold]{target.fqn}[/bold] ({cols}); registration {registration.id}")
