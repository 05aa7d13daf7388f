"""Who must answer a breaking change: the column-level gating rule, on plain values.

A breaking change is a fact about the contract; whether a consumer team must answer it is a separate
decision made here. A team's answer is *required* when its registration reads a column the change
touches (directly, or through a column of a downstream asset derived from it), reads every column, or
has no column information (``unknown``: we never guess that a team is safe). Every other consumer team
of the asset is *informed*: it hears about the change but does not block it. A change that is not
about one column (the table removed, a freshness guarantee) touches every reader. The strict switch
(per asset, or global) requires every consumer team as before.

Nothing here knows about HTTP or the database.
"""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tessera.core.pointer import column_of


class Scope(StrEnum):
    """How much of an asset a registration reads."""

    COLUMNS = "columns"
    """Exactly the listed columns (possibly none: it only counts rows)."""
    ALL = "all"
    """Every column (the analysis fell back, or ``select *`` without a contract)."""
    UNKNOWN = "unknown"
    """No column information at all (e.g. a registration made before columns were tracked)."""


class ReasonKind(StrEnum):
    """Why a team is concerned by a change."""

    DIRECT = "direct"
    VIA = "via"
    ALL_COLUMNS = "all_columns"
    UNKNOWN = "unknown"
    WHOLE_TABLE = "whole_table"
    STRICT = "strict"
    NOT_AFFECTED = "not_affected"
    SUGGESTED = "suggested"


UNKNOWN_REASON = "no column information: declare the columns this team reads"


@dataclass(frozen=True, slots=True)
class ReadScope:
    """The effective read scope of a registration: declared columns plus derived ones."""

    scope: Scope
    columns: frozenset[str]
    reason: str | None = None


def read_scope(
    declared: Iterable[str],
    derived: Iterable[str],
    derived_scope: str | None,
    derived_reason: str | None,
) -> ReadScope:
    """Combine what a team declared by hand with what the lineage derived.

    ``derived_scope`` is ``None`` when no lineage ever described this registration. A lineage fallback
    (``all``) or a reader the lineage says nothing about (``unknown``) wins over any list of columns:
    some reader of the team may read any column.
    """
    columns = frozenset(c.lower() for c in declared) | frozenset(c.lower() for c in derived)
    if derived_scope == Scope.ALL:
        return ReadScope(Scope.ALL, columns, derived_reason or "reads every column")
    if derived_scope == Scope.UNKNOWN:
        return ReadScope(Scope.UNKNOWN, columns, derived_reason or UNKNOWN_REASON)
    if columns or derived_scope == Scope.COLUMNS:
        return ReadScope(Scope.COLUMNS, columns)
    return ReadScope(Scope.UNKNOWN, columns, derived_reason or UNKNOWN_REASON)


@dataclass(frozen=True, slots=True)
class Reader:
    """A consumer team's registration on one asset."""

    team_id: uuid.UUID
    asset_id: uuid.UUID
    scope: ReadScope
    suggested: bool = False
    """Suggested by another team's sync and not confirmed: the team is informed, never required."""


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason a team is concerned; ``via_*`` name the downstream column it reads."""

    kind: ReasonKind
    columns: tuple[str, ...] = ()
    via_asset_id: uuid.UUID | None = None
    via_asset: str | None = None
    via_column: str | None = None
    detail: str | None = None

    def message(self) -> str:
        """A sentence for people (PR comments, notifications)."""
        cols = ", ".join(self.columns)
        match self.kind:
            case ReasonKind.DIRECT:
                return f"reads {cols}"
            case ReasonKind.VIA:
                return f"reads {self.via_asset}.{self.via_column}, derived from {cols}"
            case ReasonKind.ALL_COLUMNS:
                return f"reads every column ({self.detail or 'no column list'})"
            case ReasonKind.UNKNOWN:
                return f"unknown columns ({self.detail or UNKNOWN_REASON})"
            case ReasonKind.WHOLE_TABLE:
                return "the change concerns the whole table"
            case ReasonKind.STRICT:
                return "the asset requires every consumer's answer"
            case ReasonKind.SUGGESTED:
                return "suggested registration the team has not confirmed: informed only"
            case _:
                return "reads none of the affected columns"

    def to_dict(self) -> dict[str, Any]:
        """The stored / API form."""
        return {
            "kind": self.kind.value,
            "columns": list(self.columns),
            "via_asset_id": str(self.via_asset_id) if self.via_asset_id else None,
            "via_asset": self.via_asset,
            "via_column": self.via_column,
            "message": self.message(),
        }


@dataclass(frozen=True, slots=True)
class TeamImpact:
    """The decision for one team: must it answer, which of the asset's columns concern it, and why."""

    team_id: uuid.UUID
    required: bool
    affected_columns: tuple[str, ...]
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Touched:
    """What a list of breaking changes touches: top-level columns, and whether the whole table."""

    columns: frozenset[str]
    whole_table: bool

    @property
    def anything(self) -> bool:
        """True when some change is breaking."""
        return self.whole_table or bool(self.columns)


def touched(breaking: Iterable[Mapping[str, Any]]) -> Touched:
    """The columns (``/properties/<c>`` or ``/columns/<c>``) and whole-table changes in ``breaking``."""
    columns: set[str] = set()
    whole = False
    for change in breaking:
        column = column_of(str(change.get("path", "")))
        if column is None:
            whole = True
        else:
            columns.add(column)
    return Touched(frozenset(columns), whole)


