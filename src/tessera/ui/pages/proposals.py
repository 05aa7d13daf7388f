"""The proposal page and its actions: answer (consumer team), withdraw (proposer), force-approve (admin).

Every action goes through :mod:`tessera.proposals.service`, the same calls the API makes. A plain form
post ends with a redirect back to the page (and a flash); an htmx post gets the page's ``decision`` block
(status, consumers, actions) rendered from the new state. Form mistakes are shown beside their field.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.deps import ReadSessionDep, WriteSessionDep
from tessera.enums import AckResponse, Scope
from tessera.errors import Forbidden
from tessera.proposals import service
from tessera.proposals.schemas import AcknowledgeRequest
from tessera.ui.deps import UiContext, UiDep
from tessera.ui.pages import proposal_view
from tessera.ui.render import is_htmx, redirect, render

router = APIRouter(include_in_schema=False)

TEMPLATE = "proposals/detail.html"
ANSWERS = (AckResponse.APPROVED, AckResponse.MIGRATING, AckResponse.BLOCKED)
_DONE = {
    AckResponse.APPROVED: "Your team approved the change.",
    AckResponse.MIGRATING: "Your team is migrating; the deadline is recorded.",
    AckResponse.BLOCKED: "Your team blocked the change; the proposer has been told why.",
}


def _page_url(proposal_id: uuid.UUID) -> str:
    return f"/proposals/{proposal_id}"


def _require_write(ui: UiContext) -> None:
    """The API's scope rule for writes (its ``WritePrincipal``): a read key changes nothing."""
    if not ui.principal.has_scope(Scope.WRITE):
        raise Forbidden(
            f"This action needs an API key with the '{Scope.WRITE.value}' scope.", code="insufficient_scope"
        )


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v.strip() for k, v in form.items() if isinstance(v, str)}


async def _show(
    request: Request,
    ui: UiContext,
    session: AsyncSession,
    proposal_id: uuid.UUID,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    done: str | None = None,
) -> Response:
    """The page (or, for htmx, its decision block) from the current state; 422 when ``errors``."""
    view = await proposal_view.build(session, ui.principal, proposal_id)
    context: dict[str, Any] = {
        "ui": ui,
        "view": view,
        "errors": errors or {},
        "form": form or {},
        "done": done,
        "today": datetime.now(UTC).date().isoformat(),
    }
    block = "decision" if is_htmx(request) and request.headers.get("hx-target") == "decision" else None
    return render(request, TEMPLATE, context, block=block, status_code=422 if errors else 200)


async def _after(
    request: Request, ui: UiContext, session: AsyncSession, proposal_id: uuid.UUID, done: str
) -> Response:
    """What a successful action answers: the new decision block (htmx) or a redirect with a flash."""
    if is_htmx(request):
        return await _show(request, ui, session, proposal_id, done=done)
    return redirect(_page_url(proposal_id), request=request, flash=done)


@router.get("/proposals/{proposal_id}")
async def proposal_page(
    request: Request, proposal_id: uuid.UUID, ui: UiDep, session: ReadSessionDep
) -> Response:
    """The proposal: what changes, who must answer, and the actions the signed-in key may take."""
    return await _show(request, ui, session, proposal_id)


def deadline_of(raw: str, today: date) -> tuple[datetime | None, str | None]:
    """The migration deadline from a date field (end of that day, UTC), or the mistake to show."""
    if not raw:
        return None, "Give the date your migration will be finished."
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None, f"{raw!r} is not a date; use the date picker or YYYY-MM-DD."
    if day < today:
        return None, "The migration deadline is in the past; pick today or a later date."
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC), None


def answer_errors(form: dict[str, str], today: date) -> tuple[dict[str, str], dict[str, Any]]:
    """Field mistakes of an answer form, and the request fields when there are none."""
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    response = form.get("response", "")
    if response not in {a.value for a in ANSWERS}:
        errors["response"] = "Choose approved, migrating or blocked."
        return errors, fields
    fields["response"] = response
    reason = form.get("reason") or None
    if response == AckResponse.MIGRATING:
        deadline, mistake = deadline_of(form.get("migration_deadline", ""), today)
        if mistake:
            errors["migration_deadline"] = mistake
        fields["migration_deadline"] = deadline
    if response == AckResponse.BLOCKED and not reason:
        errors["reason"] = "Say why this change blocks your team, so the owners know what to fix."
    if reason and len(reason) > 5000:
        errors["reason"] = "Keep the note under 5,000 characters."
    fields["reason"] = reason
    return errors, fields


@router.post("/proposals/{proposal_id}/answer")
async def answer(request: Request, proposal_id: uuid.UUID, ui: UiDep, session: WriteSessionDep) -> Response:
    """The signed-in team answers: approved, migrating (with a deadline) or blocked (with a reason)."""
    _require_write(ui)
    form = await _form(request)
    errors, fields = answer_errors(form, datetime.now(UTC).date())
    data: AcknowledgeRequest | None = None
    if not errors:
        try:
            data = AcknowledgeRequest(**fields)
        except ValidationError as exc:  # the API's own rules, should the form checks miss one
            errors["response"] = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
    if data is None:
        return await _show(request, ui, session, proposal_id, errors=errors, form=form)
    await service.acknowledge(session, ui.principal, proposal_id, data)
    return await _after(request, ui, session, proposal_id, _DONE[data.response])


@router.post("/proposals/{proposal_id}/withdraw")
async def withdraw(request: Request, proposal_id: uuid.UUID, ui: UiDep, session: WriteSessionDep) -> Response:
    """The proposing team (or an admin) withdraws the proposal, with an optional reason."""
    _require_write(ui)
    form = await _form(request)
    reason = form.get("reason") or None
    if reason and len(reason) > 5000:
        errors = {"withdraw_reason": "Keep the reason under 5,000 characters."}
        return await _show(request, ui, session, proposal_id, errors=errors, form=form)
    await service.withdraw(session, ui.principal, proposal_id, reason)
    return await _after(request, ui, session, proposal_id, "The proposal was withdrawn.")


@router.post("/proposals/{proposal_id}/force-approve")
async def force_approve(
    request: Request, proposal_id: uuid.UUID, ui: UiDep, session: WriteSessionDep
) -> Response:
    """An admin approves without every answer; the service audits the reason."""
    _require_write(ui)
    form = await _form(request)
    reason = form.get("force_reason", "")
    mistake = None
    if not reason:
        mistake = "Say why the proposal is approved without every answer; the reason is audited."
    elif len(reason) > 5000:
        mistake = "Keep the reason under 5,000 characters."
    if mistake:
        return await _show(request, ui, session, proposal_id, errors={"force_reason": mistake}, form=form)
    await service.force_approve(session, ui.principal, proposal_id, reason)
    return await _after(request, ui, session, proposal_id, "The proposal was force-approved.")
