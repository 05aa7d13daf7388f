"""The compatibility policy: whether a change breaks the readers of a table under a mode.

A pure function of (change kind, mode); the diff itself never decides. The table:

=================  =========  ========  ====  ====
direction          backward   forward   full  none
=================  =========  ========  ====  ====
tightening         breaking   ok        brk   ok
loosening          ok         breaking  brk   ok
incompatible       breaking   breaking  brk   ok
neutral            ok         ok        ok    ok
=================  =========  ========  ====  ====

Transitive modes give each change the verdict of their base mode; transitivity is about *which* earlier
versions are compared (see compatibility.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from tessera.core.kinds import KIND_INFO, ChangeKind, Direction
from tessera.core.modes import Bump, CompatibilityMode

_BREAKS: dict[CompatibilityMode, frozenset[Direction]] = {
    CompatibilityMode.BACKWARD: frozenset({Direction.TIGHTENING, Direction.INCOMPATIBLE}),
    CompatibilityMode.FORWARD: frozenset({Direction.LOOSENING, Direction.INCOMPATIBLE}),
    CompatibilityMode.FULL: frozenset({Direction.TIGHTENING, Direction.LOOSENING, Direction.INCOMPATIBLE}),
    CompatibilityMode.NONE: frozenset(),
}

_DIRECTION_NOUN = {
    Direction.TIGHTENING: "tightening changes",
    Direction.LOOSENING: "loosening changes",
    Direction.INCOMPATIBLE: "incompatible changes",
    Direction.NEUTRAL: "neutral changes",
}


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a change is breaking under a mode, and a short reason a person can read."""

    breaking: bool
    reason: str


def is_breaking(kind: ChangeKind, mode: CompatibilityMode) -> bool:
    """True when ``kind`` breaks readers under ``mode``."""
    return KIND_INFO[kind].direction in _BREAKS[CompatibilityMode(mode).base]


def verdict(kind: ChangeKind, mode: CompatibilityMode) -> Verdict:
    """The verdict for a change of ``kind`` under ``mode``, with its reason."""
    mode = CompatibilityMode(mode)
    info = KIND_INFO[kind]
    breaking = info.direction in _BREAKS[mode.base]
    if mode.base is CompatibilityMode.NONE:
        return Verdict(False, f"{info.effect}; mode none never blocks a change")
    if info.direction is Direction.NEUTRAL:
        return Verdict(False, f"{info.effect}; no mode treats that as breaking")
    rule = "rejects" if breaking else "allows"
    return Verdict(breaking, f"{info.effect}; {mode.value} {rule} {_DIRECTION_NOUN[info.direction]}")


def bump_for(kind: ChangeKind, mode: CompatibilityMode) -> Bump:
    """The version bump one change calls for under ``mode``.

    Breaking changes need a major version. Mode ``none`` switches off the gate, not the version signal:
    its bumps are those of ``full``, so dropping a column still reads as a major version to consumers.
    """
    mode = CompatibilityMode(mode)
    effective = CompatibilityMode.FULL if mode.base is CompatibilityMode.NONE else mode
    if is_breaking(kind, effective):
        return Bump.MAJOR
    return KIND_INFO[kind].bump


__all__ = ["Verdict", "bump_for", "is_breaking", "verdict"]
