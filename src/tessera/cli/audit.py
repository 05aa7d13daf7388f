"""``tessera audit events``: the append-only log of who changed what."""

from __future__ import annotations

import uuid
from typing import Annotated

import typer

from tessera.cli.context import Ctx, command, parse_moment
from tessera.cli.lookup import as_uuid, resolve_team_id, team_names
from tessera_sdk.models import AuditEvent

audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)


def _target(event: AuditEvent, names: dict[uuid.UUID, str]) -> str:
    """``team finance`` rather than the team's id; other targets by type and id."""
    if event.target_type == "team":
        team_id = as_uuid(event.target_id)
        if team_id is not None and team_id in names:
            return f"team {names[team_id]}"
    return f"{event.target_type} {event.target_id}"


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
        str | None,
        typer.Option(
            help="From this date or time, e.g. 2026-12-01 (UTC unless a zone is given).", metavar="DATE"
        ),
    ] = None,
    until: Annotated[str | None, typer.Option(help="Until this date or time.", metavar="DATE")] = None,
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many.")] = 50,
) -> None:
    """Audit events, newest first."""
    client = ctx.client()
    found = client.audit.iter_all(
        action=action,
        target_type=target_type,
        target_id=target,
        actor_team_id=resolve_team_id(client, team),
        since=parse_moment(since, "--since"),
        until=parse_moment(until, "--until"),
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
            _target(e, names),
            names.get(e.actor_team_id, e.actor_team_id) if e.actor_team_id else None,
            e.actor_key_id,
        )
        for e in items
    ]
    ctx.table(f"Audit events ({len(items)})", ["When", "Action", "Target", "Team", "Key"], rows)
