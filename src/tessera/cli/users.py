"""``tessera user create|list``."""

from __future__ import annotations

from typing import Annotated

import typer

from tessera.cli.context import Ctx, command
from tessera.cli.lookup import resolve_team, resolve_team_id, team_names

user_app = typer.Typer(help="People, their teams and their chat/VCS handles.", no_args_is_help=True)


@command(user_app, "create")
def create(
    ctx: Ctx,
    email: Annotated[str, typer.Argument(help="Email address.")],
    name: Annotated[str, typer.Argument(help="Display name.")],
    team: Annotated[list[str] | None, typer.Option("--team", help="Team id or name (repeatable).")] = None,
    github: Annotated[str | None, typer.Option(help="GitHub username.")] = None,
    gitlab: Annotated[str | None, typer.Option(help="GitLab username.")] = None,
    slack_member_id: Annotated[str | None, typer.Option(help="Slack member id, e.g. U024BE7LH.")] = None,
) -> None:
    """Create a user, optionally in teams."""
    client = ctx.client()
    team_ids = [resolve_team(client, t).id for t in team or []]
    user = client.users.create(
        email,
        name,
        github_username=github,
        gitlab_username=gitlab,
        slack_member_id=slack_member_id,
        team_ids=team_ids,
    )
    if ctx.json:
        ctx.emit_json(user)
    else:
        ctx.say(f"Created user [bold]{user.name}[/bold] <{user.email}> ({user.id})")


@command(user_app, "list")
def list_(
    ctx: Ctx,
    team: Annotated[
        str | None, typer.Option("--team", help="Only members of this team (id or name).")
    ] = None,
    email: Annotated[str | None, typer.Option(help="Only this email.")] = None,
    include_inactive: Annotated[bool, typer.Option(help="Include deactivated users.")] = False,
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many.")] = 200,
) -> None:
    """List users."""
    client = ctx.client()
    team_id = resolve_team_id(client, team)
    found = client.users.iter_all(team_id=team_id, email=email, include_inactive=include_inactive)
    users = [u for _, u in zip(range(limit), found, strict=False)]
    if ctx.json:
        ctx.emit_json(users)
        return
    names = team_names(client)
    rows = [
        (
            u.name,
            u.email,
            sorted(names.get(t, str(t)) for t in u.team_ids),
            u.github_username,
            "yes" if u.active else "no",
            u.id,
        )
        for u in users
    ]
    ctx.table(f"Users ({len(users)})", ["Name", "Email", "Teams", "GitHub", "Active", "Id"], rows)
