"""API keys (admins): the list, the create form that shows a new key once, revoke with confirmation.

Everything goes through the api_keys service, as the API does. The secret exists only in the answer to
the create form (``Cache-Control: no-store``); it is never logged, stored, put in a URL or a flash.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from tessera.api_keys import repository, service
from tessera.api_keys.schemas import ApiKeyCreate
from tessera.deps import AuthenticatorDep, ReadSessionDep, ServerKeyDep, WriteSessionDep
from tessera.enums import Scope
from tessera.errors import Forbidden, ValidationFailed
from tessera.teams import repository as teams_repo
from tessera.ui.deps import UiContext, UiDep
from tessera.ui.listing import ListView, list_params
from tessera.ui.pages.sections import require_write
from tessera.ui.render import is_htmx, redirect, render

router = APIRouter(include_in_schema=False)

SORTS = tuple(repository.KEY_SORTS)
FILTERS = ("q", "team", "state")
STATES = (("active", "Active"), ("all", "All, with revoked"))
TEAM_CHOICES = 500


def _require_admin(ui: UiContext) -> None:
    # The page is for admins (the API lets only them create keys); other keys get a readable 403.
    if not ui.is_admin:
        raise Forbidden("Only an admin key may manage API keys.", code="admin_required")


def _uuid(value: str | None, what: str) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise ValidationFailed(
            f"{what} must be a team id; pick one from the list.", code="invalid_filter"
        ) from exc


async def _page_context(request: Request, ui: UiContext, session: Any) -> dict[str, Any]:
    """The list (filters, sort, page) and the create form's choices."""
    params = list_params(request, sorts=SORTS, default_sort="-created_at", filters=FILTERS)
    state = params.filters.get("state", "active")
    if state not in dict(STATES):
        raise ValidationFailed(f"Unknown state {state!r}; pick one from the list.", code="invalid_filter")
    rows, total = await service.list_keys(
        session,
        ui.principal,
        team_id=_uuid(params.filters.get("team"), "team"),
        include_revoked=state == "all",
        limit=params.per_page,
        offset=params.offset,
        cursor=params.cursor,
        name=params.filters.get("q"),
        sort=params.sort,
        descending=params.descending,
    )
    teams, _ = await teams_repo.list_teams(session, name=None, limit=TEAM_CHOICES, offset=0)
    names = {t.id: t.name for t in teams}
    missing = {k.team_id for k in rows} - names.keys()
    if missing:  # more teams than the select shows: one more query for this page's keys
        names.update({t.id: t.name for t in (await teams_repo.get_many(session, missing)).values()})
    seen = await repository.last_activity(session, [k.key_id for k in rows])
    items = [
        {"key": k, "team_name": names.get(k.team_id, "?"), "last_seen": seen.get(k.key_id)} for k in rows
    ]
    return {
        "ui": ui,
        "listing": ListView("/keys", params, items, total),
        "team_options": [(str(t.id), t.name) for t in teams],
        "state_options": list(STATES),
        "scopes": [s.value for s in Scope],
        "created": None,
        "form": {},
    }


@router.get("/keys")
async def keys_page(request: Request, ui: UiDep, session: ReadSessionDep) -> Response:
    """Keys (active by default), filterable by name, team and state; sortable; plus the create form."""
    _require_admin(ui)
    context = await _page_context(request, ui, session)
    block = "results" if is_htmx(request) and request.headers.get("hx-target") == "results" else None
    return render(request, "keys/list.html", context, block=block)


def _parse_create(form: Any) -> ApiKeyCreate:
    """The create form as the API's request model; its mistakes become one readable 422."""
    expires = (form.get("expires_on") or "").strip()
    try:
        expires_at = datetime.combine(date.fromisoformat(expires), time(), UTC) if expires else None
    except ValueError as exc:
        raise ValidationFailed("Expiry must be a date like 2027-01-31.", code="invalid_expiry") from exc
    scopes = [s for s in form.getlist("scopes") if isinstance(s, str)]
    if not scopes:
        raise ValidationFailed("Pick at least one scope.", code="invalid_scopes")
    try:
        return ApiKeyCreate.model_validate(
            {
                "name": (form.get("name") or "").strip(),
                "team_id": form.get("team_id") or None,
                "scopes": scopes,
                "expires_at": expires_at,
            }
        )
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in e["loc"][:1]) for e in exc.errors()})
        labels = {
            "name": "a name",
            "team_id": "a team",
            "scopes": "known scopes",
            "expires_at": "a valid expiry",
        }
        wanted = ", ".join(labels.get(f, f) for f in fields)
        raise ValidationFailed(f"The new key needs {wanted}.", code="invalid_key_form") from exc


@router.post("/keys")
async def create_key(
    request: Request, ui: UiDep, session: WriteSessionDep, server_key: ServerKeyDep
) -> Response:
    """Create a key through the service; the answer shows the secret this once (htmx: the form's region)."""
    _require_admin(ui)
    require_write(ui)
    data = _parse_create(await request.form())
    created = await service.create_key(session, ui.principal, data, server_key)
    team = await teams_repo.get(session, created.team_id)
    shown = {"key": created, "team_name": team.name if team else "?"}
    if is_htmx(request):
        response = render(request, "keys/list.html", {"ui": ui, "created": shown}, block="new_key")
        response.headers["HX-Trigger"] = "keys-changed"  # the list reloads and shows the new key
        return response
    context = await _page_context(request, ui, session)
    context["created"] = shown
    return render(request, "keys/list.html", context, status_code=201)


@router.get("/keys/{key_pk}/revoke")
async def confirm_revoke(key_pk: uuid.UUID, request: Request, ui: UiDep, session: ReadSessionDep) -> Response:
    """Ask before revoking: which key, which team, what stops working."""
    _require_admin(ui)
    key = await service.require_key(session, ui.principal, key_pk)
    team = await teams_repo.get(session, key.team_id)
    context = {"ui": ui, "key": key, "team_name": team.name if team else "?"}
    return render(request, "keys/revoke.html", context)


@router.post("/keys/{key_pk}/revoke")
async def revoke_key(
    key_pk: uuid.UUID, request: Request, ui: UiDep, session: WriteSessionDep, keys: AuthenticatorDep
) -> Response:
    """Revoke through the service (it stops working at once); back to the list with a message."""
    _require_admin(ui)
    require_write(ui)
    key = await service.revoke_key(session, ui.principal, key_pk, keys)
    return redirect("/keys", request=request, flash=f"Key '{key.name}' ({key.key_id}) is revoked.")
