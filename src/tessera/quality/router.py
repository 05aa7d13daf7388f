"""HTTP routes for data quality: runs posted by hand, results uploaded from dbt and Great Expectations."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

from fastapi import APIRouter, Query, Request, Response, status
from starlette.datastructures import UploadFile

from tessera.assets.service import require_asset
from tessera.deps import (
    PageDep,
    ReadPrincipal,
    ReadSessionDep,
    SettingsDep,
    WritePrincipal,
    WriteSessionDep,
)
from tessera.enums import QualityStatus
from tessera.errors import BadRequest, PayloadTooLarge
from tessera.ingest.results import (
    ArtifactResults,
    parse_run_results,
    parse_sources,
    parse_validation_result,
)
from tessera.perf import await_without_cyclic_gc, paused_gc
from tessera.quality import ingest, repository, service
from tessera.quality.schemas import (
    AssetGuarantees,
    QualityRunCreate,
    QualityRunRead,
    QualityTrends,
    ResultsIngest,
)
from tessera.request_guard import size_text
from tessera.schemas import ListPage, page_response

router = APIRouter(tags=["data quality"])


def _files_doc(*names: str) -> dict[str, object]:
    properties = {name: {"type": "string", "format": "binary"} for name in names}
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {"type": "object", "required": list(names), "properties": properties}
                }
            },
        }
    }


@router.post("/assets/{asset_id}/audit", response_model=QualityRunRead, status_code=status.HTTP_201_CREATED)
async def record_run(
    asset_id: uuid.UUID, data: QualityRunCreate, session: WriteSessionDep, principal: WritePrincipal
) -> QualityRunRead:
    """Record a data-quality run (status and per-guarantee results)."""
    return QualityRunRead.model_validate(await service.record_run(session, principal, asset_id, data))


@router.get("/assets/{asset_id}/audit-history", response_model=ListPage[QualityRunRead])
async def audit_history(
    asset_id: uuid.UUID,
    session: ReadSessionDep,
    _: ReadPrincipal,
    page: PageDep,
    status: QualityStatus | None = None,
) -> Response:
    """Runs of an asset, newest first."""
    await require_asset(session, asset_id)
    rows, total = await repository.list_runs(
        session,
        asset_id,
        status=status.value if status else None,
        limit=page.limit,
        offset=page.offset,
        cursor=page.cursor,
    )
    return page_response(QualityRunRead, rows, total, page)


@router.get("/assets/{asset_id}/audit-trends", response_model=QualityTrends)
async def audit_trends(
    asset_id: uuid.UUID,
    session: ReadSessionDep,
    _: ReadPrincipal,
    days: int = Query(default=30, ge=1, le=365),
) -> QualityTrends:
    """Pass rate per day over the last ``days`` days."""
    return await service.trends(session, asset_id, days)


@router.get("/assets/{asset_id}/guarantees", response_model=AssetGuarantees)
async def asset_guarantees(asset_id: uuid.UUID, session: ReadSessionDep, _: ReadPrincipal) -> AssetGuarantees:
    """Each checked guarantee of the asset: current status, since when, last runs, reliability."""
    return await service.guarantee_health(session, asset_id)


async def _read_files(request: Request, max_bytes: int, *names: str) -> list[bytes]:
    """The named files of a multipart upload (plain or gzip JSON each), at most ``max_bytes`` in all."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise BadRequest(
            f"Upload the artifacts as multipart/form-data files: {', '.join(names)}.", code="artifact_missing"
        )
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise PayloadTooLarge(f"The upload is larger than the limit of {size_text(max_bytes)}.")
    form = await request.form(max_part_size=max_bytes)
    out: list[bytes] = []
    for name in names:
        upload = form.get(name)
        if not isinstance(upload, UploadFile):
            raise BadRequest(f"The '{name}' file is missing from the upload.", code="artifact_missing")
        out.append(await upload.read())
    return out


def _without_gc(work: Callable[[], ArtifactResults]) -> ArtifactResults:
    with paused_gc():  # a 20 MB manifest and 20,000 results are many objects and no garbage
        return work()


async def _parse(work: Callable[[], ArtifactResults]) -> ArtifactResults:
    # Decoding a large manifest is CPU work: keep the event loop answering.
    return await asyncio.to_thread(_without_gc, work)


async def _ingest(
    session: WriteSessionDep,
    principal: WritePrincipal,
    artifact: ArtifactResults,
    environment: str,
    pause: bool,
) -> ResultsIngest:
    # Thousands of runs, states and events: the same trade-off as the dbt sync (SYNC_PAUSE_GC).
    return await await_without_cyclic_gc(
        ingest.ingest(session, principal, artifact, environment), enabled=pause
    )


@router.post(
    "/quality/dbt/run-results",
    response_model=ResultsIngest,
    openapi_extra=_files_doc("run_results", "manifest"),
)
async def dbt_run_results(
    request: Request,
    session: WriteSessionDep,
    principal: WritePrincipal,
    settings: SettingsDep,
    environment: str = "production",
) -> ResultsIngest:
    """Record a ``dbt build`` / ``dbt test`` run_results.json (read against the project's manifest.json)."""
    results, manifest = await _read_files(request, settings.max_upload_bytes, "run_results", "manifest")
    artifact = await _parse(lambda: parse_run_results(results, manifest))
    return await _ingest(session, principal, artifact, environment, settings.sync_pause_gc)


@router.post(
    "/quality/dbt/freshness", response_model=ResultsIngest, openapi_extra=_files_doc("sources", "manifest")
)
async def dbt_freshness(
    request: Request,
    session: WriteSessionDep,
    principal: WritePrincipal,
    settings: SettingsDep,
    environment: str = "production",
) -> ResultsIngest:
    """Record a ``dbt source freshness`` sources.json: the freshness guarantee of each source."""
    sources, manifest = await _read_files(request, settings.max_upload_bytes, "sources", "manifest")
    artifact = await _parse(lambda: parse_sources(sources, manifest))
    return await _ingest(session, principal, artifact, environment, settings.sync_pause_gc)


@router.post(
    "/quality/great-expectations/results",
    response_model=ResultsIngest,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "object", "description": "validation result"}}
            },
        }
    },
)
async def gx_results(
    request: Request,
    session: WriteSessionDep,
    principal: WritePrincipal,
    settings: SettingsDep,
    asset_fqn: str = Query(min_length=1, max_length=500, description="The asset the suite validated"),
    environment: str = "production",
) -> ResultsIngest:
    """Record a Great Expectations validation result (its JSON) as a run of ``asset_fqn``."""
    length, max_bytes = request.headers.get("content-length"), settings.max_upload_bytes
    if length and length.isdigit() and int(length) > max_bytes:
        raise PayloadTooLarge(f"The upload is larger than the limit of {size_text(max_bytes)}.")
    body = await request.body()
    artifact = await _parse(lambda: parse_validation_result(body, asset_fqn))
    return await _ingest(session, principal, artifact, environment, settings.sync_pause_gc)
