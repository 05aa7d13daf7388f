"""Which guarantees are broken now, from the states stored per asset."""

from __future__ import annotations

import pytest

from tessera.core.guarantee_health import broken_now, run_status
from tessera.enums import GuaranteeStatus, QualityStatus

P, W, F, E, S = (
    GuaranteeStatus.PASSED,
    GuaranteeStatus.WARNED,
    GuaranteeStatus.FAILED,
    GuaranteeStatus.ERROR,
    GuaranteeStatus.SKIPPED,
)


def test_broken_now_names_the_failing_and_erroring_guarantees_in_order() -> None:
    states = {
        "unique:id": {"status": "failed"},
        "freshness": {"status": "warned"},
        "custom:x": {"status": "error"},
        "not_null:id": {"status": "passed"},
        "odd": "not a state",
    }
    assert broken_now(states) == ["custom:x", "unique:id"]
    assert broken_now({}) == []


@pytest.mark.parametrize(
    ("statuses", "verdict"),
    [
        ([P, W], QualityStatus.PASSED),
        ([P, S], QualityStatus.PASSED),  # what was checked held; the skipped one keeps its state
        ([P, F, E], QualityStatus.FAILED),
        ([P, E], QualityStatus.ERROR),
        ([S], QualityStatus.ERROR),  # dbt skipped every test (the model failed to build): proves nothing
        ([S, S], QualityStatus.ERROR),
        ([], QualityStatus.ERROR),  # an empty suite checked nothing
    ],
)
def test_a_run_passes_only_when_something_it_checked_held_and_nothing_broke(
    statuses: list[GuaranteeStatus], verdict: QualityStatus
) -> None:
    assert run_status(statuses) is verdict
