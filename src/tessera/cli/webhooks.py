"""``tessera webhook create|list|deliveries|redeliver|resume``."""

from __future__ import annotations

from typing import Annotated

import typer

from tessera.cli.context import Ctx, command
from tessera.cli.lookup import check_choice, require_id, resolve_team_id, team_names
from tessera.notifications.events import EventType

webhook_app = typer.Typer(help="Signed event deliveries to your endpoints.", no_args_is_help=True)

IdArg = Annotated[str, typer.Argument(help="Webhook id.")]
EVENTS = [e.value for e in EventType]
DELIVERY_STATUSES = ["pending", "retrying", "delivered", "failed", "paused", "cancelled"]
_ERROR_WIDTH = 80  # characters of the last error in the table; --json has all of it


@command(webhook_app, "create")
def create(
    ctx: Ctx,
    endpoint: Annotated[
        str,
        typer.Argument(help="https URL receiving the events (private addresses refused).", metavar="URL"),
    ],
    event: Annotated[
        list[str] | None, typer.Option("--event", help="Only this event type (repeatable); default: all.")
    ] = None,
    team: Annotated[
        str | None, typer.Option("--team", help="Team (id or name); default: the key's team.")
    ] = None,
    description: Annotated[str | None, typer.Option(help="What the endpoint is for.")] = None,
) -> None:
    """Subscribe an endpoint; prints the signing secret once."""
    events = [check_choice(e, EVENTS, "--event") or e for e in event or []]
    client = ctx.client()
    hook = client.webhooks.create(
        endpoint, team_id=resolve_team_id(client, team), events=events, description=description
    )
    if ctx.json:
        ctx.emit_json(hook)
        return
    ctx.say(f"Created webhook {hook.id} for {hook.url}.")
    ctx.say(f"Signing secret (shown only now): [bold]{hook.secret}[/bold]")


@command(webhook_app, "list")
def list_(
    ctx: Ctx,
    team: Annotated[str | None, typer.Option("--team", help="Team (id or name); admins only.")] = None,
) -> None:
    """Your team's webhooks, with their state (paused after repeated failures)."""
    client = ctx.client()
    hooks = list(client.webhooks.iter_all(team_id=resolve_team_id(client, team)))
    if ctx.json:
        ctx.emit_json(hooks)
        return
    names = team_names(client)
    rows = [
        (
            h.url,
            names.get(h.team_id, h.team_id) if h.team_id else None,
            ", ".join(h.events) or "all",
            "paused" if h.paused_at else "active" if h.active else "inactive",
            h.consecutive_failures,
            h.id,
        )
        for h in hooks
    ]
    ctx.table(f"Webhooks ({len(hooks)})", ["URL", "Team", "Events", "State", "Failures", "Id"], rows)


def _short(error: str | None) -> str | None:
    if error is None or len(error) <= _ERROR_WIDTH:
        return error
    return error[: _ERROR_WIDTH - 1] + "…"


@command(webhook_app, "deliveries")
def deliveries(
    ctx: Ctx,
    webhook: IdArg,
    status: Annotated[
        str | None, typer.Option(help=f"Only deliveries in this status: {', '.join(DELIVERY_STATUSES)}.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="Show at most this many.")] = 50,
) -> None:
    """A webhook's recent deliveries: status, attempts, last HTTP status and error."""
    wanted = check_choice(status, DELIVERY_STATUSES, "--status")
    page = ctx.client().webhooks.deliveries(require_id(webhook, "WEBHOOK"), status=wanted, limit=limit)
    if ctx.json:
        ctx.emit_json(page.items)
        return
    rows = [
        (
            d.event_type,
            d.status,
            d.attempts,
            d.last_status_code,
            _short(d.last_error),
            d.created_at.isoformat(timespec="seconds"),
            d.id,
        )
        for d in page.items
    ]
    ctx.table(
        f"Deliveries ({len(page.items)} of {page.total})",
        ["Event", "Status", "Attempts", "HTTP", "Error", "Created", "Id"],
        rows,
    )


@command(webhook_app, "redeliver")
def redeliver(
    ctx: Ctx, webhook: IdArg, delivery: Annotated[str, typer.Argument(help="Delivery id.")]
) -> None:
    """Queue a delivery again now."""
    again = ctx.client().webhooks.redeliver(require_id(webhook, "WEBHOOK"), require_id(delivery, "DELIVERY"))
    if ctx.json:
        ctx.emit_json(again)
    else:
        ctx.say(f"Delivery {again.id} queued again ({again.event_type}).")


@command(webhook_app, "resume")
def resume(ctx: Ctx, webhook: IdArg) -> None:
    """Re-activate a webhook paused after repeated failures (held deliveries are sent again)."""
    hook = ctx.client().webhooks.resume(require_id(webhook, "WEBHOOK"))
    if ctx.json:
        ctx.emit_json(hook)
    else:
        ctx.say(f"Webhook {hook.id} is active again.")
