"""Whether a guarantee holds, across runs: pure rules over statuses.

A guarantee is *broken* when its latest check failed or errored; ``warned`` still holds (dbt's
severity ``warn``, a source past ``warn_after`` but not ``error_after``) and ``skipped`` tells nothing,
so it leaves the state as it was. Consumers hear about a change of state only: the first broken run
after a holding one (or after none) is ``failed``, the first holding run after a broken one is
``recovered``. A guarantee that broke in most of its last runs is *unreliable*.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from tessera.enums import GuaranteeStatus, QualityStatus

RECENT_RUNS = 10
"""How many past statuses of a guarantee are kept and judged for reliability."""
MIN_RUNS_FOR_RELIABILITY = 3
"""Fewer runs than this say too little to call a guarantee unreliable."""

BROKEN = frozenset({GuaranteeStatus.FAILED, GuaranteeStatus.ERROR})
HOLDING = frozenset({GuaranteeStatus.PASSED, GuaranteeStatus.WARNED})

T = TypeVar("T")


class Transition(StrEnum):
    """A change of state worth telling consumers about."""

    FAILED = "failed"
    RECOVERED = "recovered"


def transition(previous: GuaranteeStatus | None, current: GuaranteeStatus) -> Transition | None:
    """The change from the previous state (``None``: never checked) to this run's status, if any."""
    if current in BROKEN and previous not in BROKEN:
        return Transition.FAILED
    if current in HOLDING and previous in BROKEN:
        return Transition.RECOVERED
    return None


def broken_now(states: Mapping[str, object]) -> list[str]:
    """The keys of the guarantees whose current state is broken, sorted (``states`` as stored per asset:
    key -> ``{"status": ..., ...}``)."""
    broken_values = {s.value for s in BROKEN}
    return sorted(
        key
        for key, state in states.items()
        if isinstance(state, dict) and state.get("status") in broken_values
    )


def run_status(statuses: Iterable[GuaranteeStatus]) -> QualityStatus:
    """One run's verdict: any failed check fails it, else any error errors it, else it passed if at least
    one check held. A run that checked nothing (every test skipped, as dbt does when the model failed to
    build, or no checks at all) is an ``error``: it proves nothing, so it must not open the publish gate.
    """
    seen = set(statuses)
    if GuaranteeStatus.FAILED in seen:
        return QualityStatus.FAILED
    if GuaranteeStatus.ERROR in seen or not seen & HOLDING:
        return QualityStatus.ERROR
    return QualityStatus.PASSED


def with_recent(recent: Sequence[T], entry: T, status: GuaranteeStatus, limit: int = RECENT_RUNS) -> list[T]:
    """The last ``limit`` entries after this run's ``entry``, newest last; skipped runs are not kept."""
    if status is GuaranteeStatus.SKIPPED:
        return list(recent[-limit:])
    return [*recent, entry][-limit:]


@dataclass(frozen=True, slots=True)
class Reliability:
    """How often a guarantee broke in its recent runs."""

    broken: int
    runs: int

    @property
    def unreliable(self) -> bool:
        """Broken in most (more than half) of at least :data:`MIN_RUNS_FOR_RELIABILITY` runs."""
        return self.runs >= MIN_RUNS_FOR_RELIABILITY and 2 * self.broken > self.runs

    def describe(self) -> str:
        """``fails 6 of the last 10 runs``."""
        return f"fails {self.broken} of the last {self.runs} runs"


def reliability(recent: Sequence[str]) -> Reliability:
    """Count the broken runs among the recent statuses (unknown values count as runs, not breaks)."""
    broken_values = {s.value for s in BROKEN}
    return Reliability(broken=sum(1 for s in recent if s in broken_values), runs=len(recent))


def worst(statuses: Iterable[GuaranteeStatus]) -> GuaranteeStatus:
    """Several checks of one guarantee in one run (two tests on a column): the worst outcome counts."""
    order = (
        GuaranteeStatus.FAILED,
        GuaranteeStatus.ERROR,
        GuaranteeStatus.WARNED,
        GuaranteeStatus.PASSED,
        GuaranteeStatus.SKIPPED,
    )
    seen = set(statuses)
    return next((s for s in order if s in seen), GuaranteeStatus.SKIPPED)
