"""HTTP routes for write-audit-publish runs."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Response, status

from tessera.assets.service import require_asset
from tessera.deps import PageDep, ReadPrincipal, ReadSessionDep, WritePrincipal, WriteSessionDep
from tessera.enums import QualityStatus
from tessera.quality import repository, service
from tessera.quality.schemas import QualityRunCreate, QualityRunRead, QualityTrends
from tessera.schemas import ListPage, page_response

router = APIRouter(prefix="/assets", tags=["data quality"])


@router.post("/{asset_id}/audit", response_model=QualityRunRead, status_code=status.HTTP_201_CREATED)
async def record_run(
    asset_id: uuid.UUID, data: QualityRunCreate, session: WriteSessionDep, principal: WritePrincipal
) -> QualityRunRead:
    """Record a data-quality run (status and per-guarantee results)."""
    return QualityRunRead.model_validate(await service.record_run(session, principal, asset_id, data))


@router.get("/{asset_id}/audit-history", response_model=ListPage[QualityRunRead])
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
        session, asset_id, status=status.value if status else None, limit=page.limit, offset=page.offset
    )
    return page_response(QualityRunRead, rows, total, page)


@router.get("/{asset_id}/audit-trends", response_model=QualityTrends)
async def audit_trends(
    asset_id: uuid.UUID,
    session: ReadSessionDep,
    _: ReadPrincipal,
    days: int = Query(default=30, ge=1, le=365),
) -> QualityTrends:
    """Pass rate per day over the last ``days`` days."""
    return await service.trends(session, asset_id, days)
