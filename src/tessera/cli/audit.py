"""``tessera audit events``: the append-only log of who changed what."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from tessera.cli.context import Ctx, as_utc, command
from tessera.cli.lookup import resolve_team_id, team_names

audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)


@command(audit_app, "events")
def events(
    ctx: Ctx,
    action: Annotated[
        str | None, typer.Option("--action", help="An action or a family, e.g. proposal.* .")
    ] = None,
    target_type: Annotated[
        str | None, typer.Option("--target-type", help="asset, proposal, team ...")
    ] = None,
    target: Annotated[str | None, typer.Option("--target", help="The target's id.")] = None,
    team: Annotated[
        str | None, typer.Option("--team", help="Only actions of this team (id or name).")
    ] = None,
    since: Annotated[
        datetime | None, typer.Option(help="From this time (UTC unless a zone is given).")
    ] = None,
    until: Annotated[datetime | None, typer.Option(help="Until this time.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many.")] = 50,
) -> None:
    """Audit events, newest first."""
    client = ctx.client()
    found = client.audit.iter_all(
        action=action,
        target_type=target_type,
        target_id=target,
        actor_team_id=resolve_team_id(client, team),
        since=as_utc(since),
        until=as_utc(until),
    )
    items = [e for _, e in zip(range(limit), found, strict=False)]
    if ctx.json:
        ctx.emit_json(items)
        return
    names = team_names(client)
    rows = [
        (
            e.occurred_at.isoformat(timespec="seconds"),
            e.action,
            f"{e.target_type} {e.target_id}",
            names.get(e.actor_team_id, e.actor_team_id) if e.actor_team_id else None,
            e.actor_key_id,
        )
        for e in items
    ]
    ctx.table(f"Audit events ({len(items)})", ["When", "Action", "Target", "Team", "Key"], rows)
