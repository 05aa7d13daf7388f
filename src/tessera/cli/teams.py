"""``tessera team create|list``."""

from __future__ import annotations

from typing import Annotated

import typer

from tessera.cli.context import Ctx, command

team_app = typer.Typer(help="Teams that own and consume assets.", no_args_is_help=True)

LimitOption = Annotated[int, typer.Option("--limit", min=1, help="Show at most this many.")]


@command(team_app, "create")
def create(
    ctx: Ctx,
    name: Annotated[str, typer.Argument(help="Team name.")],
    description: Annotated[str | None, typer.Option(help="What the team does.")] = None,
    contact: Annotated[str | None, typer.Option(help="Slack channel or email.")] = None,
    slack_webhook_url: Annotated[str | None, typer.Option(help="Slack incoming-webhook URL.")] = None,
) -> None:
    """Create a team (admin key)."""
    team = ctx.client().teams.create(
        name, description=description, contact=contact, slack_webhook_url=slack_webhook_url
    )
    if ctx.json:
        ctx.emit_json(team)
    else:
        ctx.say(f"Created team [bold]{team.name}[/bold] ({team.id})")


@command(team_app, "list")
def list_(
    ctx: Ctx,
    name: Annotated[str | None, typer.Option(help="Only names containing this.")] = None,
    limit: LimitOption = 200,
) -> None:
    """List active teams."""
    teams = [t for _, t in zip(range(limit), ctx.client().teams.iter_all(name=name), strict=False)]
    if ctx.json:
        ctx.emit_json(teams)
        return
    ctx.table(f"Teams ({len(teams)})", ["Name", "Id", "Contact"], [(t.name, t.id, t.contact) for t in teams])
