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


class _Shared:
    """One string object per asset id and per column name for every asset of one store.

    The stored lineage of 5,000 models names a few upstream ids and columns hundreds of thousands of
    times, and those values stay on the assets until the sync's response is sent: a fresh ``str`` per
    mention cost tens of MB there (docs/benchmarks.md, issue 17).
    """

    __slots__ = ("_assets", "_ids", "_names", "_sources")

    def __init__(self, assets: dict[str, Asset]) -> None:
        self._assets = assets
        self._ids: dict[str, str] = {}
        self._names: dict[str, str] = {}
        self._sources: dict[tuple[tuple[str, str], ...], list[list[str]]] = {}

    def sources(self, pairs: list[tuple[str, str]]) -> list[list[str]]:
        """The stored form of these sorted ``(asset id, column)`` pairs: one list for equal pairs.

        Every child that passes a parent's column on derives it from the same upstream column, so many
        columns' lists are equal; shared, they are built once. Stored values are only ever replaced,
        never changed in place, so sharing them between assets is safe.
        """
        key = tuple(pairs)
        out = self._sources.get(key)
        if out is None:
            out = self._sources[key] = [list(p) for p in pairs]
        return out

    def asset_id(self, node: str) -> str:
        out = self._ids.get(node)
        if out is None:
            out = self._ids[node] = str(self._assets[node].id)
        return out

    def column(self, name: str) -> str:
        out = self._names.get(name)
        if out is None:
            lower = name.lower()
            out = self._names[name] = self._names.setdefault(lower, lower)
        return out


def stored_lineage(
    node: NodeLineage, assets: dict[str, Asset], shared: _Shared | None = None
) -> dict[str, Any]:
    """``output column -> [[upstream asset id, column], ...]`` for the upstream nodes that are assets."""
    strings = shared or _Shared(assets)
    out: dict[str, Any] = {}
    for column, sources in node.derives.items():
        pairs = sorted(
            {(strings.asset_id(s.node), strings.column(s.column)) for s in sources if s.node in assets}
        )
        if pairs:
            out[strings.column(column)] = strings.sources(pairs)
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
    shared = _Shared(assets)
    for uid in only:
        asset, node = assets[uid], lineage.nodes.get(uid)
        if node is None:
            continue
        wanted = stored_lineage(node, assets, shared)
        if (asset.column_lineage or {}) != wanted:
            asset.column_lineage = wanted
        definitions = {shared.column(c): fp for c, fp in node.definitions.items()}
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
