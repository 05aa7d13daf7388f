"""Check a change (``/assets/{id}/check``): a schema editor with a live verdict, publish, import from dbt.

The verdict comes from the impact service (the one behind ``POST /api/v1/assets/{id}/impact``) and the
publish from the one publishing service (behind ``POST /api/v1/assets/{id}/contracts``), so the page can
neither disagree with the API nor do more than it. The editor itself (table <-> JSON) is
``static/editor.js``; every region updated in place is a block of ``editor/check.html``.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, date, datetime, time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData, UploadFile

from tessera.assets.service import require_asset
from tessera.contracts import repository as contracts_repo
from tessera.contracts import service as contracts_service
from tessera.contracts.publishing import PublishCommand, publish
from tessera.contracts.schemas import ContractPublish
from tessera.db.models import Asset
from tessera.deps import ReadSessionDep, SettingsDep, WriteSessionDep
from tessera.enums import ProposalSource, Scope
from tessera.errors import BadRequest, Forbidden, PayloadTooLarge, TesseraError, ValidationFailed
from tessera.impact import service as impact_service
from tessera.ingest.dbt import InvalidManifestError, parse_manifest
from tessera.proposals import repository as proposals_repo
from tessera.request_guard import size_text
from tessera.teams import repository as teams_repo
from tessera.ui.deps import UiContext, UiDep
from tessera.ui.editor import (
    EMPTY_SCHEMA,
    MAX_DRAFT_CHARS,
    InvalidDraft,
    dbt_models,
    draft_error,
    model_schema,
    parse_draft,
    pick_model,
    pretty,
    verdict,
)
from tessera.ui.render import is_htmx, render

router = APIRouter(include_in_schema=False)

TEMPLATE = "editor/check.html"
STARTS = ("current", "dbt")
# Field types the editor offers; a column whose schema is anything else is shown as "custom" and kept.
TYPES = ("string", "integer", "number", "boolean", "date", "date-time", "time", "array", "object")


# A posted form holds the draft URL-encoded (a JSON schema grows by about half); refused before reading.
MAX_FORM_BYTES = 4 * MAX_DRAFT_CHARS


def _text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return (value.strip() or None) if isinstance(value, str) else None


async def _draft_form(request: Request) -> tuple[FormData, str | None]:
    """The posted form and its ``schema`` text; a body larger than a draft can be is refused unread."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_FORM_BYTES:
        raise PayloadTooLarge(f"The form is larger than {MAX_FORM_BYTES // 1_000_000} MB.")
    form = await request.form()
    text = form.get("schema")
    return form, text if isinstance(text, str) else None


async def synced_schema(session: AsyncSession, asset: Asset) -> tuple[dict[str, Any], str]:
    """The columns of the asset's dbt model as last synced, and where they come from.

    A sync that found a breaking change left them in the open proposal it opened; otherwise they are the
    active contract. An asset that no dbt sync created has none (422, with what to do instead).
    """
    if not asset.dbt_unique_id:
        raise ValidationFailed(
            f"'{asset.fqn}' did not come from a dbt sync; upload or paste a manifest to import a model.",
            code="not_from_dbt",
        )
    proposal = await proposals_repo.open_for_asset(session, asset.id)
    if proposal is not None and proposal.source is ProposalSource.SYNC and proposal.schema_def is not None:
        return dict(proposal.schema_def), f"the open proposal of the last dbt sync ({asset.dbt_unique_id})"
    active = await contracts_repo.active_for(session, asset.id)
    if active is None:
        raise ValidationFailed(f"'{asset.fqn}' has no synced contract yet.", code="not_from_dbt")
    return dict(active.schema_def), f"dbt model {asset.dbt_unique_id}, as synced in version {active.version}"


