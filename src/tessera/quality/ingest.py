"""Recording the results of dbt, dbt source freshness and Great Expectations as data-quality runs.

One run per asset and tool invocation: an upload of the same invocation again records nothing new.
Every asset touched must be owned by the caller's team (or the caller is an admin), or nothing is
recorded. Results for relations Tessera does not know come back as unmatched, never dropped silently;
when none of the relations is known (another project, the wrong environment, a project never synced)
the upload is refused (404 ``no_known_assets``) so that the mistake is seen, in CI too.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.audit.service import record_many
from tessera.auth.principal import Principal
from tessera.core.guarantee_health import BROKEN, HOLDING, run_status, worst
from tessera.db.base import utcnow
from tessera.enums import GuaranteeStatus
from tessera.errors import Conflict, Forbidden, NotFound
from tessera.ingest.results import ArtifactResults, CheckResult
from tessera.quality import repository
from tessera.quality.schemas import GuaranteeResult, RecordedAsset, ResultsIngest, UnmatchedResult
from tessera.quality.states import RunToApply, apply_runs

TRIGGERED_BY = {
    "dbt": "dbt",
    "dbt_freshness": "dbt source freshness",
    "great_expectations": "great_expectations",
}


def merge(checks: Sequence[CheckResult]) -> list[GuaranteeResult]:
    """One result per guarantee key: the worst status, the failing rows added up, ordered by key.

    The checks come from an adapter that already validated them: the models are built without
    validating again (20,000 results per upload).
    """
    by_key: dict[str, list[CheckResult]] = defaultdict(list)
    for check in checks:
        by_key[check.guarantee].append(check)
    out: list[GuaranteeResult] = []
    for key in sorted(by_key):
        group = by_key[key]
        if len(group) == 1:
            first, status, rows, seconds = group[0], group[0].status, group[0].failing_rows, group[0].seconds
        else:
            status = worst(c.status for c in group)
            first = next(c for c in group if c.status is status)
            counted = [c.failing_rows for c in group if c.failing_rows is not None]
            rows = sum(counted) if counted else None
            seconds = sum(c.seconds or 0.0 for c in group) if any(c.seconds for c in group) else None
        out.append(
            GuaranteeResult.model_construct(
                guarantee=key,
                status=status,
                message=first.message,
                failing_rows=rows,
                check=first.check[:500],
                seconds=seconds,
                age_seconds=first.age_seconds,
            )
        )
    return out


async def ingest(
    session: AsyncSession, principal: Principal, artifact: ArtifactResults, environment: str
) -> ResultsIngest:
    """Record the artifact's checks as one run per known asset (see the module docstring)."""
    fqns = sorted(artifact.by_relation)
    assets = await repository.assets_by_fqn(session, fqns, environment)
    unmatched = [
        UnmatchedResult(check=u.check, relation=u.relation, reason=u.reason) for u in artifact.unmatched
    ]
    for fqn in fqns:
        if fqn not in assets:
            reason = f"no asset '{fqn}' in environment '{environment}'"
            unmatched.extend(
                UnmatchedResult(check=c.check, relation=fqn, reason=reason) for c in artifact.by_relation[fqn]
            )
    known = [assets[f] for f in fqns if f in assets]
    if fqns and not known:
        shown = ", ".join(fqns[:3]) + (f" and {len(fqns) - 3} more" if len(fqns) > 3 else "")
        raise NotFound(
            f"None of the relations these results check is an asset in environment '{environment}' "
            f"({shown}): sync the project first (tessera dbt sync), or check the environment and the "
            "asset named; nothing was recorded.",
            code="no_known_assets",
            details={"relations": fqns[:50], "environment": environment},
        )
    foreign = sorted(a.fqn for a in known if not principal.acts_for(a.owner_team_id))
    if foreign:
        raise Forbidden(
            f"Only the owner teams (or an admin) may record results of {', '.join(foreign[:5])}"
            + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
            + "; nothing was recorded.",
            code="not_asset_owner",
        )
    done = await repository.recorded_invocation(
        session, [a.id for a in known], artifact.source, artifact.invocation_id
    )
    run_at = artifact.run_at or utcnow()
    rows: list[dict[str, Any]] = []
    runs: list[RunToApply] = []
    recorded: list[RecordedAsset] = []
    for asset in known:
        results = merge(artifact.by_relation[asset.fqn])
        status = run_status(r.status for r in results)
        recorded.append(
            RecordedAsset(
                asset_id=asset.id,
                fqn=asset.fqn,
                status=status,
                checks=len(results),
                duplicate=asset.id in done,
            )
        )
        if asset.id in done:
            continue
        run_id = uuid.uuid4()
        rows.append(_run_row(run_id, asset.id, artifact, results, run_at, principal.team_id))
        runs.append(RunToApply(asset, run_id, run_at, artifact.source, artifact.invocation_id, results))
    try:
        await repository.insert_runs(session, rows)
    except IntegrityError:
        raise Conflict(
            f"Invocation {artifact.invocation_id} is being recorded by another request; retry.",
            code="invocation_in_progress",
        ) from None
    moved = await apply_runs(session, runs)
    await record_many(
        session,
        principal,
        [
            (
                "quality_run.recorded",
                "asset",
                run.asset.id,
                {"source": artifact.source, "run_id": artifact.invocation_id, "checks": len(run.results)},
            )
            for run in runs
        ],
    )
    return ResultsIngest(
        source=artifact.source,
        invocation_id=artifact.invocation_id,
        checks=sum(len(artifact.by_relation[a.fqn]) for a in known),
        recorded=recorded,
        unmatched=unmatched,
        failed=moved.failed,
        recovered=moved.recovered,
    )


def _run_row(
    run_id: uuid.UUID,
    asset_id: uuid.UUID,
    artifact: ArtifactResults,
    results: Sequence[GuaranteeResult],
    run_at: Any,
    team_id: uuid.UUID | None,
) -> dict[str, Any]:
    statuses = [r.status for r in results]
    return {
        "id": run_id,
        "asset_id": asset_id,
        "status": run_status(statuses),
        "run_id": artifact.invocation_id,
        "triggered_by": TRIGGERED_BY.get(artifact.source, artifact.source),
        "source": artifact.source,
        "results": [_result_json(r) for r in results],
        "guarantees_checked": sum(1 for s in statuses if s is not GuaranteeStatus.SKIPPED),
        "guarantees_passed": sum(1 for s in statuses if s in HOLDING),
        "guarantees_failed": sum(1 for s in statuses if s in BROKEN),
        "run_at": run_at,
        "recorded_by_team_id": team_id,
    }


def _result_json(result: GuaranteeResult) -> dict[str, Any]:
    """A result as stored in the run (``None`` fields left out), without a pydantic round trip."""
    out: dict[str, Any] = {"guarantee": result.guarantee, "status": result.status.value}
    for name in ("message", "failing_rows", "check", "seconds", "age_seconds"):
        value = getattr(result, name)
        if value is not None:
            out[name] = value
    return out
