"""Guarantee states: every recorded run (posted by hand or read from dbt / Great Expectations) moves them.

For each guarantee a run checked, the state keeps its latest status, since when it has had it and its
last statuses; a change between holding and broken emits ``guarantee.failed`` / ``guarantee.recovered``
to the asset's owner and consumer teams (through the outbox, so nothing is sent if the request rolls
back). A run older than the state's latest one (uploaded late) is kept in the history only.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.core.guarantee_health import Transition, transition, with_recent
from tessera.db.models import Asset
from tessera.enums import GuaranteeStatus
from tessera.notifications.payloads import (
    EventData,
    GuaranteeCheck,
    GuaranteeFailed,
    GuaranteeRecovered,
    QualityRunRef,
)
from tessera.outbox import payloads
from tessera.outbox.service import emit_many
from tessera.quality import repository
from tessera.quality.schemas import GuaranteeResult
from tessera.registrations import repository as registrations_repo


@dataclass(slots=True)
class RunToApply:
    """A recorded run of one asset and its per-guarantee results (one per guarantee key)."""

    asset: Asset
    run_id: uuid.UUID
    run_at: datetime
    source: str
    invocation_id: str | None
    results: Sequence[GuaranteeResult]


@dataclass(slots=True)
class Moved:
    """The state changes a batch of runs caused."""

    failed: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Change:
    run: RunToApply
    check: GuaranteeCheck
    kind: Transition


async def apply_runs(session: AsyncSession, runs: Sequence[RunToApply]) -> Moved:
    """Move the guarantee states of the runs' assets and emit an event per change of state."""
    states = await repository.state_rows(session, [r.asset.id for r in runs])
    new_rows: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    changes: list[_Change] = []
    for run in runs:
        for result in run.results:
            state = states.get((run.asset.id, result.guarantee))
            previous = GuaranteeStatus(state.status) if state is not None else None
            if state is None:
                new_rows.append(_new_state(run, result))
                since = run.run_at
            elif run.run_at < state.last_run_at or result.status is GuaranteeStatus.SKIPPED:
                continue
            else:
                since = state.since if previous is result.status else run.run_at
                updates.append(_updated(state, run, result, since))
            kind = transition(previous, result.status)
            if kind is not None:
                check = GuaranteeCheck(
                    key=result.guarantee,
                    status=result.status,
                    previous_status=previous,
                    since=since,
                    failing_rows=result.failing_rows,
                    message=result.message,
                )
                changes.append(_Change(run, check, kind))
    await repository.insert_states(session, new_rows)
    await repository.update_states(session, updates)
    await _emit(session, changes)
    moved = Moved()
    for change in changes:
        target = moved.failed if change.kind is Transition.FAILED else moved.recovered
        target.append(f"{change.run.asset.fqn} / {change.check.key}")
    return moved


def _entry(run: RunToApply, status: GuaranteeStatus) -> list[str]:
    return [status.value, run.run_at.isoformat()]


def _new_state(run: RunToApply, result: GuaranteeResult) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "asset_id": run.asset.id,
        "guarantee": result.guarantee,
        "status": result.status,
        "since": run.run_at,
        "last_run_at": run.run_at,
        "last_run_id": run.run_id,
        "source": run.source,
        "failing_rows": result.failing_rows,
        "message": result.message,
        "recent": with_recent([], _entry(run, result.status), result.status),
    }


def _updated(state: Any, run: RunToApply, result: GuaranteeResult, since: datetime) -> dict[str, Any]:
    return {
        "b_id": state.id,
        "status": result.status,
        "since": since,
        "last_run_at": run.run_at,
        "last_run_id": run.run_id,
        "source": run.source,
        "failing_rows": result.failing_rows,
        "message": result.message,
        "recent": with_recent(list(state.recent or []), _entry(run, result.status), result.status),
    }


async def _emit(session: AsyncSession, changes: Sequence[_Change]) -> None:
    if not changes:
        return
    asset_ids = {c.run.asset.id for c in changes}
    registrations = await registrations_repo.for_assets(session, asset_ids)
    consumers = {
        a: list(dict.fromkeys(r.consumer_team_id for r in regs)) for a, regs in registrations.items()
    }
    owners = {c.run.asset.owner_team_id for c in changes}
    refs = await payloads.team_refs(session, owners.union(*consumers.values()))
    events: list[EventData] = []
    for change in changes:
        asset = change.run.asset
        model = GuaranteeFailed if change.kind is Transition.FAILED else GuaranteeRecovered
        events.append(
            model(
                asset=payloads.asset_ref(asset, refs),
                guarantee=change.check,
                run=QualityRunRef(
                    id=change.run.run_id,
                    source=change.run.source,
                    invocation_id=change.run.invocation_id,
                    run_at=change.run.run_at,
                ),
                consumer_teams=[refs[t] for t in consumers.get(asset.id, [])],
                links=payloads.links(asset),
            )
        )
    await emit_many(session, events)
