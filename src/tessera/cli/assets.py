"""``tessera asset create|list|show|update``."""

from __future__ import annotations

from typing import Annotated

import typer

from tessera.cli.context import Ctx, command
from tessera.cli.lookup import (
    check_choice,
    resolve_asset,
    resolve_team,
    resolve_team_id,
    resolve_user_id,
    team_names,
)
from tessera.core.modes import CompatibilityMode, GuaranteeMode
from tessera_sdk.models import Contract

asset_app = typer.Typer(help="Warehouse objects with contracts.", no_args_is_help=True)

MODES = [m.value for m in CompatibilityMode]
GUARANTEE_MODES = [m.value for m in GuaranteeMode]
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
    compatibility_mode = check_choice(compatibility_mode, MODES, "--compatibility-mode")
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
    names = team_names(client)
    rows = [
        (
            a.fqn,
            names.get(a.owner_team_id, a.owner_team_id),
            a.environment,
            a.current_version,
            a.compatibility_mode,
            a.id,
        )
        for a in assets
    ]
    ctx.table(f"Assets ({len(assets)})", ["FQN", "Owner", "Environment", "Version", "Mode", "Id"], rows)


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
    names = team_names(client)
    steward = client.users.get(found.steward_user_id) if found.steward_user_id else None
    ctx.fields(
        found.fqn,
        [
            ("Id", found.id),
            ("Environment", found.environment),
            ("Owner team", names.get(found.owner_team_id, found.owner_team_id)),
            ("Steward", f"{steward.name} <{steward.email}>" if steward else None),
            ("Contact", found.contact),
            ("Current version", found.current_version),
            ("Compatibility", found.compatibility_mode),
            ("Guarantees", found.guarantee_mode),
            ("Audit gate (WAP)", found.require_passing_audit),
            ("Ask every consumer", found.require_all_consumers),
            ("Tags", found.tags),
            ("dbt node", found.dbt_unique_id),
            ("Description", found.description),
        ],
    )
    active = next((c for c in contracts if c.status == "active"), None)
    if active is not None:
        ctx.table(
            f"Columns ({active.version})", ["Column", "Type", "Required", "Description"], column_rows(active)
        )
    ctx.table(
        "Contract versions",
        ["Version", "Status", "Bump", "Published"],
        [(c.version, c.status, c.bump, c.published_at.isoformat(timespec="seconds")) for c in contracts],
    )
    ctx.table(
        "Consumers",
        ["Team", "Columns", "Pinned", "Registration"],
        [
            (names.get(r.consumer_team_id, r.consumer_team_id), r.columns or "all", r.pinned_version, r.id)
            for r in registrations
        ],
    )


def _type_text(spec: object) -> str:
    if not isinstance(spec, dict):
        return "any"
    kind = spec.get("type")
    if kind is None and isinstance(spec.get("anyOf"), list):
        kinds = [b.get("type") for b in spec["anyOf"] if isinstance(b, dict)]
        kind = [k for k in kinds if isinstance(k, str)]
    types = kind if isinstance(kind, list) else [kind] if kind else []
    text = " | ".join(str(t) for t in types if t != "null") or "any"
    fmt = spec.get("format")
    text += f" ({fmt})" if fmt else ""
    return text + (", nullable" if "null" in types else "")


def column_rows(contract: Contract) -> list[tuple[str, str, bool, object]]:
    """One row per top-level column of a contract's schema: name, type, required, description."""
    props = contract.schema_.get("properties")
    required = contract.schema_.get("required")
    needed = set(required) if isinstance(required, list) else set()
    if not isinstance(props, dict):
        return []
    return [
        (name, _type_text(spec), name in needed, spec.get("description") if isinstance(spec, dict) else None)
        for name, spec in props.items()
    ]


@command(asset_app, "update")
def update(
    ctx: Ctx,
    asset: Annotated[str, typer.Argument(help="Asset id or FQN.")],
    environment: EnvOption = None,
    compatibility_mode: Annotated[
        str | None, typer.Option("--compatibility-mode", help=f"One of: {', '.join(MODES)}.")
    ] = None,
    guarantee_mode: Annotated[
        str | None, typer.Option("--guarantee-mode", help=f"One of: {', '.join(GUARANTEE_MODES)}.")
    ] = None,
    steward: Annotated[
        str | None, typer.Option("--steward", help="The person to ask about the asset (user id or email).")
    ] = None,
    require_passing_audit: Annotated[
        bool | None,
        typer.Option(
            "--require-passing-audit/--no-require-passing-audit",
            help="Write-audit-publish: publish only after the data tests of the new version pass.",
        ),
    ] = None,
    require_all_consumers: Annotated[
        bool | None,
        typer.Option(
            "--require-all-consumers/--no-require-all-consumers",
            help="Ask every consumer about every breaking change, whatever columns it reads.",
        ),
    ] = None,
    description: Annotated[str | None, typer.Option(help="What the asset holds.")] = None,
    contact: Annotated[str | None, typer.Option(help="Where to reach the owners (#channel, email).")] = None,
) -> None:
    """Change an asset's modes, steward, audit gate, description or contact (owners and admins)."""
    fields: dict[str, object] = {
        "compatibility_mode": check_choice(compatibility_mode, MODES, "--compatibility-mode"),
        "guarantee_mode": check_choice(guarantee_mode, GUARANTEE_MODES, "--guarantee-mode"),
        "require_passing_audit": require_passing_audit,
        "require_all_consumers": require_all_consumers,
        "description": description,
        "contact": contact,
    }
    client = ctx.client()
    if steward is not None:
        fields["steward_user_id"] = resolve_user_id(client, steward)
    if all(v is None for v in fields.values()):
        ctx.fail("nothing to change: pass at least one option (see --help)")
    found = resolve_asset(client, asset, environment)
    updated = client.assets.update(found.id, **fields)
    if ctx.json:
        ctx.emit_json(updated)
        return
    ctx.say(
        f"Updated [bold]{updated.fqn}[/bold]: compatibility {updated.compatibility_mode}, guarantees "
        f"{updated.guarantee_mode}, audit gate {'on' if updated.require_passing_audit else 'off'}."
    )
