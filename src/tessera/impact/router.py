"""POST /assets/{id}/impact."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from tessera.assets.service import require_asset
from tessera.deps import ReadPrincipal, ReadSessionDep, SettingsDep
from tessera.impact import service
from tessera.impact.schemas import ImpactRequest, ImpactResult
from tessera.schemas import large_model_response

router = APIRouter(prefix="/assets", tags=["impact"])


@router.post("/{asset_id}/impact", response_model=ImpactResult)
async def check_impact(
    asset_id: uuid.UUID,
    data: ImpactRequest,
    session: ReadSessionDep,
    _: ReadPrincipal,
    settings: SettingsDep,
) -> Response:
    """What publishing this schema would break and for whom; nothing is written (read scope is enough)."""
    asset = await require_asset(session, asset_id)
    depth = data.max_depth or settings.lineage_max_depth
    result = await service.analyse(session, asset, data.schema_, data.guarantees, max_depth=depth)
    return await large_model_response(result)
