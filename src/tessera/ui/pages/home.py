"""The inbox (home page): what waits for the signed-in team, what it proposed, what happened to its assets.

Three lists, each its own linkable page with filters, sort and pagination: ``/`` (proposals waiting for
the team's answer, deadline first; for an admin key without a team, every open proposal),
``/inbox/proposed`` (the team's own proposals and who has not answered) and ``/inbox/activity`` (audit
events touching the team's assets and proposals). On an empty database the home page shows the first
steps instead of empty tables.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.assets import repository as assets_repo
from tessera.audit import repository as audit_repo
from tessera.config import Settings
from tessera.db.models import AuditEvent, Proposal
from tessera.deps import ReadSessionDep, SettingsDep
from tessera.enums import AckResponse, ProposalStatus
from tessera.errors import ValidationFailed
from tessera.proposals import repository as proposals_repo
from tessera.proposals import service as proposals_service
from tessera.teams import repository as teams_repo
from tessera.ui.deps import UiContext, UiDep
from tessera.ui.listing import ListParams, ListView, list_params
from tessera.ui.render import is_htmx, render

router = APIRouter(include_in_schema=False)

TEMPLATE = "inbox/index.html"
PROPOSAL_SORTS = ("expires_at", "created_at")
ACTIVITY_FAMILIES = ("proposal.*", "contract.*", "asset.*", "registration.*")


@dataclass(frozen=True, slots=True)
class ProposalRow:
    """One proposal in an inbox list."""

    id: uuid.UUID
    asset_id: uuid.UUID
    asset_fqn: str
    status: str
    proposer: str
    breaking: int
    waiting_on: list[str]
    answered: int
    consumers: int
    expires_at: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ActivityRow:
    """One audit event in the activity list."""

    occurred_at: datetime
    action: str
    target_type: str
    target_label: str
    href: str | None
    actor: str
    note: str | None


async def _proposal_rows(session: AsyncSession, proposals: Sequence[Proposal]) -> list[ProposalRow]:
    """Rows with asset names, proposers and who has not answered, in a fixed number of queries."""
    views = await proposals_service.to_read(session, proposals)
    proposers = await teams_repo.get_many(session, {p.proposed_by_team_id for p in views})
    return [
        ProposalRow(
            id=v.id,
            asset_id=v.asset_id,
            asset_fqn=v.asset_fqn or str(v.asset_id),
            status=v.status.value,
            proposer=proposers[v.proposed_by_team_id].name if v.proposed_by_team_id in proposers else "?",
            breaking=len(v.breaking_changes),
            waiting_on=sorted(
                a.team_name or str(a.team_id) for a in v.acknowledgments if a.response is AckResponse.PENDING
            ),
            answered=sum(1 for a in v.acknowledgments if a.response is not AckResponse.PENDING),
            consumers=len(v.acknowledgments),
            expires_at=v.expires_at,
            created_at=v.created_at,
        )
        for v in views
    ]


def _target(event: AuditEvent) -> tuple[str, str | None]:
    """A label and a UI link for an event's target (assets and proposals have pages)."""
    details = event.details if isinstance(event.details, dict) else {}
    if event.target_type == "proposal":
        return "proposal", f"/proposals/{event.target_id}"
    if event.target_type == "asset":
        return str(details.get("fqn") or "asset"), f"/assets/{event.target_id}"
    asset_id = details.get("asset_id")
    href = f"/assets/{asset_id}" if isinstance(asset_id, str) and asset_id else None
    return event.target_type.replace("_", " "), href


async def _activity_rows(session: AsyncSession, events: Sequence[AuditEvent]) -> list[ActivityRow]:
    teams = await teams_repo.get_many(session, {e.actor_team_id for e in events if e.actor_team_id})
    rows = []
    for e in events:
        label, href = _target(e)
        details = e.details if isinstance(e.details, dict) else {}
        note = details.get("reason") or details.get("response")
        rows.append(
            ActivityRow(
                occurred_at=e.occurred_at,
                action=e.action,
                target_type=e.target_type,
                target_label=label,
                href=href,
                actor=teams[e.actor_team_id].name if e.actor_team_id in teams else "system",
                note=str(note) if note else None,
            )
        )
    return rows


def _status_filter(params: ListParams) -> ProposalStatus | None:
    raw = params.filters.get("status")
    if raw is None:
        return None
    try:
        return ProposalStatus(raw)
    except ValueError as exc:
        raise ValidationFailed(
            f"Unknown status {raw!r}; pick one from the list.", code="invalid_filter"
        ) from exc