ColumnKey = tuple[uuid.UUID, str]

ANY_COLUMN = "*"
"""An upstream column of ``derived_from`` meaning "some column of that asset, unknown which": any change
of that asset's columns reaches what derives from it (the same marker as ``tessera.ingest.lineage``)."""


@dataclass(slots=True)
class Propagation:
    """Downstream columns reached from the changed columns: ``reached[(asset, column)] = origins``.

    ``origins`` are the changed columns of the start asset the downstream column derives from.
    """

    reached: dict[ColumnKey, frozenset[str]] = field(default_factory=dict)

    def columns_of(self, asset_id: uuid.UUID) -> dict[str, frozenset[str]]:
        """Reached columns of one asset with their origins."""
        return {col: origins for (a, col), origins in self.reached.items() if a == asset_id}


def propagate(
    start: uuid.UUID,
    columns: Iterable[str],
    derived_from: Mapping[ColumnKey, Iterable[ColumnKey]],
) -> Propagation:
    """Follow column lineage downstream from ``start``'s ``columns``; cycle-safe.

    ``derived_from`` maps an upstream column to the downstream columns computed from it.
    """
    out = Propagation()
    origins: dict[ColumnKey, set[str]] = {}
    queue: deque[tuple[ColumnKey, str]] = deque(((start, c), c) for c in sorted(set(columns)))
    seen: set[tuple[ColumnKey, str]] = set()
    while queue:
        key, origin = queue.popleft()
        for down in (*derived_from.get(key, ()), *derived_from.get((key[0], ANY_COLUMN), ())):
            if down[0] == start or (down, origin) in seen:
                continue
            seen.add((down, origin))
            origins.setdefault(down, set()).add(origin)
            queue.append((down, origin))
    out.reached = {k: frozenset(v) for k, v in origins.items()}
    return out


def decide(
    asset_id: uuid.UUID,
    owner_team_id: uuid.UUID,
    readers: Sequence[Reader],
    change: Touched,
    propagation: Propagation,
    *,
    strict: bool,
    fqns: Mapping[uuid.UUID, str],
) -> list[TeamImpact]:
    """Every team concerned by a breaking change of ``asset_id``, required or informed, sorted by id.

    ``readers`` are the registrations on the asset itself and on the downstream assets ``propagation``
    reached. Consumer teams of the asset that nothing touches are informed; teams known only through a
    downstream asset appear only when a column they read derives from a changed one.
    """
    reasons: dict[uuid.UUID, list[Reason]] = {}
    # What suggested (unconfirmed) registrations would say: shown, never a reason to require an answer.
    hints: dict[uuid.UUID, list[Reason]] = {}
    affected: dict[uuid.UUID, set[str]] = {}
    direct_teams: set[uuid.UUID] = set()
    suggested_direct: set[uuid.UUID] = set()
    for reader in readers:
        team = reader.team_id
        if team == owner_team_id:
            continue
        scope = reader.scope
        bucket = hints if reader.suggested else reasons
        if reader.asset_id == asset_id:
            (suggested_direct if reader.suggested else direct_teams).add(team)
            mine = bucket.setdefault(team, [])
            cols = affected.setdefault(team, set())
            if change.whole_table:
                mine.append(Reason(ReasonKind.WHOLE_TABLE))
            if scope.scope is Scope.ALL and change.columns:
                mine.append(
                    Reason(ReasonKind.ALL_COLUMNS, tuple(sorted(change.columns)), detail=scope.reason)
                )
                cols.update(change.columns)
            elif scope.scope is Scope.UNKNOWN and change.columns:
                mine.append(Reason(ReasonKind.UNKNOWN, tuple(sorted(change.columns)), detail=scope.reason))
                cols.update(change.columns)
            elif scope.scope is Scope.COLUMNS:
                hit = scope.columns & change.columns
                if hit:
                    mine.append(Reason(ReasonKind.DIRECT, tuple(sorted(hit))))
                    cols.update(hit)
            continue
        reached = propagation.columns_of(reader.asset_id)
        if not reached:
            continue
        if scope.scope is Scope.COLUMNS:
            hits = {c: o for c, o in reached.items() if c in scope.columns}
        else:
            hits = reached  # reads every column, or we do not know which: each reached one counts
        for col, origins in sorted(hits.items()):
            bucket.setdefault(team, []).append(
                Reason(
                    ReasonKind.VIA,
                    tuple(sorted(origins)),
                    via_asset_id=reader.asset_id,
                    via_asset=fqns.get(reader.asset_id, str(reader.asset_id)),
                    via_column=col,
                    detail=None if scope.scope is Scope.COLUMNS else scope.reason,
                )
            )
            affected.setdefault(team, set()).update(origins)
    out: list[TeamImpact] = []
    for team in sorted(reasons.keys() | hints.keys(), key=str):
        mine = reasons.get(team, [])
        required = bool(mine)
        if not required and strict and team in direct_teams:
            mine = [Reason(ReasonKind.STRICT)]
            required = True
        if not required and team in hints:
            # Only unconfirmed registrations concern the team: it hears about it and answers if it wants.
            mine = [Reason(ReasonKind.SUGGESTED), *hints[team]]
        if not mine:
            mine = [Reason(ReasonKind.NOT_AFFECTED)]
        if not required and team not in direct_teams | suggested_direct and not hints.get(team):
            continue
        out.append(TeamImpact(team, required, tuple(sorted(affected.get(team, ()))), tuple(mine)))
    return out
