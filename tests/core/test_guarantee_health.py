"""Which guarantees are broken now, from the states stored per asset."""

from __future__ import annotations

from tessera.core.guarantee_health import broken_now


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
