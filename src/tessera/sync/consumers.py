"""Consumer registrations derived from a source project: created, refreshed and retired by every sync.

A node (model, snapshot) or an exposure that reads another team's asset makes that team a consumer of
the asset. The column lineage says which columns it reads there; a team's registration carries the union
over all its readers (``derived_columns``), or ``all``/``unknown`` with the reason when some reader could
not be narrowed down. Columns declared by hand (``columns``) are never touched here. A registration this
project derived whose reads are gone is retired (soft-deleted, audited, the team told), unless the team
declared columns by hand or made it through the API: then only its derived part is cleared.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.audit.service import record_many
from tessera.auth.principal import Principal
from tessera.core.gating import Scope, read_scope
from tessera.db.base import utcnow
from tessera.db.bulk import write_staged
from tessera.db.models import Asset, Registration
from tessera.db.models.registrations import CONFIRMED, SUGGESTED
from tessera.ingest.lineage import ProjectLineage
from tessera.ingest.source import SourceProject
from tessera.notifications.payloads import (
    EventData,
    RegistrationCreated,
    RegistrationRef,
    RegistrationRetired,
)
from tessera.outbox import payloads
from tessera.outbox.service import emit_many
from tessera.sync import repository
from tessera.sync.owners import ResolvedOwner

Pair = tuple[uuid.UUID, uuid.UUID]
"""(asset id, consumer team id)"""
TELL_CHUNK = 1000
"""Registrations whose audit events and notifications are built and written together."""


@dataclass(slots=True)
class Reads:
    """What one team reads of one asset, over all its readers in the project."""

    reader: str
    columns: set[str] = field(default_factory=set)
    scope: Scope = Scope.COLUMNS
    reasons: list[str] = field(default_factory=list)

    def widen(self, scope: Scope, reason: str) -> None:
        """Record a reader that could not be narrowed (``all`` wins over ``unknown``)."""
        if scope is Scope.ALL:
            self.scope = Scope.ALL
        elif self.scope is Scope.COLUMNS:
            self.scope = Scope.UNKNOWN
        self.reasons.append(reason)

    def derived(self) -> tuple[list[str], str, str | None]:
        """``(derived_columns, derived_scope, scope_reason)`` as stored."""
        reason = "; ".join(sorted(set(self.reasons))[:5]) or None
        return sorted(self.columns), self.scope.value, reason if self.scope is not Scope.COLUMNS else None


@dataclass(slots=True)
class ConsumerSync:
    """Counts of what the consumer reconciliation did."""

    created: int = 0
    updated: int = 0
    retired: int = 0


def wanted_reads(
    project: SourceProject,
    assets: dict[str, Asset],
    owners: dict[str, ResolvedOwner],
    lineage: ProjectLineage | None,
) -> tuple[dict[Pair, Reads], set[Pair]]:
    """The registrations the project implies, and the pairs read by nodes this sync skipped.

    Skipped readers (another team's nodes) create nothing, but they keep existing registrations alive.
    """
    wanted: dict[Pair, Reads] = {}
    keep: set[Pair] = set()
    readers: list[tuple[str, uuid.UUID, tuple[str, ...], bool]] = [
        (
            uid,
            assets[uid].owner_team_id if uid in assets else owners[uid].team_id,
            node.depends_on,
            uid in assets,
        )
        for uid, node in project.assets.items()
    ]
    readers += [
        (e.unique_id, owners[e.unique_id].team_id, e.depends_on, True)
        for e in project.exposures
        if e.owner is not None
    ]
    for reader, team_id, parents, synced in readers:
        node = lineage.nodes.get(reader) if lineage is not None else None
        for parent in parents:
            target = assets.get(parent)
            if target is None or target.owner_team_id == team_id:
                continue
            pair = (target.id, team_id)
            if not synced:
                keep.add(pair)
                continue
            reads = wanted.setdefault(pair, Reads(reader))
            if lineage is None:
                reads.widen(Scope.UNKNOWN, "column lineage was not analysed")
            elif node is None:
                reads.widen(Scope.UNKNOWN, f"{reader}: no column lineage")
            elif parent not in node.reads:
                reads.widen(Scope.UNKNOWN, f"{reader}: the lineage does not say what it reads of {parent}")
            else:
                cols = node.reads[parent]
                if cols is None:
                    reads.widen(Scope.ALL, f"{reader}: {node.fallback_reason or 'reads every column'}")
                else:
                    # The lineage's string when it is lower case already: a copy per registration added up.
                    reads.columns.update(c if (low := c.lower()) == c else low for c in cols)
    return wanted, keep


async def sync_consumers(
    session: AsyncSession,
    principal: Principal,
    project: SourceProject,
    assets: dict[str, Asset],
    owners: dict[str, ResolvedOwner],
    lineage: ProjectLineage | None,
) -> ConsumerSync:
    """Create, refresh and retire the project's derived registrations, in bulk."""
    out = ConsumerSync()
    wanted, keep = wanted_reads(project, assets, owners, lineage)
    existing = await repository.registration_rows(session, [a.id for a in assets.values()])
    by_pair = {(r["asset_id"], r["consumer_team_id"]): r for r in existing}
    by_id = {a.id: a for a in assets.values()}
    now = utcnow()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    retired: list[dict[str, Any]] = []
    for pair, reads in sorted(wanted.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
        cols, scope, reason = reads.derived()
        row = by_pair.get(pair)
        if row is None:
            inserts.append(
                {
                    "id": uuid.uuid4(),
                    "asset_id": pair[0],
                    "consumer_team_id": pair[1],
                    "columns": [],
                    "derived_columns": cols,
                    "derived_scope": scope,
                    "scope_reason": reason,
                    "derived_by": project.project_name,
                    "source": project.source,
                    # Only the consumer team (or an admin) registers that team: a team's sync suggests.
                    "status": CONFIRMED if principal.acts_for(pair[1]) else SUGGESTED,
                    "purpose": f"{project.source}: read by {reads.reader}",
                    "created_at": now,
                    "updated_at": now,
                }
            )
        elif (row["derived_columns"], row["derived_scope"], row["scope_reason"], row["derived_by"]) != (
            cols,
            scope,
            reason,
            project.project_name,
        ):
            updates.append(_derived(row["id"], cols, scope, reason, project.project_name, now))
    # Only which pairs are wanted matters from here: their column sets (one per registration) can go.
    still_read = set(wanted)
    wanted.clear()
    for pair, row in by_pair.items():
        if pair in still_read or pair in keep:
            continue
        ours = row["derived_by"] == project.project_name or (
            row["derived_by"] is None and row["source"] == project.source
        )
        if not ours:
            continue
        if row["columns"] or row["source"] != project.source:
            # Declared by hand: the team keeps its registration; only what the lineage said goes.
            if row["derived_scope"] is not None or row["derived_columns"]:
                updates.append(_derived(row["id"], [], None, None, None, now))
            continue
        retired.append(row)
    # Bulk statements: a first sync of a big project creates thousands of registrations.
    await repository.insert_rows(session, Registration, inserts)
    await repository.update_registrations(session, updates)
    await repository.retire_registrations(session, [r["id"] for r in retired], now)
    await _tell(session, principal, project, by_id, inserts, retired)
    out.created, out.updated, out.retired = len(inserts), len(updates), len(retired)
    return out


def _derived(
    reg_id: uuid.UUID, cols: list[str], scope: str | None, reason: str | None, by: str | None, now: Any
) -> dict[str, Any]:
    return {
        "id": reg_id,
        "derived_columns": cols,
        "derived_scope": scope,
        "scope_reason": reason,
        "derived_by": by,
        "updated_at": now,
    }


async def _tell(
    session: AsyncSession,
    principal: Principal,
    project: SourceProject,
    by_id: dict[uuid.UUID, Asset],
    created: list[dict[str, Any]],
    retired: list[dict[str, Any]],
) -> None:
    """Audit events and notifications for created and retired registrations.

    Written :data:`TELL_CHUNK` registrations at a time: a first sync of a big project creates thousands
    (9,051 on 5,000 models), and their events built at once, then kept staged until the commit, were the
    peak of the sync's memory.
    """
    if not created and not retired:
        return
    rows = created + retired
    teams = await payloads.team_refs(
        session,
        [*(r["consumer_team_id"] for r in rows), *(by_id[r["asset_id"]].owner_team_id for r in rows)],
    )
    where = f"{project.source} project {project.project_name}"
    why = f"no model or exposure of the team reads it any more ({where})"
    items = [("created", r) for r in created] + [("retired", r) for r in retired]
    for start in range(0, len(items), TELL_CHUNK):
        audits: list[tuple[str, str, object, dict[str, Any]]] = []
        events: list[EventData] = []
        for kind, r in items[start : start + TELL_CHUNK]:
            asset = by_id[r["asset_id"]]
            team_id = r["consumer_team_id"]
            details = {"asset_id": str(asset.id), "team_id": str(team_id), "source": project.source}
            if kind == "created":
                details["status"] = r["status"]
            if kind == "retired":
                details["reason"] = why
            audits.append((f"registration.{kind}", "registration", r["id"], details))
            declared, derived = list(r["columns"] or []), list(r["derived_columns"] or [])
            scope = read_scope(declared, derived, r["derived_scope"], r["scope_reason"]).scope
            ref = RegistrationRef(
                id=r["id"],
                consumer_team=teams[team_id],
                pinned_version=r.get("pinned_version"),
                columns=declared,
                derived_columns=derived,
                column_scope=scope.value,
            )
            common = {
                "asset": payloads.asset_ref(asset, teams),
                "registration": ref,
                "links": payloads.links(asset),
            }
            events.append(
                RegistrationCreated(**common)
                if kind == "created"
                else RegistrationRetired(**common, reason=why)
            )
        await record_many(session, principal, audits)
        await emit_many(session, events)
        await write_staged(session)


async def readers_of(
    session: AsyncSession, asset_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[Registration]]:
    """Live registrations of the assets (after the reconciliation), for definition-change notices."""
    await session.flush()
    return await repository.registrations(session, asset_ids)
