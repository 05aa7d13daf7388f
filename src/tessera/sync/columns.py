"""Asset column lineage and definitions from a project's lineage, and "definition changed" notices.

The sync stores on each asset what its output columns are computed from (upstream asset id, column) and a
fingerprint of each column's SQL expression. The first is what propagation follows when a breaking change
of an upstream column is gated; the second tells a changed computation apart from an unchanged one: when
it changes while the column's type does not, the readers of that column get a notice (no answer needed).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.core.gating import Scope
from tessera.db.models import Asset, Registration
from tessera.impact.gating import scope_of
from tessera.ingest.lineage import NodeLineage, ProjectLineage
from tessera.notifications.payloads import DefinitionChanged, EventData
from tessera.outbox import payloads
from tessera.outbox.service import emit_many
from tessera.sync import repository
from tessera.sync.schemas import DefinitionChange


def stored_lineage(
    node: NodeLineage, assets: dict[str, Asset], ids: dict[str, str] | None = None
) -> dict[str, Any]:
    """``output column -> [[upstream asset id, column], ...]`` for the upstream nodes that are assets.

    ``ids`` remembers each asset's id as text across calls: one string per asset, not one per mention.
    """
    known = {} if ids is None else ids
    out: dict[str, Any] = {}
    for column, sources in node.derives.items():
        pairs = set()
        for source in sources:
            text = known.get(source.node)
            if text is None:
                if source.node not in assets:
                    continue
                text = known[source.node] = str(assets[source.node].id)
            pairs.add((text, source.column.lower()))
        if pairs:
            out[column.lower()] = [list(p) for p in sorted(pairs)]
    return out


def store_columns(
    lineage: ProjectLineage | None, assets: dict[str, Asset], only: Collection[str]
) -> dict[str, list[str]]:
    """Set the column lineage and definitions of the ``only`` nodes' assets where they changed.

    Returns the columns redefined, by node. Lineage may point at any asset of ``assets``.
    Assets the analysis does not cover keep what they had (nothing is learned, nothing is forgotten).
    A first definition is not a change.
    """
    redefined: dict[str, list[str]] = {}
    if lineage is None:
        return redefined
    ids: dict[str, str] = {}
    for uid in only:
        asset, node = assets[uid], lineage.nodes.get(uid)
        if node is None:
            continue
        wanted = stored_lineage(node, assets, ids)
        if (asset.column_lineage or {}) != wanted:
            asset.column_lineage = wanted
        definitions = {c.lower(): fp for c, fp in node.definitions.items()}
        before = asset.column_definitions or {}
        if before != definitions:
            changed = sorted(c for c, fp in definitions.items() if c in before and before[c] != fp)
            if changed:
                redefined[uid] = changed
            asset.column_definitions = definitions
    return redefined


def _reads_any(reg: Registration, columns: set[str]) -> bool:
    scope = scope_of(reg)
    return scope.scope is Scope.ALL or bool(scope.columns & columns)


async def notify_redefined(
    session: AsyncSession,
    assets: dict[str, Asset],
    redefined: dict[str, list[str]],
    retyped: dict[str, set[str]],
) -> list[DefinitionChange]:
    """A notice per asset whose columns were redefined, to the teams reading them; none for retyped ones.

    ``retyped`` are the columns a contract change already reports (the gate covers them).
    """
    notices: dict[str, list[str]] = {}
    for uid, cols in redefined.items():
        left = [c for c in cols if c not in retyped.get(uid, set())]
        if left:
            notices[uid] = left
    if not notices:
        return []
    await session.flush()
    regs = await repository.registrations(session, [assets[uid].id for uid in notices])
    readers: dict[str, list[uuid.UUID]] = {}
    for uid, cols in notices.items():
        asset = assets[uid]
        teams = [
            r.consumer_team_id
            for r in regs.get(asset.id, [])
            if r.consumer_team_id != asset.owner_team_id and _reads_any(r, set(cols))
        ]
        readers[uid] = sorted(set(teams), key=str)
    refs = await payloads.team_refs(
        session, [t for ts in readers.values() for t in ts] + [assets[u].owner_team_id for u in notices]
    )
    events: list[EventData] = []
    out: list[DefinitionChange] = []
    for uid, cols in sorted(notices.items()):
        asset = assets[uid]
        team_refs = [refs[t] for t in readers[uid]]
        out.append(
            DefinitionChange(
                node=uid, fqn=asset.fqn, asset_id=asset.id, columns=cols, teams=[t.name for t in team_refs]
            )
        )
        events.append(
            DefinitionChanged(
                asset=payloads.asset_ref(asset, refs),
                columns=cols,
                consumer_teams=team_refs,
                links=payloads.links(asset),
            )
        )
    await emit_many(session, events)
    return out
