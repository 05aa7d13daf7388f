"""Teams: the list, and a team's page (owned and consumed assets, members, webhook health + redeliver)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tessera.assets import repository as assets_repo
from tessera.deps import ReadSessionDep, WriteSessionDep
from tessera.enums import DeliveryStatus
from tessera.errors import not_found
from tessera.registrations import repository as registrations_repo
from tessera.teams import repository, service
from tessera.ui.deps import UiDep
from tessera.ui.listing import ListView, list_params
from tessera.ui.pages.sections import (
    SECTION_SIZE,
    require_write,
    section,
    section_query,
)
from tessera.ui.render import is_htmx, redirect, render
from tessera.webhooks import repository as webhooks_repo
from tessera.webhooks import service as webhooks_service

router = APIRouter(include_in_schema=False)

SORTS = tuple(repository.TEAM_SORTS)
OWNED_COLUMNS = ("id", "fqn", "environment", "resource_type", "current_version", "created_at")
OWNED_SORTS = tuple(assets_repo.ASSET_SORTS)
# A team's page lists at most this many of its webhooks (endpoints, not deliveries: few per team).
WEBHOOKS_SHOWN = 50


@router.get("/teams")
async def teams_list(request: Request, ui: UiDep, session: ReadSessionDep) -> Response:
    """Active teams, filterable by name, sortable by name or creation; 25 a page."""
    params = list_params(request, sorts=SORTS, default_sort="name", filters=("q",))
    rows, total = await repository.list_teams(
        session,
        name=params.filters.get("q"),
        limit=params.per_page,
        offset=params.offset,
        cursor=params.cursor,
        sort=params.sort,
        descending=params.descending,
    )
    owned = await repository.owned_counts(session, [t.id for t in rows])
    items = [{"team": t, "owned": owned.get(t.id, 0)} for t in rows]
    context = {"ui": ui, "listing": ListView("/teams", params, items, total)}
    block = "results" if is_htmx(request) and request.headers.get("hx-target") == "results" else None
    return render(request, "teams/list.html", context, block=block)


def _delivery_rows(deliveries: list[Any], hooks: dict[uuid.UUID, Any]) -> list[dict[str, Any]]:
    """Plain rows for the delivery tables; the endpoint is the webhook's URL (a Slack URL is a secret)."""
    return [
        {
            "delivery": d,
            "endpoint": hooks[d.webhook_id].url if d.webhook_id in hooks else "Team Slack channel",
            # Only webhook deliveries can be redelivered (the API's rule), and not while being attempted.
            "redeliverable": d.webhook_id in hooks and d.status != DeliveryStatus.PENDING,
        }
        for d in deliveries
    ]


@router.get("/teams/{team_id}")
async def team_page(team_id: uuid.UUID, request: Request, ui: UiDep, session: ReadSessionDep) -> Response:
    """A team: details, owned and consumed assets, members with contacts, webhook health (for the team
    itself and admins, as in the API)."""
    team = await service.require_team(session, team_id)
    asked = {
        "owned": section_query(request, "owned", sorts=OWNED_SORTS, default_sort="fqn"),
        "consumed": section_query(request, "consumed", sorts=("created_at",), default_sort="-created_at"),
        "members": section_query(request, "members", sorts=("name",), default_sort="name"),
    }
    owned, owned_total = await assets_repo.list_assets(
        session,
        owner_team_id=team.id,
        environment=None,
        q=asked["owned"].q,
        tag=None,
        resource_type=None,
        limit=SECTION_SIZE,
        offset=asked["owned"].offset,
        cursor=asked["owned"].cursor,
        columns=OWNED_COLUMNS,
        sort=asked["owned"].sort,
        descending=asked["owned"].descending,
    )
    regs, regs_total = await registrations_repo.list_registrations(
        session,
        asset_id=None,
        team_id=team.id,
        limit=SECTION_SIZE,
        offset=asked["consumed"].offset,
        cursor=asked["consumed"].cursor,
        oldest_first=not asked["consumed"].descending,
        asset_q=asked["consumed"].q,
    )
    consumed_assets = await assets_repo.get_many(session, {r.asset_id for r in regs})
    consumed = [{"registration": r, "asset": consumed_assets.get(r.asset_id)} for r in regs]
    members, members_total = await repository.list_members(
        session,
        team.id,
        limit=SECTION_SIZE,
        offset=asked["members"].offset,
        cursor=asked["members"].cursor,
        q=asked["members"].q,
        descending=asked["members"].descending,
    )
    context: dict[str, Any] = {
        "ui": ui,
        "team": team,
        "owned": section(request, "owned", owned, owned_total, asked["owned"].page, asked["owned"]),
        "consumed": section(
            request, "consumed", consumed, regs_total, asked["consumed"].page, asked["consumed"]
        ),
        "members": section(
            request, "members", list(members), members_total, asked["members"].page, asked["members"]
        ),
        "health": None,
    }
    if ui.principal.acts_for(team.id):
        hooks, hooks_total = await webhooks_service.list_webhooks(
            session, ui.principal, team_id=team.id, limit=WEBHOOKS_SHOWN, offset=0
        )
        by_id = {h.id: h for h in hooks}
        found: dict[str, tuple[list[Any], int]] = {}
        for name, status in (("recent", None), ("failed", DeliveryStatus.FAILED)):
            asked[name] = section_query(request, name, sorts=("created_at",), default_sort="-created_at")
            found[name] = await webhooks_repo.team_deliveries(
                session,
                webhook_ids=list(by_id),
                slack_url=team.slack_webhook_url,
                status=status,
                limit=SECTION_SIZE,
                offset=asked[name].offset,
                cursor=asked[name].cursor,
                event_q=asked[name].q,
                oldest_first=not asked[name].descending,
            )
        context["health"] = {
            "webhooks": hooks,
            "webhooks_total": hooks_total,
            "slack": bool(team.slack_webhook_url),
            **{
                name: section(
                    request, name, _delivery_rows(rows, by_id), total, asked[name].page, asked[name]
                )
                for name, (rows, total) in found.items()
            },
        }
    return render(request, "teams/detail.html", context)


@router.post("/teams/{team_id}/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver")
async def redeliver(
    team_id: uuid.UUID,
    webhook_id: uuid.UUID,
    delivery_id: uuid.UUID,
    request: Request,
    ui: UiDep,
    session: WriteSessionDep,
) -> Response:
    """Queue a delivery again through the webhooks service (its rules, its audit event); htmx gets the
    updated table row, a plain form post a redirect back to the team page."""
    require_write(ui)
    hook = await webhooks_service.require_webhook(session, ui.principal, webhook_id)
    if hook.team_id != team_id:
        raise not_found("webhook", webhook_id)
    delivery = await webhooks_service.redeliver(session, ui.principal, hook.id, delivery_id)
    if not is_htmx(request):
        return redirect(f"/teams/{team_id}", request=request, flash="Delivery queued again.")
    row = _delivery_rows([delivery], {hook.id: hook})[0]
    context = {"ui": ui, "team": {"id": team_id}, "row": row, "just_queued": True}
    return render(request, "teams/detail.html", context, block="delivery_row")
