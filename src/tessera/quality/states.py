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

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.core.guarantee_health import Transition, transition, with_recent
from tessera.db.base import utcnow
from tessera.db.models import Asset
from tessera.enums import GuaranteeStatus
from tessera.errors import Conflict
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
    docs = await repository.state_docs(session, [r.asset.id for r in runs], lock=True)
    new_docs: list[dict[str, Any]] = []
    changed_docs: list[dict[str, Any]] = []
    changes: list[_Change] = []
    now = utcnow()
    for run in runs:
        doc = docs.get(run.asset.id)
        states: dict[str, Any] = dict(doc.states) if doc is not None else {}
        touched = False
        for result in run.results:
            found = states.get(result.guarantee)
            state: dict[str, Any] | None = found if isinstance(found, dict) else None
            previous = GuaranteeStatus(state["status"]) if state is not None else None
            if state is not None and (
                result.status is GuaranteeStatus.SKIPPED
                or datetime.fromisoformat(state["last_run_at"]) > run.run_at
            ):
                continue  # a skipped check says nothing; a run uploaded late is history only
            unchanged = state is not None and previous is result.status
            since = datetime.fromisoformat(state["since"]) if state is not None and unchanged else run.run_at
            states[result.guarantee] = _entry(state, run, result, since)
            touched = True
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
        if not touched:
            continue
        if doc is None:
            new_docs.append(
                {"id": uuid.uuid4(), "asset_id": run.asset.id, "states": states, "updated_at": now}
            )
        else:
            changed_docs.append({"b_id": doc.id, "states": states, "updated_at": now})
    try:
        await repository.save_state_docs(session, new_docs, changed_docs)
    except IntegrityError:
        raise Conflict(
            "Results for the same asset are being recorded by another request; retry.",
            code="quality_results_in_progress",
        ) from None
    await _emit(session, changes)
    moved = Moved()
    for change in changes:
        target = moved.failed if change.kind is Transition.FAILED else moved.recovered
        target.append(f"{change.run.asset.fqn} / {change.check.key}")
    return moved


def _entry(
    state: dict[str, Any] | None, run: RunToApply, result: GuaranteeResult, since: datetime
) -> dict[str, Any]:
    """A guarantee's state after this run (JSON: times as ISO text)."""
    at = run.run_at.isoformat()
    recent = list(state.get("recent") or []) if state is not None else []
    return {
        "status": result.status.value,
        "since": since.isoformat(),
        "last_run_at": at,
        "last_run_id": str(run.run_id),
        "source": run.source,
        "failing_rows": result.failing_rows,
        "message": result.message,
        "recent": with_recent(recent, [result.status.value, at], result.status),
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
