"""Recording data-quality runs and summarising their trend."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.assets.service import require_asset, require_owner
from tessera.audit.service import record
from tessera.auth.principal import Principal
from tessera.core.guarantee_health import BROKEN, HOLDING, Reliability, reliability, worst
from tessera.db.base import utcnow
from tessera.db.models import QualityRun
from tessera.enums import GuaranteeStatus, QualityStatus
from tessera.quality import repository
from tessera.quality.schemas import (
    AssetGuarantees,
    GuaranteeHealthRead,
    GuaranteeResult,
    GuaranteeRun,
    QualityRunCreate,
    QualityTrends,
    TrendPoint,
)
from tessera.quality.states import RunToApply, apply_runs


async def record_run(
    session: AsyncSession, principal: Principal, asset_id: uuid.UUID, data: QualityRunCreate
) -> QualityRun:
    """Record a run (owner team or admin): the write-audit-publish gate reads the latest one."""
    asset = await require_asset(session, asset_id)
    require_owner(principal, asset, "record data-quality runs of")
    passed = sum(1 for r in data.results if r.status in HOLDING)
    failed = sum(1 for r in data.results if r.status in BROKEN)
    run = QualityRun(
        asset_id=asset.id,
        status=data.status,
        run_id=data.run_id,
        triggered_by=data.triggered_by,
        results=[r.model_dump(mode="json") for r in data.results],
        guarantees_checked=sum(1 for r in data.results if r.status is not GuaranteeStatus.SKIPPED),
        guarantees_passed=passed,
        guarantees_failed=failed,
        run_at=data.run_at or utcnow(),
        recorded_by_team_id=principal.team_id,
    )
    session.add(run)
    await session.flush()
    await apply_runs(
        session, [RunToApply(asset, run.id, run.run_at, "manual", data.run_id, merge_manual(data.results))]
    )
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


def merge_manual(results: list[GuaranteeResult]) -> list[GuaranteeResult]:
    """A hand-made run may name a guarantee twice: keep its worst result, once."""
    by_key: dict[str, list[GuaranteeResult]] = {}
    for result in results:
        by_key.setdefault(result.guarantee, []).append(result)
    out = []
    for group in by_key.values():
        status = worst(r.status for r in group)
        out.append(next(r for r in group if r.status is status))
    return out


async def guarantee_health(session: AsyncSession, asset_id: uuid.UUID) -> AssetGuarantees:
    """Every checked guarantee of an asset: status, since when, recent runs, reliability."""
    await require_asset(session, asset_id)
    states = await repository.states_of(session, asset_id)
    return AssetGuarantees(asset_id=asset_id, guarantees=health_list(states))


def health_list(states: dict[str, Any]) -> list[GuaranteeHealthRead]:
    """The read model of an asset's guarantee states, ordered by key."""
    return [health_of(key, states[key]) for key in sorted(states) if isinstance(states[key], dict)]


def _recent(state: dict[str, Any]) -> list[list[str]]:
    return [e for e in state.get("recent") or [] if isinstance(e, list) and e]


def health_of(key: str, state: dict[str, Any]) -> GuaranteeHealthRead:
    """The read model of one guarantee's state."""
    entries = _recent(state)
    judged = reliability([str(e[0]) for e in entries])
    return GuaranteeHealthRead(
        guarantee=key,
        status=state["status"],
        since=state["since"],
        last_run_at=state["last_run_at"],
        source=state.get("source") or "",
        failing_rows=state.get("failing_rows"),
        message=state.get("message"),
        recent=[
            GuaranteeRun(status=str(e[0]), run_at=datetime.fromisoformat(e[1]) if len(e) > 1 else None)
            for e in reversed(entries)
        ],
        unreliable=judged.unreliable,
        reliability=judged.describe(),
    )


async def unreliable_guarantees(
    session: AsyncSession, asset_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[str, Reliability]]]:
    """Guarantees broken in most of their recent runs, by asset (assets without any are left out)."""
    out: dict[uuid.UUID, list[tuple[str, Reliability]]] = {}
    for asset_id, doc in (await repository.state_docs(session, asset_ids)).items():
        for key in sorted(doc.states or {}):
            state = doc.states[key]
            judged = reliability([str(e[0]) for e in _recent(state)]) if isinstance(state, dict) else None
            if judged is not None and judged.unreliable:
                out.setdefault(asset_id, []).append((key, judged))
    return out
