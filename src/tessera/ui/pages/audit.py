"""The audit log: filters (action, target type, actor team, date range), sort by time, readable details."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tessera.audit import repository
from tessera.deps import ReadSessionDep
from tessera.errors import ValidationFailed
from tessera.teams import repository as teams_repo
from tessera.ui.deps import UiDep
from tessera.ui.listing import ListView, list_params
from tessera.ui.render import is_htmx, render

router = APIRouter(include_in_schema=False)

FILTERS = ("action", "target_type", "actor", "since", "until")
# Every target type the services record (tessera.audit.service.record callers).
TARGET_TYPES = (
    "api_key",
    "asset",
    "contract",
    "dbt_project",
    "graphql_project",
    "openapi_project",
    "proposal",
    "registration",
    "sqlmesh_project",
    "team",
    "user",
    "webhook",
)
TEAM_CHOICES = 500
# Targets (and detail values) that have a page of their own.
_PAGES = {"asset": "/assets/{}", "proposal": "/proposals/{}", "team": "/teams/{}"}
_DETAIL_PAGES = {
    "asset_id": "asset",
    "proposal_id": "proposal",
    "team_id": "team",
    "consumer_team_id": "team",
    "owner_team_id": "team",
}


def _day(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed(
            f"{name} must be a date like 2026-12-07 (got {value!r}).", code="invalid_filter"
        ) from exc


def _team(value: str | None) -> uuid.UUID | None:
    if value is None:
        return None
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise ValidationFailed(
            "actor must be a team id; pick one from the list.", code="invalid_filter"
        ) from exc


def target_link(target_type: str, target_id: str) -> str | None:
    """The UI page of an event's target, when it has one."""
    pattern = _PAGES.get(target_type)
    return pattern.format(target_id) if pattern else ("/keys" if target_type == "api_key" else None)


def detail_items(details: dict[str, Any]) -> list[dict[str, Any]]:
    """An event's details as sorted (key, readable value, link) rows: lists joined, objects as JSON."""
    out = []
    for key in sorted(details):
        value = details[key]
        if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
            text = ", ".join(str(v) for v in value) or "—"
        elif isinstance(value, dict | list):
            text = json.dumps(value, sort_keys=True, default=str)
        else:
            text = "—" if value is None else str(value)
        kind = _DETAIL_PAGES.get(key)
        link = target_link(kind, str(value)) if kind and isinstance(value, str) else None
        out.append({"key": key.replace("_", " "), "value": text, "link": link})
    return out


@router.get("/audit")
async def audit_page(request: Request, ui: UiDep, session: ReadSessionDep) -> Response:
    """Audit events, newest first (or oldest), filtered like the API's ``/audit/events``; 25 a page."""
    params = list_params(request, sorts=("occurred_at",), default_sort="-occurred_at", filters=FILTERS)
    f = params.filters
    target_type = f.get("target_type")
    if target_type is not None and target_type not in TARGET_TYPES:
        raise ValidationFailed(
            f"Unknown target type {target_type!r}; pick one from the list.", code="invalid_filter"
        )
    since, until = _day(f.get("since"), "From"), _day(f.get("until"), "To")
    if since and until and until < since:
        raise ValidationFailed("The 'To' date is before the 'From' date.", code="invalid_filter")
    rows, total = await repository.list_events(
        session,
        action=f.get("action"),
        target_type=target_type,
        target_id=None,
        actor_team_id=_team(f.get("actor")),
        since=datetime.combine(since, time(), UTC) if since else None,
        # The 'To' day is included: events before the next midnight.
        until=datetime.combine(until + timedelta(days=1), time(), UTC) if until else None,
        limit=params.per_page,
        offset=params.offset,
        cursor=params.cursor,
        oldest_first=not params.descending,
    )
    teams, _ = await teams_repo.list_teams(session, name=None, limit=TEAM_CHOICES, offset=0)
    names = {t.id: t.name for t in teams}
    missing = {r.actor_team_id for r in rows if r.actor_team_id} - names.keys()
    if missing:  # more teams than the select shows: one more query for this page's actors
        names.update({t.id: t.name for t in (await teams_repo.get_many(session, missing)).values()})
    items = [
        {
            "event": r,
            "actor_name": names.get(r.actor_team_id) if r.actor_team_id else None,
            "link": target_link(r.target_type, r.target_id),
            "details": detail_items(r.details or {}),
        }
        for r in rows
    ]
    context = {
        "ui": ui,
        "listing": ListView("/audit", params, items, total),
        "team_options": [(str(t.id), t.name) for t in teams],
        "target_types": TARGET_TYPES,
    }
    block = "results" if is_htmx(request) and request.headers.get("hx-target") == "results" else None
    return render(request, "audit/list.html", context, block=block)
