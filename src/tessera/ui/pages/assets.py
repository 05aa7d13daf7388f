"""The assets list: the reference list page (filters, sortable columns, pagination, htmx partials).

Copy this shape for other lists: parse with :func:`list_params`, read through the feature's repository
(the same call the API makes), build plain rows, render the template, or only its ``results`` block when
htmx updates that region.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tessera.assets import repository
from tessera.deps import ReadSessionDep
from tessera.enums import ResourceType
from tessera.errors import ValidationFailed
from tessera.teams import repository as teams_repo
from tessera.ui.deps import UiDep
from tessera.ui.listing import ListView, list_params
from tessera.ui.render import is_htmx, render

router = APIRouter(include_in_schema=False)

SORTS = tuple(repository.ASSET_SORTS)
FILTERS = ("q", "owner", "kind")
COLUMNS = ("id", "fqn", "environment", "owner_team_id", "resource_type", "current_version", "created_at")
# The owner filter offers at most this many teams (a select, not a search box).
TEAM_CHOICES = 500


def _uuid_filter(value: str | None, name: str) -> uuid.UUID | None:
    if value is None:
        return None
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise ValidationFailed(
            f"{name} must be a team id; pick one from the list.", code="invalid_filter"
        ) from exc


@router.get("/assets")
async def assets_list(request: Request, ui: UiDep, session: ReadSessionDep) -> Response:
    """Live assets, filterable by name, owner team and kind; sortable; 25 a page."""
    params = list_params(request, sorts=SORTS, default_sort="fqn", filters=FILTERS)
    kind = params.filters.get("kind")
    if kind is not None and kind not in ResourceType.__members__.values():
        raise ValidationFailed(f"Unknown kind {kind!r}; pick one from the list.", code="invalid_filter")
    rows, total = await repository.list_assets(
        session,
        owner_team_id=_uuid_filter(params.filters.get("owner"), "owner"),
        environment=None,
        q=params.filters.get("q"),
        tag=None,
        resource_type=kind,
        limit=params.per_page,
        offset=params.offset,
        cursor=params.cursor,
        columns=COLUMNS,
        sort=params.sort,
        descending=params.descending,
    )
    teams, _ = await teams_repo.list_teams(session, name=None, limit=TEAM_CHOICES, offset=0)
    names = {t.id: t.name for t in teams}
    missing = {r["owner_team_id"] for r in rows} - names.keys()
    if missing:  # more teams than the select shows: one more query for this page's owners
        names.update({t.id: t.name for t in (await teams_repo.get_many(session, missing)).values()})
    items: list[dict[str, Any]] = [{**r, "owner_name": names.get(r["owner_team_id"], "?")} for r in rows]
    context = {
        "ui": ui,
        "listing": ListView("/assets", params, items, total),
        "team_options": [(str(t.id), t.name) for t in teams],
        "kind_options": [(k.value, k.value) for k in ResourceType],
    }
    block = "results" if is_htmx(request) and request.headers.get("hx-target") == "results" else None
    return render(request, "assets/list.html", context, block=block)
