"""``tessera api-key create|list|revoke``."""

from __future__ import annotations

from typing import Annotated

import typer

from tessera.cli.context import Ctx, command, parse_moment
from tessera.cli.lookup import check_choice, require_id, resolve_team, resolve_team_id

SCOPES = ["read", "write", "admin"]

api_key_app = typer.Typer(help="API keys of teams.", no_args_is_help=True)


@command(api_key_app, "create")
def create(
    ctx: Ctx,
    team: Annotated[str, typer.Option("--team", help="Team the key acts for (id or name).")],
    name: Annotated[str, typer.Option("--name", help="What the key is for, e.g. ci.")],
    scope: Annotated[
        list[str] | None, typer.Option("--scope", help="read, write or admin (repeatable).")
    ] = None,
    user: Annotated[str | None, typer.Option("--user", help="User id the key acts as.")] = None,
    expires_at: Annotated[
        str | None, typer.Option(help="Expiry date or time, e.g. 2027-06-30.", metavar="DATE")
    ] = None,
) -> None:
    """Create a key (admin); the secret is printed once."""
    client = ctx.client()
    created = client.api_keys.create(
        name,
        resolve_team(client, team).id,
        scopes=[check_choice(s, SCOPES, "--scope") or s for s in scope or ["read"]],
        user_id=require_id(user, "user") if user else None,
        expires_at=parse_moment(expires_at, "--expires-at"),
    )
    if ctx.json:
        ctx.emit_json(created)
        return
    ctx.say(f"Created key [bold]{created.name}[/bold] ({created.id}), scopes: {', '.join(created.scopes)}")
    ctx.say("Secret (shown only now):")
    typer.echo(created.key)


@command(api_key_app, "list")
def list_(
    ctx: Ctx,
    team: Annotated[str | None, typer.Option("--team", help="Team (id or name); admins may omit it.")] = None,
    include_revoked: Annotated[bool, typer.Option(help="Include revoked keys.")] = False,
) -> None:
    """List API keys (never their secrets)."""
    client = ctx.client()
    keys = list(
        client.api_keys.iter_all(team_id=resolve_team_id(client, team), include_revoked=include_revoked)
    )
    if ctx.json:
        ctx.emit_json(keys)
        return
    rows = [(k.name, k.key_id, k.id, ", ".join(k.scopes), k.expires_at, k.revoked_at) for k in keys]
    ctx.table(f"API keys ({len(keys)})", ["Name", "Key id", "Id", "Scopes", "Expires", "Revoked"], rows)


@command(api_key_app, "revoke")
def revoke(
    ctx: Ctx, key_id: Annotated[str, typer.Argument(help="The key's id (from 'api-key list').")]
) -> None:
    """Revoke a key; it stops working at once."""
    key = ctx.client().api_keys.revoke(require_id(key_id, "key id"))
    if ctx.json:
        ctx.emit_json(key)
    else:
        ctx.say(f"Revoked key {key.name} ({key.id}).")
