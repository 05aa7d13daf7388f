"""POST /assets/{id}/impact."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from tessera.assets.service import require_asset
from tessera.deps import ReadPrincipal, ReadSessionDep, SettingsDep
from tessera.impact import service
from tessera.impact.schemas import ImpactRequest, ImpactResult

router = APIRouter(prefix="/assets", tags=["impact"])


@router.post("/{asset_id}/impact", response_model=ImpactResult)
async def check_impact(
    asset_id: uuid.UUID,
    data: ImpactRequest,
    session: ReadSessionDep,
    _: ReadPrincipal,
    settings: SettingsDep,
) -> ImpactResult:
    """What publishing this schema would break and for whom; nothing is written (read scope is enough)."""
    asset = await require_asset(session, asset_id)
    depth = data.max_depth or settings.lineage_max_depth
    return await service.analyse(session, asset, data.schema_, data.guarantees, max_depth=depth)