async def _page(
    request: Request,
    session: AsyncSession,
    ui: UiContext,
    asset: Asset,
    *,
    draft: str | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    """The whole page; ``draft`` (the posted text) replaces the active contract in the editor."""
    active = await contracts_repo.active_for(session, asset.id)
    owner = await teams_repo.get(session, asset.owner_team_id)
    proposal = await proposals_repo.open_for_asset(session, asset.id)
    if draft is None:
        draft = pretty(active.schema_def if active else EMPTY_SCHEMA)
    context = {
        "ui": ui,
        "asset": asset,
        "owner_name": owner.name if owner else str(asset.owner_team_id),
        "active": active,
        "open_proposal": proposal,
        "draft": draft,
        "types": TYPES,
        "can_publish": ui.can_write and ui.principal.acts_for(asset.owner_team_id),
        "started_from": None,
        "verdict": None,
        "problem": None,
        "outcome": None,
        "dbt": None,
        **extra,
    }
    return render(request, TEMPLATE, context, status_code=status_code)


def _block(
    request: Request, ui: UiContext, asset: Asset, block: str, *, status_code: int = 200, **values: Any
) -> Response:
    """One region of the page for htmx (the same template's block, with the same names defined)."""
    context = {"ui": ui, "asset": asset, "verdict": None, "problem": None, "outcome": None, "dbt": None}
    context.update(values)
    return render(request, TEMPLATE, context, status_code=status_code, block=block)


@router.get("/assets/{asset_id}/check")
async def check_page(
    request: Request, asset_id: uuid.UUID, ui: UiDep, session: ReadSessionDep, start: str = "current"
) -> Response:
    """The editor on the asset's current contract (``?start=dbt``: on its dbt model as last synced)."""
    if start not in STARTS:
        raise ValidationFailed(f"start must be one of: {', '.join(STARTS)}.", code="invalid_start")
    asset = await require_asset(session, asset_id)
    if start == "dbt":
        schema, origin = await synced_schema(session, asset)
        return await _page(request, session, ui, asset, draft=pretty(schema), started_from=origin)
    return await _page(request, session, ui, asset)


@router.post("/assets/{asset_id}/check/verdict")
async def check_verdict(
    request: Request, asset_id: uuid.UUID, ui: UiDep, session: ReadSessionDep, settings: SettingsDep
) -> Response:
    """The verdict on the posted draft under the asset's modes (read-only, like the impact endpoint)."""
    asset = await require_asset(session, asset_id)
    _, draft = await _draft_form(request)
    context: dict[str, Any] = {}
    status_code = 200
    try:
        schema = parse_draft(draft)
        result = await impact_service.analyse(
            session, asset, schema, None, max_depth=settings.lineage_max_depth
        )
        context["verdict"] = verdict(result)
    except TesseraError as exc:
        problem = draft_error(exc)
        if problem is None:
            raise
        context["problem"], status_code = problem, problem.status_code
    if is_htmx(request):
        return _block(request, ui, asset, "verdict", status_code=status_code, **context)
    return await _page(request, session, ui, asset, draft=draft, status_code=status_code, **context)


def _deadline(value: str | None) -> datetime | None:
    """A proposal deadline from a date field: the end of that day, UTC."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(
            f"The deadline {value!r} is not a date (YYYY-MM-DD).", code="invalid_expiry"
        ) from None
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


def _publish_request(schema: dict[str, Any], form: FormData) -> ContractPublish:
    """The form as the API's publish body, checked by the same model (lengths, types)."""
    try:
        return ContractPublish.model_validate(
            {
                "schema": schema,
                "version": _text(form, "version"),
                "reason": _text(form, "reason"),
                "expires_at": _deadline(_text(form, "deadline")),
            }
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValidationFailed(f"{where}: {first['msg']}", code="validation_error") from None


@router.post("/assets/{asset_id}/check/publish")
async def check_publish(
    request: Request, asset_id: uuid.UUID, ui: UiDep, session: WriteSessionDep
) -> Response:
    """Publish the draft (compatible) or open its proposal (breaking) through the publishing service."""
    if not ui.principal.has_scope(Scope.WRITE):
        raise Forbidden("Publishing needs an API key with the 'write' scope.", code="insufficient_scope")
    asset = await require_asset(session, asset_id)
    form, draft = await _draft_form(request)
    before = await contracts_repo.active_for(session, asset.id)
    try:
        data = _publish_request(parse_draft(draft), form)
        out = await publish(
            session,
            ui.principal,
            asset.id,
            PublishCommand(
                schema=data.schema_, version=data.version, reason=data.reason, expires_at=data.expires_at
            ),
        )
    except TesseraError as exc:
        # A refused draft is shown beside the editor, at its line; anything else (not the owner, a taken
        # version, ...) is the usual error banner. The draft is refused before anything is written.
        problem = draft_error(exc)
        if problem is None:
            raise
        refused = {"problem": problem}
        if is_htmx(request):
            return _block(request, ui, asset, "outcome", status_code=problem.status_code, outcome=refused)
        return await _page(
            request, session, ui, asset, draft=draft, outcome=refused, status_code=problem.status_code
        )
    result = await contracts_service.to_result(session, out)
    replaced = before is not None and result.contract is not None and result.contract.id != before.id
    outcome = {"result": result, "previous": before.version if replaced and before else None, "problem": None}
    if is_htmx(request):
        response = _block(request, ui, asset, "outcome", outcome=outcome)
        response.headers["HX-Trigger"] = "contract-changed"
        return response
    return await _page(request, session, ui, asset, draft=draft, outcome=outcome)


async def _manifest_bytes(form: FormData, max_bytes: int) -> bytes:
    upload = form.get("manifest")
    if isinstance(upload, UploadFile) and upload.filename:
        if upload.size is not None and upload.size > max_bytes:
            raise PayloadTooLarge(f"The manifest is larger than the limit of {size_text(max_bytes)}.")
        raw = await upload.read()
        if raw:
            return raw
    pasted = form.get("manifest_text")
    if isinstance(pasted, str) and pasted.strip():
        return pasted.encode()
    raise BadRequest("Choose a dbt manifest.json file or paste its content.", code="manifest_missing")


@router.post("/assets/{asset_id}/check/dbt")
async def check_dbt(
    request: Request, asset_id: uuid.UUID, ui: UiDep, session: ReadSessionDep, settings: SettingsDep
) -> Response:
    """Read an uploaded or pasted manifest: list its models, or load the chosen one's columns as the draft."""
    asset = await require_asset(session, asset_id)
    form = await request.form(max_part_size=settings.max_upload_bytes)
    dbt: dict[str, Any] = {"error": None, "models": [], "selected": None, "schema": None}
    status_code = 200
    try:
        # Parsing a large manifest takes a while: in a thread, so the server keeps answering.
        project = await asyncio.to_thread(
            parse_manifest, await _manifest_bytes(form, settings.max_upload_bytes)
        )
        models = dbt_models(project)
        if not models:
            raise InvalidManifestError("no_models", "the manifest has no models, seeds, snapshots or sources")
        wanted = _text(form, "model")
        dbt["models"] = models
        dbt["selected"] = pick_model(models, wanted, asset.fqn, asset.dbt_unique_id)
        if wanted is not None and form.get("action") == "use":
            dbt["schema"] = model_schema(project, wanted)
            dbt["selected"] = wanted
            # Not Jinja's tojson: it sorts keys, and the column order is part of the draft.
            dbt["schema_json"] = json.dumps(dbt["schema"], ensure_ascii=False)
    except TesseraError as exc:
        dbt["error"], status_code = exc, exc.status_code
    if is_htmx(request):
        return _block(request, ui, asset, "dbt", status_code=status_code, dbt=dbt)
    if dbt["schema"] is None:
        return await _page(request, session, ui, asset, dbt=dbt, status_code=status_code)
    origin = f"dbt model {dbt['selected']} of the uploaded manifest"
    return await _page(request, session, ui, asset, draft=pretty(dbt["schema"]), started_from=origin, dbt=dbt)


__all__ = ["InvalidDraft", "router", "synced_schema"]
