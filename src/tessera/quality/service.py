"""Recording data-quality runs and summarising their trend."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.assets.service import require_asset, require_owner
from tessera.audit.service import record
from tessera.auth.principal import Principal
from tessera.db.base import utcnow
from tessera.db.models import QualityRun
from tessera.enums import QualityStatus
from tessera.quality import repository
from tessera.quality.schemas import QualityRunCreate, QualityTrends, TrendPoint


async def record_run(
    session: AsyncSession, principal: Principal, asset_id: uuid.UUID, data: QualityRunCreate
) -> QualityRun:
    """Record a run (owner team or admin): the write-audit-publish gate reads the latest one."""
    asset = await require_asset(session, asset_id)
    require_owner(principal, asset, "record data-quality runs of")
    passed = sum(1 for r in data.results if r.status is QualityStatus.PASSED)
    run = QualityRun(
        asset_id=asset.id,
        status=data.status,
        run_id=data.run_id,
        triggered_by=data.triggered_by,
        results=[r.model_dump(mode="json") for r in data.results],
        guarantees_checked=len(data.results),
        guarantees_passed=passed,
        guarantees_failed=len(data.results) - passed,
        run_at=data.run_at or utcnow(),
        recorded_by_team_id=principal.team_id,
    )
    session.add(run)
    await session.flush()
    await record(
        session,
        principal,
        "quality_run.recorded",
        "asset",
        asset.id,
        {"status": data.status.value, "run_id": data.run_id},
    )
    return run


async def trends(session: AsyncSession, asset_id: uuid.UUID, days: int) -> QualityTrends:
    """Pass rate per day over the last ``days`` days."""
    await require_asset(session, asset_id)
    since = utcnow() - timedelta(days=days)
    runs = await repository.runs_since(session, asset_id, since)
    total: Counter[date] = Counter()
    passed: Counter[date] = Counter()
    for run_at, status in runs:
        day = run_at.date()
        total[day] += 1
        passed[day] += status == QualityStatus.PASSED.value
    points = [
        TrendPoint(day=d, runs=total[d], passed=passed[d], pass_rate=round(passed[d] / total[d], 4))
        for d in sorted(total)
    ]
    n = len(runs)
    all_passed = sum(p.passed for p in points)
    return QualityTrends(
        asset_id=asset_id, days=days, runs=n, pass_rate=round(all_passed / n, 4) if n else None, points=points
    )
