"""Who must answer a breaking change of an asset: the gating rule of ``tessera.core.gating`` on stored data.

Every path that asks consumer teams (a publish or sync opening a proposal, the impact endpoint, the dbt
pull-request check) calls :func:`team_impacts`, so they cannot disagree about who is asked.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.assets import repository as assets_repo
from tessera.core.gating import (
    ColumnKey,
    Propagation,
    Reader,
    ReadScope,
    TeamImpact,
    decide,
    propagate,
    read_scope,
    touched,
)
from tessera.db.engine import REQUIRE_ALL_CONSUMERS
from tessera.db.models import Asset, Registration
from tessera.db.models.registrations import SUGGESTED
from tessera.impact import repository
from tessera.impact.graph import walk_downstream

# Column lineage is followed further than the display depth of downstream lists: a team three models
# away still reads what changed.
PROPAGATION_DEPTH = 50


def scope_of(reg: Registration) -> ReadScope:
    """The effective read scope of a registration (declared by hand plus derived by the sync)."""
    return read_scope(reg.columns or [], reg.derived_columns or [], reg.derived_scope, reg.scope_reason)


def is_strict(session: AsyncSession, asset: Asset) -> bool:
    """The asset's own switch, or the global ``REQUIRE_ALL_CONSUMERS`` setting."""
    return bool(asset.require_all_consumers or session.info.get(REQUIRE_ALL_CONSUMERS, False))


def derived_index(lineages: Mapping[uuid.UUID, Mapping[str, Any]]) -> dict[ColumnKey, list[ColumnKey]]:
    """Upstream column -> downstream columns computed from it, from stored asset column lineage."""
    out: dict[ColumnKey, list[ColumnKey]] = {}
    for down, lineage in lineages.items():
        for column, sources in lineage.items():
            for source in sources or ():
                try:
                    up = (uuid.UUID(str(source[0])), str(source[1]))
                except (ValueError, IndexError, TypeError):
                    continue  # a malformed entry narrows nothing; it never widens a decision
                out.setdefault(up, []).append((down, column))
    return out


class GatingContext:
    """What deciding for several assets needs, loaded once: the lineage graph and column lineage."""

    def __init__(self, graph: dict[uuid.UUID, list[uuid.UUID]]) -> None:
        self.graph = graph
        self._lineage: dict[uuid.UUID, tuple[str, dict[str, Any]]] = {}

    @classmethod
    async def load(cls, session: AsyncSession) -> GatingContext:
        """Read the asset lineage graph (one query)."""
        return cls(await assets_repo.lineage_graph(session))

    async def propagation(
        self, session: AsyncSession, asset_id: uuid.UUID, columns: Iterable[str]
    ) -> tuple[Propagation, dict[uuid.UUID, str]]:
        """Downstream columns derived from ``columns`` of the asset, and the FQNs of the assets reached."""
        cols = list(columns)
        if not cols:
            return Propagation(), {}
        downstream = [a for a, _ in walk_downstream(self.graph, asset_id, PROPAGATION_DEPTH)]
        missing = [a for a in downstream if a not in self._lineage]
        if missing:
            self._lineage.update(await repository.column_lineage(session, missing))
        known = {a: self._lineage[a] for a in downstream if a in self._lineage}
        prop = propagate(asset_id, cols, derived_index({a: lin for a, (_, lin) in known.items()}))
        return prop, {a: fqn for a, (fqn, _) in known.items()}


async def team_impacts(
    session: AsyncSession,
    asset: Asset,
    breaking: Sequence[Mapping[str, Any]],
    *,
    context: GatingContext | None = None,
    direct: Sequence[Registration] | None = None,
) -> list[TeamImpact]:
    """Every team concerned by ``breaking`` changes of ``asset``: required or informed, with reasons.

    ``direct`` may pass the asset's registrations when the caller has them already.
    """
    change = touched(breaking)
    if not change.anything:
        return []
    ctx = context or await GatingContext.load(session)
    prop, fqns = await ctx.propagation(session, asset.id, change.columns)
    reached_assets = {a for a, _ in prop.reached}
    regs = list(direct) if direct is not None else await repository.registrations(session, [asset.id])
    if reached_assets:
        regs += await repository.registrations(session, reached_assets)
    readers = [Reader(r.consumer_team_id, r.asset_id, scope_of(r), r.status == SUGGESTED) for r in regs]
    return decide(
        asset.id,
        asset.owner_team_id,
        readers,
        change,
        prop,
        strict=is_strict(session, asset),
        fqns=fqns,
    )
