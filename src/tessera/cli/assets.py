"""``tessera asset create|list|show``."""

from __future__ import annotations

from typing import Annotated

import typer

from tessera.cli.context import Ctx, command
from tessera.cli.lookup import resolve_asset, resolve_team, resolve_team_id

asset_app = typer.Typer(help="Warehouse objects with contracts.", no_args_is_help=True)

EnvOption = Annotated[
    str | None, typer.Option("--environment", "-e", help="Environment, when an FQN exists in several.")
]


@command(asset_app, "create")
def create(
    ctx: Ctx,
    fqn: Annotated[str, typer.Argument(help="Fully qualified name, e.g. warehouse.analytics.dim_customers.")],
    owner_team: Annotated[str, typer.Option("--owner-team", help="Owning team (id or name).")],
    environment: Annotated[str, typer.Option("--environment", "-e", help="Environment.")] = "production",
    description: Annotated[str | None, typer.Option(help="What the asset holds.")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="Tag (repeatable).")] = None,
    resource_type: Annotated[
        str | None, typer.Option(help="table, view, model, seed, snapshot, source ...")
    ] = None,
    compatibility_mode: Annotated[
        str | None, typer.Option(help="backward, forward, full, none (and *_transitive).")
    ] = None,
) -> None:
    """Register an asset."""
    client = ctx.client()
    asset = client.assets.create(
        fqn,
        resolve_team(client, owner_team).id,
        environment=environment,
        description=description,
        tags=tag,
        resource_type=resource_type,
        compatibility_mode=compatibility_mode,
    )
    if ctx.json:
        ctx.emit_json(asset)
    else:
        ctx.say(f"Created asset [bold]{asset.fqn}[/bold] ({asset.id})")


@command(asset_app, "list")
def list_(
    ctx: Ctx,
    q: Annotated[str | None, typer.Option("--q", "-q", help="Only FQNs containing this.")] = None,
    owner_team: Annotated[str | None, typer.Option("--owner-team", help="Owning team (id or name).")] = None,
    environment: EnvOption = None,
    tag: Annotated[str | None, typer.Option(help="Only assets with this tag.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many.")] = 200,
) -> None:
    """List assets."""
    client = ctx.client()
    found = client.assets.iter_all(
        owner_team_id=resolve_team_id(client, owner_team), environment=environment, q=q, tag=tag
    )
    assets = [a for _, a in zip(range(limit), found, strict=False)]
    if ctx.json:
        ctx.emit_json(assets)
        return
    rows = [(a.fqn, a.environment, a.current_version, a.compatibility_mode, a.id) for a in assets]
    ctx.table(f"Assets ({len(assets)})", ["FQN", "Environment", "Version", "Mode", "Id"], rows)


@command(asset_app, "show")
def show(
    ctx: Ctx,
    asset: Annotated[str, typer.Argument(help="Asset id or FQN.")],
    environment: EnvOption = None,
) -> None:
    """Show an asset, its contract versions and its consumers."""
    client = ctx.client()
    found = resolve_asset(client, asset, environment)
    contracts = client.contracts.list(found.id, limit=20).items
    registrations = list(client.registrations.iter_all(asset_id=found.id))
    if ctx.json:
        data = {
            **found.model_dump(mode="json"),
            "contracts": [c.model_dump(mode="json", by_alias=True, exclude={"schema_"}) for c in contracts],
            "registrations": [r.model_dump(mode="json") for r in registrations],
        }
        ctx.emit_json(data)
        return
    ctx.fields(
        found.fqn,
        [
            ("Id", found.id),
            ("Environment", found.environment),
            ("Owner team", found.owner_team_id),
            ("Current version", found.current_version),
            ("Compatibility", found.compatibility_mode),
            ("Guarantees", found.guarantee_mode),
            ("Tags", found.tags),
            ("dbt node", found.dbt_unique_id),
            ("Description", found.description),
        ],
    )
    ctx.table(
        "Contract versions",
        ["Version", "Status", "Bump", "Published"],
        [(c.version, c.status, c.bump, c.published_at.isoformat(timespec="seconds")) for c in contracts],
    )
    ctx.table(
        "Consumers",
        ["Team", "Columns", "Pinned", "Registration"],
        [(r.consumer_team_id, r.columns or "all", r.pinned_version, r.id) for r in registrations],
    )