async def _is_empty_database(session: AsyncSession) -> bool:
    """True when no asset exists yet: a newcomer gets the first steps instead of empty tables."""
    _, total = await assets_repo.list_assets(
        session,
        owner_team_id=None,
        environment=None,
        q=None,
        tag=None,
        resource_type=None,
        limit=1,
        offset=0,
        columns=("id",),
    )
    return total == 0


def _page(
    request: Request,
    ui: UiContext,
    section: str,
    listing: ListView,
    extra: dict[str, Any] | None = None,
) -> Response:
    context = {"ui": ui, "section": section, "listing": listing, "guide": None, **(extra or {})}
    block = "results" if is_htmx(request) and request.headers.get("hx-target") == "results" else None
    return render(request, TEMPLATE, context, block=block)


def _server_url(request: Request, settings: Settings) -> str:
    """The address the first steps' commands should call: ``BASE_URL`` when it is configured, else the
    address this page was opened at (the default ``http://127.0.0.1:8000`` is wrong on another port)."""
    if "base_url" in settings.model_fields_set:
        return settings.base_url
    return str(request.base_url).rstrip("/")


@router.get("/")
async def home(request: Request, ui: UiDep, session: ReadSessionDep, settings: SettingsDep) -> Response:
    """Proposals waiting for the signed-in team's answer, deadline first (an admin without a team: every
    open proposal); the first steps on an empty database."""
    params = list_params(request, sorts=PROPOSAL_SORTS, default_sort="expires_at", filters=("q",))
    team_id = ui.principal.team_id
    if team_id is None and not ui.is_admin:  # a key without a team answers for nobody
        listing = ListView("/", params, [], 0)
        return _page(request, ui, "waiting", listing)
    proposals, total = await proposals_repo.list_proposals(
        session,
        asset_id=None,
        status=ProposalStatus.OPEN if team_id is None else None,
        awaiting_team_id=team_id,
        proposed_by_team_id=None,
        source_ref=None,
        asset_q=params.filters.get("q"),
        sort=params.sort,
        descending=params.descending,
        limit=params.per_page,
        offset=params.offset,
        cursor=params.cursor,
    )
    listing = ListView("/", params, await _proposal_rows(session, proposals), total)
    guide = None
    if total == 0 and not params.filters and await _is_empty_database(session):
        guide = {"base_url": _server_url(request, settings)}
    return _page(request, ui, "waiting" if team_id else "open", listing, {"guide": guide})


@router.get("/inbox/proposed")
async def proposed(request: Request, ui: UiDep, session: ReadSessionDep) -> Response:
    """The team's own proposals, with the teams that have not answered; filter by status and asset."""
    params = list_params(request, sorts=PROPOSAL_SORTS, default_sort="-created_at", filters=("q", "status"))
    status = _status_filter(params)
    team_id = ui.principal.team_id
    rows: list[ProposalRow] = []
    total = 0
    if team_id is not None:
        proposals, total = await proposals_repo.list_proposals(
            session,
            asset_id=None,
            status=status,
            awaiting_team_id=None,
            proposed_by_team_id=team_id,
            source_ref=None,
            asset_q=params.filters.get("q"),
            sort=params.sort,
            descending=params.descending,
            limit=params.per_page,
            offset=params.offset,
            cursor=params.cursor,
        )
        rows = await _proposal_rows(session, proposals)
    listing = ListView("/inbox/proposed", params, rows, total)
    options = [(s.value, s.value.replace("_", " ")) for s in ProposalStatus]
    return _page(request, ui, "proposed", listing, {"status_options": options})


@router.get("/inbox/activity")
async def activity(request: Request, ui: UiDep, session: ReadSessionDep) -> Response:
    """Recent audit events touching the team's assets, contracts, registrations and proposals."""
    params = list_params(request, sorts=("occurred_at",), default_sort="-occurred_at", filters=("action",))
    action = params.filters.get("action")
    if action is not None and action not in ACTIVITY_FAMILIES:
        raise ValidationFailed(
            f"Unknown kind of event {action!r}; pick one from the list.", code="invalid_filter"
        )
    team_id = ui.principal.team_id
    rows: list[ActivityRow] = []
    total = 0
    if team_id is not None:
        events, total = await audit_repo.touching_team(
            session,
            team_id,
            action=action,
            descending=params.descending,
            limit=params.per_page,
            offset=params.offset,
            cursor=params.cursor,
        )
        rows = await _activity_rows(session, events)
    listing = ListView("/inbox/activity", params, rows, total)
    options = [(a, a.removesuffix(".*") + " events") for a in ACTIVITY_FAMILIES]
    return _page(request, ui, "activity", listing, {"action_options": options})
